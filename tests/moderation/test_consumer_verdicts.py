"""The verdict flows through the live consumer: a blocked command comes back blocked,
names its category, never reaches the world, and the session goes on."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async

from tests.factories import WorldFactory
from tests.worlds.live.conftest import communicator, receive_until
from worlds.live.services import session_start
from worlds.models import Command, Visibility

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def test_a_blocked_command_never_reaches_the_world_and_the_session_goes_on(live_settings):
    from django.contrib.auth.models import AnonymousUser

    world = await sync_to_async(WorldFactory)(visibility=Visibility.PUBLIC)
    session = await sync_to_async(session_start)(
        world=world, player=AnonymousUser(), anonymous_key="anon-key"
    )
    comm = communicator(session.pk, anonymous_key="anon-key")
    await comm.connect()
    await receive_until(comm, lambda m: m["type"] == "video")

    await comm.send_to(
        text_data=json.dumps(
            {"type": "command", "id": "bad", "text": "make it rain and b e h e a d the hostages"}
        )
    )
    blocked = await receive_until(comm, lambda m: m["type"] == "command.result")
    assert blocked["id"] == "bad" and blocked["status"] == "blocked"
    assert blocked["verdict"]["verdict"] == "block"
    assert "violence/graphic" in blocked["verdict"]["categories"]
    assert "graphic violence" in blocked["message"]

    await comm.send_to(
        text_data=json.dumps({"type": "command", "id": "ok", "text": "make it rain"})
    )
    applied = await receive_until(comm, lambda m: m["type"] == "command.result")
    assert applied["id"] == "ok" and applied["status"] == "applied"
    assert applied["verdict"]["verdict"] == "allow"
    await receive_until(comm, lambda m: m["type"] == "video")  # still streaming
    await comm.disconnect()

    texts = await sync_to_async(
        lambda: list(Command.objects.filter(session=session).values_list("text", flat=True))
    )()
    assert texts == ["make it rain"]  # the worker logged only what it was sent
