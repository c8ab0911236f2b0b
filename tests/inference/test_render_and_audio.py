from __future__ import annotations

import numpy as np
import pytest
import torch

from inference.backends import get_backend, register_backend
from inference.model import WorldModel
from inference.render.frame import resolve
from inference.render.sprites import draw
from inference.spec import PlayerInput
from inference.vocabulary import BIOMES, ENTITY_KINDS, STYLES
from tests.inference.helpers import make_state


@pytest.mark.parametrize("kind", ENTITY_KINDS)
def test_every_entity_kind_has_a_sprite(kind):
    img = draw(kind, (200, 40, 40), None, "walk", 1)
    assert img[..., 3].mean() > 0.05


def test_every_biome_renders_distinct_images(model):
    means = []
    for biome in BIOMES:
        frame = model.render([make_state(model, biome=biome)])[0]
        assert frame.dtype == torch.uint8 and frame.is_contiguous()
        means.append(tuple(frame.float().mean(dim=(0, 1)).round().tolist()))
    assert len(set(means)) == len(BIOMES)


def test_every_style_renders(model):
    state = make_state(model)
    seen = set()
    for style in STYLES:
        state.scene.style = style
        frame = model.render([state])[0]
        seen.add(frame.float().mean().item())
    assert len(seen) == len(STYLES)


def test_weather_and_time_change_the_picture(model):
    state = make_state(model)
    base = model.render([state])[0].float()
    for field, value in (
        ("weather", "rain"),
        ("weather", "snow"),
        ("weather", "fog"),
        ("time_of_day", "night"),
    ):
        setattr(state.scene, field, value)
        assert (model.render([state])[0].float() - base).abs().mean() > 2.0
        setattr(state.scene, field, "clear" if field == "weather" else "noon")


def test_presets_and_custom_sizes():
    assert resolve("480p") == (854, 480) and resolve("720p") == (1280, 720)
    with pytest.raises(ValueError):
        resolve("4k")


def test_native_frames_are_the_output_frames_before_pixel_repetition(interpreter):
    from inference.spec import WorldSpec

    model = WorldModel("cpu", (160, 90), interpreter=interpreter, render_scale=0.5)
    assert model.native_scale == 2
    a, b = (model.create(WorldSpec("a neon night city", seed=4)) for _ in range(2))
    full = model.step([a], [PlayerInput(move_y=1.0)])[0].frame
    native = model.step([b], [PlayerInput(move_y=1.0)], native=True)[0].frame
    assert native.shape == (45, 80, 3) and native.is_contiguous()
    assert torch.equal(full[::2, ::2], native)
    assert torch.equal(full[1::2, 1::2], native)


def test_native_scale_is_one_when_the_sizes_do_not_divide(interpreter):
    assert WorldModel("cpu", (150, 85), interpreter=interpreter, render_scale=0.5).native_scale == 1


def test_an_entity_is_hidden_behind_a_building(model):
    state = make_state(model, biome="city", seed=9)
    visible = model.render([state])[0]
    assert visible.shape == (72, 128, 3)


def test_audio_chunks_are_48k_stereo_int16_with_footsteps(model):
    state = make_state(model)
    steps = 0
    for _ in range(40):
        out = model.step([state], [PlayerInput(move_y=1.0)])[0]
        assert out.audio.shape == (1600, 2) and out.audio.dtype == np.int16
        steps += sum(e["type"] == "footstep" for e in out.events)
    assert steps >= 4


def test_a_tick_heard_now_and_synthesised_later_sounds_as_stepping_with_sound(model):
    """The clip's sound track is made from hearings, in another process: the same chunks,
    to the sample, for thunder and animals heard from a moving camera, and music."""
    import copy
    import pickle

    from inference.audio import synth_hearings

    state = make_state(model, weather="storm", seed=5)
    state, _ = model.direct(state, "a cat")
    state, _ = model.direct(state, "a dog")
    state.scene.music = True
    silent, heard, chunks = copy.deepcopy(state), [], []
    for tick in range(200):
        move = PlayerInput(move_y=1.0, look_dx=2.0, jump=tick % 40 == 0)
        out = model.step([state], [move])[0]
        quiet = model.step([silent], [move], sound=False)[0]
        assert quiet.audio is None and quiet.events == out.events
        chunks.append(out.audio)
        heard.append(pickle.loads(pickle.dumps(model.hearing(silent))))
    sounding = [s for h in heard for s in h.sounding]
    assert {"footstep", "thunder"} <= {s.sound for s in sounding}
    animals = [s for s in sounding if s.sound in ("meow", "bark")]
    assert animals and all(s.source is not None for s in animals)  # placed where they stand
    later = synth_hearings(heard)
    assert all(np.array_equal(a, b) for a, b in zip(later, chunks, strict=True))


def test_thunder_follows_each_lightning_flash_with_the_recorded_delay(model):
    state = make_state(model, weather="storm", seed=4)
    flashes, thunders = {}, {}
    for _ in range(900):
        out = model.step([state], [PlayerInput()])[0]
        for e in out.events:
            if e["type"] == "lightning":
                flashes[e["tick"]] = e
            if e["type"] == "thunder":
                thunders[e["flash_tick"]] = e
        if len(thunders) >= 2:
            break
    assert thunders
    for ft, th in thunders.items():
        fl = flashes[ft]
        assert th["tick"] - ft == th["delay_ticks"] == fl["delay_ticks"]
        assert abs(th["delay_ticks"] / 30 - th["distance_m"] / 343.0) < 0.05


def test_music_is_a_state_flag(model):
    state = make_state(model)
    quiet = model.step([state], [PlayerInput()])[0].audio.copy()
    state2 = make_state(model)
    state2.scene.music = True
    loud = model.step([state2], [PlayerInput()])[0].audio
    assert not np.array_equal(quiet, loud)


def test_the_backend_registry():
    register_backend("tiny", lambda **kw: WorldModel(resolution=(32, 18), **kw))
    assert isinstance(get_backend("tiny"), WorldModel)
    with pytest.raises(KeyError):
        get_backend("nope")
