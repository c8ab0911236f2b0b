from __future__ import annotations

import json
from typing import Any

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.urls import path

from worlds.live.consumers import PlayConsumer
from worlds.live.protocol import AUDIO, VIDEO, VIDEO_HEADER

ROUTER = URLRouter([path("ws/play/<uuid:session_id>/", PlayConsumer.as_asgi())])


@pytest.fixture(scope="session", autouse=True)
def no_connections_left_behind(django_db_setup, django_db_blocker):
    """The consumers and the embedded worker reach the database from threads of their
    own, whose connections outlive the tests: end them, so the test database can go."""
    yield
    with django_db_blocker.unblock():
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(autouse=True)
def small_frames(settings):
    """Live tests render tiny frames: the pixels are not what they check."""
    settings.INFERENCE_RESOLUTION = "64x36"
    settings.INFERENCE_WORKERS = "embedded"
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    from channels.layers import channel_layers

    channel_layers.backends.clear()


def communicator(
    session_id: Any, user: Any = None, anonymous_key: str = "", watch: bool = False
) -> WebsocketCommunicator:
    from django.contrib.auth.models import AnonymousUser

    url = f"/ws/play/{session_id}/" + ("?watch=1" if watch else "")
    comm = WebsocketCommunicator(ROUTER, url)
    comm.scope["user"] = user or AnonymousUser()
    comm.scope["session"] = {"anonymous_player_key": anonymous_key} if anonymous_key else {}
    return comm


async def receive_until(comm: WebsocketCommunicator, want, timeout: float = 30.0):
    """Read messages until `want(message)` is true; return that message."""
    import asyncio
    import time

    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError("timed out waiting for a message")
        message = await comm.receive_output(timeout=remaining)
        if message["type"] == "websocket.close":
            raise AssertionError(f"closed: {message}")
        decoded = decode(message)
        if want(decoded):
            return decoded
        await asyncio.sleep(0)


def decode(message: dict[str, Any]) -> dict[str, Any]:
    if message.get("bytes") is not None:
        data = message["bytes"]
        if data[0] == VIDEO:
            _, tick, seq, scale = VIDEO_HEADER.unpack_from(data)
            jpeg = data[VIDEO_HEADER.size :]
            return {"type": "video", "tick": tick, "seq": seq, "scale": scale, "jpeg": jpeg}
        if data[0] == AUDIO:
            return {"type": "audio", "bytes": data}
    if message.get("text") is not None:
        return json.loads(message["text"])
    return message
