from __future__ import annotations

import pytest

from tests.factories import WorldFactory
from worlds.tasks import world_prepare

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_frames(settings):
    settings.INFERENCE_RESOLUTION = "96x54"


def test_prepare_makes_a_start_snapshot_and_a_thumbnail():
    world = WorldFactory(prompt="a quiet beach at sunset", seed=3)
    world_prepare(world.pk)
    world.refresh_from_db()
    snapshot = world.snapshots.get()
    assert snapshot.label == "Start"
    assert snapshot.state["version"] >= 1 and snapshot.state["seed"] == 3
    assert world.thumbnail.read()[:2] == b"\xff\xd8"  # a JPEG


def test_prepare_is_idempotent():
    world = WorldFactory()
    world_prepare(world.pk)
    world_prepare(world.pk)
    assert world.snapshots.count() == 1


def test_a_new_seed_prepares_a_new_start():
    world = WorldFactory(seed=1)
    world_prepare(world.pk)
    world.seed = 2
    world.save()
    world_prepare(world.pk)
    assert world.snapshots.count() == 2


def test_prepare_skips_a_deleted_world():
    world = WorldFactory()
    world.deleted_at = world.created_at
    world.save()
    world_prepare(world.pk)
    assert world.snapshots.count() == 0
