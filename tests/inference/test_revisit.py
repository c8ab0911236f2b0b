from __future__ import annotations

from inference.metrics import ssim
from inference.spec import PlayerInput
from tests.inference.helpers import make_state


def test_walking_away_and_back_shows_the_same_place(model):
    state = make_state(model, biome="city", weather="clear", seed=9)
    start = model.render([state])[0]
    p0 = (state.player.x, state.player.z)
    for _ in range(90):
        model.step([state], [PlayerInput(move_y=1.0)])
    assert abs(state.player.z - p0[1]) > 5.0  # it really went somewhere
    for _ in range(90):
        model.step([state], [PlayerInput(move_y=-1.0)])
    back = model.render([state])[0]
    assert abs(state.player.x - p0[0]) < 1e-6 and abs(state.player.z - p0[1]) < 1e-6
    assert ssim(start, back) >= 0.97


def test_the_world_is_the_same_after_regenerating_tiles(model):
    from inference.worldgen import TileCache

    fresh = TileCache()
    a = model.cache.cell(1, "forest", 300.5, -812.5)
    b = fresh.cell(1, "forest", 300.5, -812.5)
    assert a == b


def test_a_cleared_cache_draws_the_same_frame(model):
    state = make_state(model, biome="forest", weather="clear", seed=4)
    before = model.render([state])[0]
    model.cache.clear()
    assert (model.render([state])[0] == before).all()


def test_the_benchmark_revisit_comes_back_to_the_same_place(model):
    from inference.bench import _revisit

    figures = _revisit(model, 1)
    assert figures["pose_error_m"] < 1e-6
    assert figures["ssim_below_horizon"] >= 0.97
