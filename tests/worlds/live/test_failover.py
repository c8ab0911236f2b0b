"""Worker failover with two real inference worker processes on Redis."""

from __future__ import annotations

import asyncio
import json
import signal
import time

import pytest
from asgiref.sync import sync_to_async

from tests.factories import WorldFactory
from tests.processes import database_url_for_processes, manage, redis_url, wait_until
from tests.worlds.live.conftest import communicator, receive_until
from worlds.live.services import session_start, worker_is_alive
from worlds.models import PlaySession, Visibility

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

REDIS = redis_url(db=13)


@pytest.fixture
def two_workers(settings):
    if REDIS is None:
        pytest.skip("Failover runs real workers over Redis; no Redis answers here.")
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS], "prefix": "tidepool-failover"},
        }
    }
    settings.INFERENCE_WORKERS = "external"
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    env = {
        "DATABASE_URL": database_url_for_processes(),
        "REDIS_URL": REDIS,
        "INFERENCE_WORKERS": "external",
        "INFERENCE_RESOLUTION": "64x36",
        "CHANNELS_PREFIX": "tidepool-failover",
    }
    workers = {
        name: manage("inference_worker", "--name", name, "--capacity", "2", env=env)
        for name in ("worker-a", "worker-b")
    }
    wait_until(lambda: all(worker_is_alive(name=name) for name in workers), 120, "both workers")
    yield workers
    for process in workers.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in workers.values():
        try:
            process.wait(timeout=20)
        except Exception:
            process.kill()


def test_a_session_moves_to_another_worker_when_its_worker_dies(two_workers):
    from django.contrib.auth.models import AnonymousUser

    world = WorldFactory(visibility=Visibility.PUBLIC)
    session = session_start(world=world, player=AnonymousUser(), anonymous_key="k")

    async def play() -> tuple[float, int, int]:
        comm = communicator(session.pk, anonymous_key="k")
        await comm.connect()
        await comm.send_to(text_data=json.dumps({"type": "input", "seq": 1, "keys": ["w"]}))
        # Run past a checkpoint (every 30 ticks) so the new worker has a recent state.
        before = await receive_until(comm, lambda m: m["type"] == "video" and m["tick"] >= 45)
        placed = await sync_to_async(lambda: PlaySession.objects.get(pk=session.pk).worker)()
        two_workers[placed].kill()
        killed_at = time.monotonic()
        resuming = await receive_until(
            comm, lambda m: m["type"] == "session" and m["status"] == "resuming", timeout=30
        )
        assert resuming["session"] == str(session.pk)
        after = await receive_until(comm, lambda m: m["type"] == "video", timeout=60)
        pause = time.monotonic() - killed_at
        await comm.disconnect()
        return pause, before["tick"], after["tick"]

    pause, before_tick, after_tick = asyncio.run(play())
    session.refresh_from_db()
    [survivor] = [name for name, process in two_workers.items() if process.poll() is None]
    assert session.worker == survivor
    # It resumed from the last checkpoint (at most 30 ticks back), not from the start.
    assert after_tick >= before_tick - 30
    assert pause < 15, f"the client waited {pause:.1f} s"
