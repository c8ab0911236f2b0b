from __future__ import annotations

import math

import pytest

from inference.spec import PlayerInput, SpecError, WorldSpec
from tests.inference.helpers import make_state


@pytest.mark.parametrize("prompt", ["", "   ", "\n\t"])
def test_an_empty_prompt_is_a_clear_error(model, prompt):
    with pytest.raises(SpecError, match="empty") as info:
        model.create(WorldSpec(prompt=prompt))
    assert isinstance(info.value, ValueError)


def test_a_too_long_prompt_and_unknown_style_are_errors(model):
    with pytest.raises(SpecError, match="limit"):
        model.create(WorldSpec(prompt="x" * 2001))
    with pytest.raises(SpecError, match="painterly"):
        model.create(WorldSpec(prompt="a forest", style="vaporwave"))


def test_a_bad_image_is_a_clear_error(model):
    with pytest.raises(SpecError, match="image"):
        model.create(WorldSpec(prompt="a forest", image=b"not an image"))


def test_an_image_supplies_the_palette(model):
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 80, 40)).save(buf, format="PNG")
    state = model.create(WorldSpec(prompt="a desert", image=buf.getvalue(), seed=2))
    assert state.scene.palette and state.scene.palette[0] == [200, 80, 40]
    frame = model.render([state])[0]
    assert frame.shape == (72, 128, 3)


def test_a_10000_character_command_is_rejected_cleanly(model):
    state = make_state(model)
    before = model.snapshot(state)
    new, res = model.direct(state, "rain " * 2000)
    assert res.status == "rejected" and "limit" in res.message
    assert new is state and model.snapshot(state) == before


@pytest.mark.parametrize("text", ["", "   ", None, 42])
def test_empty_or_non_text_commands_are_rejected(model, text):
    state = make_state(model)
    _, res = model.direct(state, text)
    assert res.status == "rejected" and res.message


def test_unicode_and_emoji_are_handled(model):
    state = model.create(WorldSpec(prompt="🌧️ a forest 森 at night ☾", character="un chat 🐈"))
    assert state.scene.biome == "forest"
    _, res = model.direct(state, "🐈🐈 fais pleuvoir ☔ ñ")
    assert res.status in ("applied", "not_understood", "rejected") and res.message
    model.step([state], [PlayerInput()])


def test_nan_and_inf_inputs_never_reach_the_state(model):
    state = make_state(model)
    bad = PlayerInput(
        move_x=float("nan"),
        move_y=float("inf"),
        look_dx=float("-inf"),
        look_dy=float("nan"),
        jump=True,
    )
    assert bad.move_y == 0.0 and bad.look_dx == 0.0
    for _ in range(5):
        model.step([state], [bad])
    snap = model.snapshot(state)
    for v in snap["player"].values():
        assert not isinstance(v, float) or math.isfinite(v)
    keyed = PlayerInput.from_keys(["w", "ShiftLeft", "Space"], look=(float("nan"), 5.0))
    assert keyed.move_y == 1.0 and keyed.run and keyed.jump and keyed.look_dx == 0.0


def test_out_of_range_inputs_are_clamped():
    inp = PlayerInput(move_x=5, move_y=-9, look_dx=1e9)
    assert (inp.move_x, inp.move_y, inp.look_dx) == (1.0, -1.0, 180.0)
    keys = PlayerInput.from_keys(["ArrowUp", "d"], axes=(0.5, 0.0))
    assert keys.move_y == 1.0 and keys.move_x == 1.0


def test_malformed_logged_actions_are_rejected(model):
    state = make_state(model)
    _, res = model.apply(state, [{"type": "explode"}])
    assert res.status == "rejected"
    _, res = model.apply(state, [{"nope": 1}])
    assert res.status == "rejected"
