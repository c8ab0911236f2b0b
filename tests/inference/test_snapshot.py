from __future__ import annotations

import json

import pytest

from inference.snapshot import migrate
from inference.spec import PlayerInput, SnapshotError
from inference.state import SCHEMA_VERSION
from tests.inference.helpers import girl_intent, make_state

V1 = {
    "version": 1,
    "seed": 42,
    "tick": 120,
    "prompt": "a quiet meadow",
    "rng": 3,
    "scene": {"biome": "meadow", "time_of_day": "sunset", "weather": "rain", "style": "painterly"},
    "player": {"pos": [1.5, 2.0, -3.0], "yaw": 45.0, "pitch": -5.0},
    "entities": [
        {
            "id": 4,
            "kind": "dog",
            "pos": [3.0, 2.0, 1.0],
            "behaviour": "wander",
            "target": None,
            "color": "brown",
        },
    ],
}


def test_snapshot_round_trips_through_json(model):
    state = make_state(model, entities=(girl_intent(),))
    model.step([state], [PlayerInput(move_y=1)])
    snap = model.snapshot(state)
    assert snap["version"] == SCHEMA_VERSION
    again = model.restore(json.loads(json.dumps(snap)))
    assert model.snapshot(again) == snap


def test_a_v1_snapshot_migrates_and_runs(model):
    state = model.restore(json.loads(json.dumps(V1)))
    assert state.version == SCHEMA_VERSION
    assert (state.player.x, state.player.y, state.player.z) == (1.5, 2.0, -3.0)
    assert state.scene.lighting == "natural" and state.scene.music is False
    dog = state.entities[0]
    assert dog.kind == "dog" and dog.attrs == {"colour": "brown"} and (dog.x, dog.z) == (3.0, 1.0)
    assert state.next_id == 5
    frame, audio, state = model.step([state], [PlayerInput()])[0]
    assert state.tick == 121 and audio.shape == (1600, 2)
    assert V1["player"]["pos"] == [1.5, 2.0, -3.0]  # the literal was not mutated


def test_migration_steps_are_explicit():
    d = migrate(dict(V1))
    assert d["version"] == SCHEMA_VERSION and "pos" not in d["player"]


@pytest.mark.parametrize("bad", [{"version": 99}, {"version": "2"}, [], {"seed": 1}])
def test_unknown_snapshots_are_rejected_with_a_reason(model, bad):
    with pytest.raises(SnapshotError):
        model.restore(bad)


def test_snapshot_with_nan_is_rejected(model):
    snap = model.snapshot(make_state(model))
    snap["player"]["x"] = float("nan")
    with pytest.raises(SnapshotError):
        model.restore(snap)
