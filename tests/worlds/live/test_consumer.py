from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async

from tests.factories import SnapshotFactory, UserFactory, WorldFactory
from tests.worlds.live.conftest import communicator, receive_until
from worlds.live import protocol
from worlds.live.services import session_start
from worlds.models import Command, PlaySession, SnapshotKind, Visibility

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def session_status(session) -> str:
    return PlaySession.objects.get(pk=session.pk).status


async def eventually(check, timeout: float = 10.0) -> None:
    """The worker handles a detach after the socket has gone; wait for it."""
    import asyncio
    import time

    deadline = time.monotonic() + timeout
    while not await sync_to_async(check)():
        assert time.monotonic() < deadline, "condition never became true"
        await asyncio.sleep(0.05)


def is_video(message) -> bool:
    return message["type"] == "video"


async def start_session(world, user=None, anonymous_key="anon-key"):
    from django.contrib.auth.models import AnonymousUser

    return await sync_to_async(session_start)(
        world=world, player=user or AnonymousUser(), anonymous_key=anonymous_key
    )


async def connect_playing(*, user=None, owner=None):
    """A public world, a session for `user` (anonymous when None), connected and streaming."""
    fields = {"owner": owner} if owner is not None else {}
    world = await sync_to_async(WorldFactory)(visibility=Visibility.PUBLIC, **fields)
    session = await start_session(world, user)
    comm = communicator(session.pk, user=user, anonymous_key="" if user else "anon-key")
    await comm.connect()
    await receive_until(comm, is_video)
    return comm, session, world


async def test_the_owner_plays_their_private_world():
    owner = await sync_to_async(UserFactory)()
    world = await sync_to_async(WorldFactory)(owner=owner, visibility=Visibility.PRIVATE)
    session = await start_session(world, owner)
    comm = communicator(session.pk, user=owner)
    connected, _ = await comm.connect()
    assert connected
    hello = await receive_until(comm, lambda m: m["type"] == "session")
    assert hello["role"] == "player"
    frame = await receive_until(comm, is_video)
    assert frame["jpeg"][:2] == b"\xff\xd8"
    await comm.disconnect()


async def test_a_private_world_closes_with_a_reason_for_others():
    owner = await sync_to_async(UserFactory)()
    world = await sync_to_async(WorldFactory)(owner=owner, visibility=Visibility.PRIVATE)
    session = await start_session(world, owner)
    stranger = await sync_to_async(UserFactory)()
    comm = communicator(session.pk, user=stranger)
    await comm.connect()
    reason = "This world is private: only its creator can play or watch it."
    error = json.loads((await comm.receive_output(timeout=10))["text"])
    assert error == {"type": "error", "code": "private", "message": reason}
    closed = await comm.receive_output(timeout=10)
    assert closed == {"type": "websocket.close", "code": protocol.CLOSE_FORBIDDEN, "reason": reason}


async def test_an_unknown_session_closes():
    comm = communicator("00000000-0000-0000-0000-000000000000")
    await comm.connect()
    error = json.loads((await comm.receive_output(timeout=10))["text"])
    assert error["code"] == "not_found"
    closed = await comm.receive_output(timeout=10)
    assert closed["code"] == protocol.CLOSE_NOT_FOUND


async def test_anyone_plays_a_public_world_anonymously_and_holding_w_moves():
    comm, session, world = await connect_playing()
    await comm.send_to(text_data=json.dumps({"type": "input", "seq": 7, "keys": ["w"]}))
    acked = await receive_until(comm, lambda m: is_video(m) and m["seq"] >= 7)
    assert acked["seq"] == 7
    await comm.disconnect()


async def test_a_command_comes_back_with_its_result_and_is_logged():
    comm, session, world = await connect_playing()
    await comm.send_to(
        text_data=json.dumps({"type": "command", "id": "c1", "text": "make it rain"})
    )
    result = await receive_until(comm, lambda m: m["type"] == "command.result")
    assert result["id"] == "c1"
    assert result["status"] == "applied", result
    assert result["verdict"]["verdict"] == "allow"
    await comm.disconnect()
    command = await sync_to_async(Command.objects.get)(session=session)
    assert command.text == "make it rain"
    assert command.result["status"] == "applied"
    assert command.result["actions"]


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ("{not json", "malformed_json"),
        (json.dumps({"type": "teleport"}), "unknown_type"),
        ("x" * (64 * 1024 + 1), "too_large"),
        (json.dumps({"type": "input", "seq": "seven"}), "bad_input"),
    ],
)
async def test_protocol_abuse_gets_a_clear_error_and_the_session_survives(payload, code):
    comm, session, world = await connect_playing()
    await comm.send_to(text_data=payload)
    error = await receive_until(comm, lambda m: m["type"] == "error")
    assert error["code"] == code
    await comm.send_to(text_data=json.dumps({"type": "ping", "t": 1.5}))
    assert (await receive_until(comm, lambda m: m["type"] == "pong"))["t"] == 1.5
    await comm.disconnect()


async def test_a_flood_of_inputs_is_rate_limited_not_a_crash():
    comm, session, world = await connect_playing()
    for seq in range(1, 1001):
        await comm.send_to(text_data=json.dumps({"type": "input", "seq": seq, "keys": ["d"]}))
    error = await receive_until(comm, lambda m: m["type"] == "error")
    assert error["code"] == "rate_limited"
    await receive_until(comm, is_video)  # still streaming
    await comm.disconnect()


async def test_a_spectator_watches_the_same_frames_read_only():
    world = await sync_to_async(WorldFactory)(visibility=Visibility.PUBLIC)
    session = await start_session(world)
    player = communicator(session.pk, anonymous_key="anon-key")
    await player.connect()
    await receive_until(player, is_video)
    viewer = communicator(session.pk, user=await sync_to_async(UserFactory)(), watch=True)
    await viewer.connect()
    hello = await receive_until(viewer, lambda m: m["type"] == "session")
    assert hello["role"] == "spectator"
    assert (await receive_until(viewer, is_video))["jpeg"][:2] == b"\xff\xd8"
    await viewer.send_to(text_data=json.dumps({"type": "input", "seq": 1, "keys": ["w"]}))
    assert (await receive_until(viewer, lambda m: m["type"] == "error"))["code"] == "read_only"
    await viewer.disconnect()
    await player.disconnect()


async def test_disconnect_autosaves_and_reconnecting_resumes_the_same_session():
    world = await sync_to_async(WorldFactory)(visibility=Visibility.PUBLIC)
    session = await start_session(world)
    comm = communicator(session.pk, anonymous_key="anon-key")
    await comm.connect()
    await comm.send_to(text_data=json.dumps({"type": "input", "seq": 1, "keys": ["w"]}))
    first = await receive_until(comm, lambda m: is_video(m) and m["tick"] >= 20)
    await comm.disconnect()

    await eventually(lambda: session_status(session) == PlaySession.Status.PAUSED)
    await sync_to_async(session.refresh_from_db)()
    autosave = await sync_to_async(lambda: session.last_snapshot)()
    assert autosave.is_autosave and autosave.tick >= first["tick"]

    again = communicator(session.pk, anonymous_key="anon-key")
    await again.connect()
    resumed = await receive_until(again, is_video)
    assert resumed["tick"] > first["tick"]  # the same world, carried on
    await again.disconnect()


async def test_a_snapshot_that_cannot_be_restored_ends_the_session_with_a_reason():
    world = await sync_to_async(WorldFactory)(visibility=Visibility.PUBLIC)
    await sync_to_async(SnapshotFactory)(world=world, state={"version": 2, "tick": 0})
    session = await start_session(world)
    comm = communicator(session.pk, anonymous_key="anon-key")
    await comm.connect()
    error = await receive_until(comm, lambda m: m["type"] == "error")
    assert error["code"] == "start_failed"
    assert "could not start" in error["message"]
    closed = await comm.receive_output(timeout=10)
    assert closed["code"] == protocol.CLOSE_SESSION_ENDED


async def test_the_player_saves_a_named_snapshot():
    user = await sync_to_async(UserFactory)()
    comm, session, world = await connect_playing(user=user, owner=user)
    await comm.send_to(text_data=json.dumps({"type": "snapshot", "label": "by the pier"}))
    saved = await receive_until(comm, lambda m: m["type"] == "snapshot.saved")
    assert saved["label"] == "by the pier"
    snapshot = await sync_to_async(world.snapshots.get)(slug=saved["slug"])
    assert snapshot.thumbnail and not snapshot.is_autosave
    await comm.disconnect()


async def test_a_session_ends_at_its_time_limit(settings):
    settings.QUOTA_ANONYMOUS_SESSION_SECONDS = 1
    world = await sync_to_async(WorldFactory)(visibility=Visibility.PUBLIC)
    session = await start_session(world)
    comm = communicator(session.pk, anonymous_key="anon-key")
    await comm.connect()
    error = await receive_until(comm, lambda m: m["type"] == "error", timeout=30)
    assert error["code"] == "time_limit"
    while (message := await comm.receive_output(timeout=10))["type"] != "websocket.close":
        pass
    assert message["code"] == protocol.CLOSE_SESSION_ENDED


async def test_record_turns_what_happened_into_a_clip():
    from worlds.clips.models import Clip

    user = await sync_to_async(UserFactory)()
    comm, session, world = await connect_playing(user=user, owner=user)
    await comm.send_to(text_data=json.dumps({"type": "record", "action": "start"}))
    started = await receive_until(comm, lambda m: m["type"] == "record")
    assert started["status"] == "recording"
    await comm.send_to(text_data=json.dumps({"type": "input", "seq": 3, "keys": ["w"]}))
    await comm.send_to(text_data=json.dumps({"type": "command", "id": "c", "text": "make it snow"}))
    await receive_until(comm, lambda m: m["type"] == "command.result")
    await receive_until(comm, lambda m: is_video(m) and m["tick"] >= started["tick"] + 20)
    await comm.send_to(text_data=json.dumps({"type": "record", "action": "stop"}))
    saved = await receive_until(comm, lambda m: m["type"] == "record")
    assert saved["status"] == "saved", saved
    clip = await sync_to_async(Clip.objects.select_related("start_snapshot").get)(owner=user)
    assert saved["clip_url"] == clip.get_absolute_url()
    assert any(event["type"] == "command" for event in clip.script["events"])
    assert clip.start_snapshot.kind == SnapshotKind.CLIP_START
    await comm.disconnect()


async def test_remix_from_here_makes_a_world_of_the_players_own():
    from worlds.models import World

    owner = await sync_to_async(UserFactory)()
    player = await sync_to_async(UserFactory)()
    world = await sync_to_async(WorldFactory)(owner=owner, visibility=Visibility.PUBLIC)
    session = await start_session(world, player)
    comm = communicator(session.pk, user=player)
    await comm.connect()
    await receive_until(comm, is_video)
    await comm.send_to(text_data=json.dumps({"type": "remix"}))
    remixed = await receive_until(comm, lambda m: m["type"] == "remix")
    remix = await sync_to_async(World.objects.select_related("parent_snapshot").get)(owner=player)
    assert remixed["world_url"] == remix.get_absolute_url()
    assert remix.parent_id == world.pk
    assert remix.parent_snapshot.kind == SnapshotKind.REMIX_POINT
    await comm.disconnect()


async def test_anonymous_players_are_invited_to_sign_up_to_record_and_remix():
    comm, session, world = await connect_playing()
    await comm.send_to(text_data=json.dumps({"type": "record", "action": "start"}))
    assert (await receive_until(comm, lambda m: m["type"] == "error"))["code"] == (
        "sign_up_to_record"
    )
    await comm.send_to(text_data=json.dumps({"type": "remix"}))
    assert (await receive_until(comm, lambda m: m["type"] == "error"))["code"] == (
        "sign_up_to_remix"
    )
    await comm.disconnect()


async def test_a_player_who_sends_no_input_keeps_the_session_attached(monkeypatch):
    import asyncio
    import time

    from worlds.live import consumers, embedded

    monkeypatch.setattr(consumers, "KEEPALIVE_SECONDS", 0.2)
    comm, session, _world = await connect_playing()
    live = embedded._worker.sessions[str(session.pk)]
    quiet_since = live.heard_at = time.monotonic() - 10  # silent, not yet for too long
    await asyncio.sleep(1.5)
    assert live.heard_at > quiet_since and live.attached
    await comm.disconnect()
