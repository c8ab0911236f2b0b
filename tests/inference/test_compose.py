"""The compiled renderer draws exactly what the eager one draws, so replays stay exact."""

from __future__ import annotations

import pytest
import torch

from inference.model import WorldModel
from inference.render import frame as frame_module
from inference.spec import PlayerInput, WorldSpec

SCENES = [
    WorldSpec("a neon night city in the rain", seed=5, style="cyberpunk"),
    WorldSpec("a calm coast at sunset with a lighthouse", seed=6),
    WorldSpec("a pine forest in snowy mountains", seed=7, style="painterly"),
]


def _frames(model: WorldModel, specs: list[WorldSpec], ticks: int = 4) -> list[torch.Tensor]:
    states = [model.create(spec) for spec in specs]
    walk = [PlayerInput(move_y=1.0, look_dx=4.0)] * len(states)
    return [torch.stack([out.frame for out in model.step(states, walk)]) for _ in range(ticks)]


@pytest.fixture(scope="module")
def eager(interpreter) -> WorldModel:
    return WorldModel(device="cpu", resolution=(160, 90), interpreter=interpreter)


@pytest.fixture(scope="module")
def compiled(interpreter) -> WorldModel:
    return WorldModel(device="cpu", resolution=(160, 90), interpreter=interpreter, compiled=True)


@pytest.mark.slow
def test_it_draws_the_same_frames_compiled_as_eager(eager, compiled):
    for specs in ([SCENES[0]], SCENES):  # one session, then a batch
        for a, b in zip(_frames(eager, specs), _frames(compiled, specs), strict=True):
            assert torch.equal(a, b)


def test_it_draws_eagerly_when_compiling_fails(interpreter, eager, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("no C++ compiler")

    model = WorldModel(device="cpu", resolution=(160, 90), interpreter=interpreter)
    model.renderer._compose = broken
    frames = _frames(model, [SCENES[1]])
    assert model.renderer._compose is frame_module.compose
    for a, b in zip(frames, _frames(eager, [SCENES[1]]), strict=True):
        assert torch.equal(a, b)


def test_a_warm_renderer_is_ready_for_one_and_many_sessions(interpreter):
    model = WorldModel(device="cpu", resolution=(160, 90), interpreter=interpreter)
    model.warm_renderer()
    assert model.render([model.create(SCENES[1])])[0].shape == (90, 160, 3)
