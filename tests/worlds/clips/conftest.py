from __future__ import annotations

import pytest

from tests.factories import SnapshotFactory, UserFactory, WorldFactory

# Seed 245 puts a lightning strike 4 ticks after a storm starts, 315 m away: its thunder
# comes 28 ticks (0.93 s) later, inside a 2 s clip.
STORM_SEED = 245
STORM_SCRIPT = {
    "version": 1,
    "duration_s": 2,
    "events": [
        {"t": 0, "type": "command", "text": "a storm with lightning"},
        {"t": 0.5, "type": "input", "keys": ["w"], "look": [1.0, 0], "duration": 0.5},
    ],
}
TINY = "128x72"


@pytest.fixture(autouse=True)
def tiny_clips(settings):
    """Clip tests render tiny frames, except where a test is about 720p."""
    settings.CLIP_RESOLUTION = TINY
    settings.CLIP_REPLAY_RESOLUTION = "64x36"
    settings.CLIP_UPLOAD_BACKOFF_SECONDS = 0.01
    settings.CELERY_BROKER_URL = None
    settings.INFERENCE_DEVICE = "cpu"


@pytest.fixture
def world_state():
    """The real start state of the storm-test world (tick 0)."""
    from inference.spec import WorldSpec
    from worlds.engine import world_model

    model = world_model("64x36", purpose="clips-replay")
    return model.snapshot(
        model.create(WorldSpec("a green meadow with a few trees", seed=STORM_SEED))
    )


@pytest.fixture
def world(creator, world_state):
    world = WorldFactory(
        owner=creator, prompt="a green meadow with a few trees", seed=STORM_SEED, title="Meadow"
    )
    SnapshotFactory(world=world, state=world_state, tick=0, label="Start", author=creator)
    return world


@pytest.fixture
def private_world(creator, world_state):
    world = WorldFactory(
        owner=creator, prompt="a green meadow with a few trees", seed=STORM_SEED,
        visibility="private", title="Secret meadow",
    )  # fmt: skip
    SnapshotFactory(world=world, state=world_state, tick=0, label="Start", author=creator)
    return world


def make_clip(world, owner=None, script=None, **fields):
    from worlds.clips.models import Clip

    script = script or STORM_SCRIPT
    return Clip.objects.create(
        world=world,
        owner=owner or world.owner,
        title=fields.pop("title", "Storm clip"),
        start_snapshot=world.snapshots.first(),
        script=script,
        duration_s=script["duration_s"],
        resolution=fields.pop("resolution", TINY),
        **fields,
    )


def other_user():
    return UserFactory()
