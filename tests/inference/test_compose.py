"""The compiled renderer draws exactly what the eager one draws, so replays stay exact."""

from __future__ import annotations

import pytest
import torch

from inference.model import WorldModel
from inference.spec import PlayerInput, WorldSpec
from inference.vocabulary import STYLES

# one world per style, across the biomes, night and day, rain and snow
SCENES = [
    WorldSpec("a neon night city in the rain", seed=5, style="cyberpunk"),
    WorldSpec("a calm coast at sunset with a lighthouse", seed=6, style="realistic"),
    WorldSpec("a pine forest in snowy mountains", seed=7, style="painterly"),
    WorldSpec("the streets of Paris in the 1980s", "a blonde model", seed=8, style="film80s"),
    WorldSpec("a desert at noon with cacti", seed=9, style="noir"),
    WorldSpec("a meadow with sheep", seed=10, style="pixel"),
    WorldSpec("a volcanic island at night", seed=11, style="watercolor"),
    WorldSpec("city streets in a snowstorm", seed=12, style="sepia"),
]


def _frames(model: WorldModel, specs: list[WorldSpec], ticks: int = 3) -> list[torch.Tensor]:
    states = [model.create(spec) for spec in specs]
    walk = [PlayerInput(move_y=1.0, look_dx=4.0)] * len(states)
    return [torch.stack([out.frame for out in model.step(states, walk)]) for _ in range(ticks)]


def _model(interpreter, compiled: bool) -> WorldModel:
    return WorldModel("cpu", (160, 90), interpreter=interpreter, compiled=compiled)


@pytest.mark.slow
def test_it_draws_the_same_frames_compiled_as_eager(interpreter):
    eager, compiled = _model(interpreter, False), _model(interpreter, True)
    for a, b in zip(_frames(eager, SCENES), _frames(compiled, SCENES), strict=True):
        assert torch.equal(a, b)
    assert compiled.renderer._compose.is_compiled  # it did not fall back to eager
    assert compiled.renderer.terrain._shade.is_compiled
    assert compiled.renderer._overlay.is_compiled  # the rain and snow scenes used it


def test_it_draws_eagerly_when_compiling_fails(interpreter):
    def broken(*args, **kwargs):
        raise RuntimeError("no C++ compiler")

    model = _model(interpreter, True)
    renderer = model.renderer
    parts = [
        renderer._compose,
        renderer.terrain._shade,
        renderer._overlay,
        *renderer.post.fn.values(),
    ]
    for part in parts:
        part._compiled = broken
    frames = _frames(model, SCENES[:2])  # the first is rainy
    assert not model.renderer._compose.is_compiled
    assert not model.renderer._overlay.is_compiled
    assert not model.renderer.terrain._shade.is_compiled
    assert not model.renderer.post.fn["finish_realistic"].is_compiled
    for a, b in zip(frames, _frames(_model(interpreter, False), SCENES[:2]), strict=True):
        assert torch.equal(a, b)


def test_warming_draws_every_style_once_per_batch_size(interpreter):
    model = _model(interpreter, False)
    drawn = []
    model.render = lambda states: drawn.append((states[0].scene.style, len(states)))
    model.warm_renderer()
    model.warm_renderer()  # already warm: nothing more
    assert sorted(drawn) == sorted((style, b) for style in STYLES for b in (1, 2))
