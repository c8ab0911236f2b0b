"""Data migrations, run forward against the real database."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE_KIND = [("worlds", "0003_sharing")]
WITH_KIND = [("worlds", "0004_snapshot_kind")]


def migrate(targets: list[tuple[str, str]]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_snapshots_made_before_kinds_take_theirs_from_their_labels(creator):
    apps = migrate(BEFORE_KIND)
    World = apps.get_model("worlds", "World")
    Snapshot = apps.get_model("worlds", "Snapshot")
    world = World.objects.create(owner_id=creator.pk, title="Cove", prompt="a cove", seed=1)

    def snapshot(label: str, **fields) -> int:
        fields.setdefault("author_id", creator.pk)
        return Snapshot.objects.create(world=world, state={"version": 2}, label=label, **fields).pk

    saved = snapshot("by the pier")
    clip_start = snapshot("Clip start")
    remix_point = snapshot("Remix point")
    autosave = snapshot("Clip start", is_autosave=True)
    authorless = snapshot("Clip start", author_id=None)

    kinds = dict(
        migrate(WITH_KIND).get_model("worlds", "Snapshot").objects.values_list("pk", "kind")
    )
    assert kinds == {
        saved: "saved",
        clip_start: "clip_start",
        remix_point: "remix_point",
        autosave: "saved",
        authorless: "saved",
    }
