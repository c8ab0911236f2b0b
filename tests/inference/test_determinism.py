from __future__ import annotations

import json

import numpy as np
import torch

from inference.spec import PlayerInput
from tests.inference.helpers import girl_intent, make_state


def _inputs(n: int) -> list[PlayerInput]:
    out = []
    for i in range(n):
        out.append(
            PlayerInput(
                move_y=1.0 if i % 20 < 14 else -0.5,
                move_x=0.3 * ((i // 7) % 2),
                look_dx=1.5 if i % 10 < 5 else -1.0,
                jump=i % 17 == 0,
                run=i % 30 > 20,
            )
        )
    return out


def _run(model, state, inputs):
    frames, audio = [], []
    for inp in inputs:
        f, a, state = model.step([state], [inp])[0]
        frames.append(f.clone())
        audio.append(a.copy())
    return frames, audio, state


def test_it_is_bit_exact_after_restore(model):
    state = make_state(model, weather="storm", entities=(girl_intent(),))
    state, res = model.apply(
        state,
        [
            {
                "type": "spawn",
                "kind": "cat",
                "behaviour": "run_to",
                "target": {"kind": "person", "label": "girl", "attributes": [["age", "child"]]},
            }
        ],
    )
    assert res.status == "applied"
    inputs = _inputs(40)
    _, _, state = _run(model, state, inputs[:15])
    snap = json.loads(json.dumps(model.snapshot(state)))
    frames_a, audio_a, end_a = _run(model, state, inputs[15:])
    frames_b, audio_b, end_b = _run(model, model.restore(snap), inputs[15:])
    for fa, fb in zip(frames_a, frames_b, strict=True):
        assert torch.equal(fa, fb)
    for aa, ab in zip(audio_a, audio_b, strict=True):
        assert np.array_equal(aa, ab)
    assert model.snapshot(end_a) == model.snapshot(end_b)


def test_two_fresh_worlds_with_the_same_seed_are_identical(model):
    a = make_state(model, biome="city", seed=5)
    b = make_state(model, biome="city", seed=5)
    fa, aa, _ = model.step([a], [PlayerInput(move_y=1)])[0]
    fb, ab, _ = model.step([b], [PlayerInput(move_y=1)])[0]
    assert torch.equal(fa, fb) and np.array_equal(aa, ab)


def test_batched_step_matches_single_steps(model):
    s1 = make_state(model, biome="meadow", seed=2)
    s2 = make_state(model, biome="city", seed=3)
    t1 = make_state(model, biome="meadow", seed=2)
    t2 = make_state(model, biome="city", seed=3)
    inp = PlayerInput(move_y=1.0, look_dx=2.0)
    outs = model.step([s1, s2], [inp, inp])
    o1 = model.step([t1], [inp])[0]
    o2 = model.step([t2], [inp])[0]
    assert torch.equal(outs[0].frame, o1.frame)
    assert torch.equal(outs[1].frame, o2.frame)
    assert np.array_equal(outs[1].audio, o2.audio)


def test_direct_does_not_mutate_its_input(model):
    state = make_state(model, entities=(girl_intent(),))
    before = model.snapshot(state)
    new, res = model.apply(
        state,
        [
            {"type": "set_scene", "weather": "snow"},
            {
                "type": "spawn",
                "kind": "dog",
                "behaviour": "follow",
                "target": {"kind": "person", "label": "girl"},
            },
        ],
    )
    assert res.status == "applied"
    assert model.snapshot(state) == before
    assert new.scene.weather == "snow" and len(new.entities) == 2


def test_it_is_bit_exact_after_restore_on_cuda():
    import pytest

    if not torch.cuda.is_available():
        pytest.skip("no CUDA device here")
    from inference.keywords import KeywordInterpreter
    from inference.model import WorldModel

    gpu = WorldModel(device="cuda", resolution=(320, 180), interpreter=KeywordInterpreter())
    state = make_state(gpu, biome="night_city", weather="storm", entities=(girl_intent(),))
    inputs = _inputs(30)
    _, _, state = _run(gpu, state, inputs[:10])
    snap = json.loads(json.dumps(gpu.snapshot(state)))
    frames_a, audio_a, _ = _run(gpu, state, inputs[10:])
    frames_b, audio_b, _ = _run(gpu, gpu.restore(snap), inputs[10:])
    assert all(torch.equal(a, b) for a, b in zip(frames_a, frames_b, strict=True))
    assert all(np.array_equal(a, b) for a, b in zip(audio_a, audio_b, strict=True))
    assert frames_a[0].device.type == "cpu" and frames_a[0].is_contiguous()


def test_steps_without_rendering_evolve_the_state_bit_exactly(model):
    """N steps with render=False, then one rendered step == N + 1 rendered steps."""
    a = make_state(model, weather="storm", entities=(girl_intent(),))
    b = make_state(model, weather="storm", entities=(girl_intent(),))
    inputs = _inputs(25)
    frames_a, audio_a, a = _run(model, a, inputs)
    audio_b = []
    for inp in inputs[:-1]:
        out = model.step([b], [inp], render=False)[0]
        assert out.frame is None
        audio_b.append(out.audio.copy())
    last = model.step([b], [inputs[-1]])[0]
    audio_b.append(last.audio.copy())
    assert torch.equal(last.frame, frames_a[-1])
    assert all(np.array_equal(x, y) for x, y in zip(audio_a, audio_b, strict=True))
    assert model.snapshot(a) == model.snapshot(b)
