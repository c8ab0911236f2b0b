"""The renderer's batched passes draw exactly what drawing each session on its own draws."""

from __future__ import annotations

import dataclasses
import math
import random

import numpy as np
import torch

from inference.audio import (
    CHUNK,
    LOOP,
    RATE,
    _add_voices,
    _ambience_rows,
    _filtered_loop,
    _noise,
    _white_loop,
    hear,
    voice,
)
from inference.camera import camera_pose
from inference.render.billboards import Placed, SpritePass, place
from inference.render.looks import scene_look
from inference.render.post import PostPass
from inference.render.sky import MAX_CLOUD_TEXTURES, SkyPass
from inference.render.sprites import KIND_SIZE, sprite
from inference.render.view import SpriteDraw, View
from inference.render.weather import WeatherPass
from inference.spec import PlayerInput
from inference.state import PLAYER_ID
from tests.inference.helpers import make_state

W, H, FOCAL, Z_FAR = 96, 54, 60.0, 165.0
CPU = torch.device("cpu")


def _view(model, seed: int, sprites: tuple[SpriteDraw, ...], fog_density: float) -> View:
    state = make_state(model, seed=seed)
    look = dataclasses.replace(scene_look(state.scene), fog_density=fog_density)
    return View(
        seed, "meadow", "realistic", look, 0.0, 1.7, 0.0, 0.0, 0.0, 0, "clear", 0.0, sprites
    )


def _crowd(rng: random.Random, n: int) -> tuple[SpriteDraw, ...]:
    """n sprites in front of the camera, near and far, overlapping, facing both ways."""
    kinds = list(KIND_SIZE)
    return tuple(
        SpriteDraw(
            kind=rng.choice(kinds),
            x=rng.uniform(-6, 6),
            y=rng.uniform(-0.5, 0.5),
            z=rng.uniform(0.2, 40),
            heading=rng.uniform(0, 360),
            size=rng.uniform(0.5, 2.0),
            colour=(rng.randrange(256), rng.randrange(256), rng.randrange(256)),
            hair=None,
            pose=rng.choice(["stand", "walk", "sit"]),
            frame=rng.randrange(2),
        )
        for _ in range(n)
    )


def _paint_one_by_one(img: torch.Tensor, depth: torch.Tensor, v: View, placed: list[Placed]):
    """The reference: each sprite far to near, blended into its own screen rectangle."""
    light = torch.tensor(v.look.light).clamp(0.35, 1.3)
    fog_colour = torch.tensor(v.look.fog_colour)
    for p in placed:
        tex = sprite(*p.key)
        th, tw = tex.shape[:2]
        ry = torch.arange(p.cy0, p.cy1, dtype=torch.float32)
        rx = torch.arange(p.cx0, p.cx1, dtype=torch.float32)
        ry = ((ry + 0.5 - p.y0) * (th / max(1, p.y1 - p.y0))).long().clamp(0, th - 1)
        rx = ((rx + 0.5 - p.x0) * (tw / max(1, p.x1 - p.x0))).long().clamp(0, tw - 1)
        if p.mirrored:
            rx = tw - 1 - rx
        patch = tex.index_select(0, ry).index_select(1, rx)
        region = img[p.cy0 : p.cy1, p.cx0 : p.cx1]
        vis = (depth[p.cy0 : p.cy1, p.cx0 : p.cx1] > p.zc).float() * patch[..., 3]
        colour = patch[..., :3] * light * (1 - p.fog) + fog_colour * p.fog
        region.copy_(torch.lerp(region, colour, vis.unsqueeze(-1)))


def test_it_draws_a_batch_of_sprites_as_painting_each_far_to_near(model):
    rng = random.Random(7)
    views = [_view(model, seed, _crowd(rng, 12), rng.choice([0.0, 0.02])) for seed in range(5)]
    horizons = [H / 2 + rng.uniform(-10, 10) for _ in views]
    gen = torch.Generator().manual_seed(3)
    img = torch.rand(len(views), H, W, 3, generator=gen)
    depth = torch.rand(len(views), H, W, generator=gen) * 30  # sprites both in front and behind
    original, expected = img.clone(), img.clone()
    drawn = 0
    for b, (v, hor) in enumerate(zip(views, horizons, strict=True)):
        placed = place(b, v, hor, W, H, FOCAL, Z_FAR)
        drawn += len(placed)
        _paint_one_by_one(expected[b], depth[b], v, placed)
    SpritePass(W, H, FOCAL, Z_FAR, CPU).draw(img, depth, views, horizons)
    assert drawn > 30  # most of the crowd is on screen, in front of the terrain or not
    assert not torch.equal(expected, original)
    assert torch.equal(img, expected)

    # The accelerators' way, every row writing its pixel's final value, draws the same.
    every_row = SpritePass(W, H, FOCAL, Z_FAR, CPU)
    every_row.select_winners = False
    again = original.clone()
    every_row.draw(again, depth, views, horizons)
    assert torch.equal(again, expected)


def test_it_draws_sprites_into_planar_images(model):
    rng = random.Random(8)
    views = [_view(model, 1, _crowd(rng, 6), 0.0)]
    planes = torch.rand(3, 1, H, W)
    img = planes.permute(1, 2, 3, 0)  # [1, H, W, 3] planar underneath, as compose draws
    original, reference = img.clone(), img.contiguous()
    depth = torch.full((1, H, W), 100.0)
    sprites = SpritePass(W, H, FOCAL, Z_FAR, CPU)
    sprites.draw(img, depth, views, [H / 2])
    sprites.draw(reference, depth, views, [H / 2])
    assert not torch.equal(img, original)
    assert torch.equal(img, reference)


def test_the_weather_veil_scrolls_each_session_by_its_own_tick(model):
    weather = WeatherPass(W, H, CPU)
    base = _view(model, 1, (), 0.0)
    views = [
        dataclasses.replace(base, weather=w, tick=t)
        for w, t in (("rain", 5), ("snow", 77), ("clear", 3), ("storm", 1000), ("snow", 4001))
    ]
    cover, strength = weather.veil(views)
    for v, got in zip(views, cover * strength, strict=True):
        rows = torch.arange(H)
        if v.weather == "snow":
            idx = torch.remainder(rows - (v.tick * H // 150) % (2 * H), 2 * H)
            expected = torch.roll(weather.snow.index_select(0, idx), (v.tick // 4) % W, 1) * 0.9
        elif v.weather in ("rain", "storm"):
            idx = torch.remainder(rows - (v.tick * H // 9) % (2 * H), 2 * H)
            strength = 0.45 if v.weather == "rain" else 0.6
            expected = weather.rain.index_select(0, idx) * strength
        else:
            expected = torch.zeros(H, W)
        assert torch.equal(got, expected)


def test_film_grain_rolls_with_each_sessions_tick():
    post = PostPass(W, H, CPU)
    ticks = [0, 1, 12345]
    grain = post._grain(ticks, 0.09)
    for tick, got in zip(ticks, grain, strict=True):
        shift = (tick * 7919) % (H * W)
        expected = torch.roll(post.grain, shifts=(shift // W, shift % W), dims=(0, 1)) * 0.09
        assert torch.equal(got, expected)
    assert torch.equal(post._grain([12345], 0.09)[0], grain[2])  # one session: a roll


def test_the_cloud_buffer_stays_bounded_and_draws_the_same_sky(model):
    sky = SkyPass(W, H, FOCAL, CPU)
    view = _view(model, 3, (), 0.0)
    view = dataclasses.replace(view, look=dataclasses.replace(view.look, clouds=0.8))
    first, _ = sky.run([view], [H / 2])
    for seed in range(1000, 1000 + MAX_CLOUD_TEXTURES + 5):
        sky.clouds.slots([seed], sky._cloud_tex)  # pushes the view's seed out
    assert sky.clouds.size == MAX_CLOUD_TEXTURES
    assert view.seed not in sky.clouds._slots
    again, _ = sky.run([view], [H / 2])
    assert torch.equal(first, again)


def test_the_noise_loops_join_without_a_seam():
    white = _white_loop()
    for k in (48, 300, -9):
        table = _filtered_loop(k)
        span = 4 * abs(k)
        unrolled = np.concatenate([white[-3 * span :], white[:span]])  # across the wrap
        c = np.cumsum(np.concatenate(([0.0], unrolled)))
        n = abs(k)
        box = (c[n:] - c[:-n]) / n  # box[i] averages unrolled[i .. i + n - 1]
        if k < 0:
            expected = unrolled[n - 1 :] - box
        else:
            c2 = np.cumsum(np.concatenate(([0.0], box)))
            expected = (c2[n:] - c2[:-n]) / n * (math.sqrt(n) * 1.2)
        got = np.concatenate([table[-(len(expected) - span) :], table[:span]])
        np.testing.assert_allclose(got, expected, atol=1e-5)
    assert LOOP / RATE > 20  # seconds before a session hears its noise again


def _add_voices_one_by_one(state, pose, out: np.ndarray) -> bool:
    """Add every event voice of a session to out [CHUNK, 2], synthesised and mixed one at
    a time, as the sound was made before voices were batched. False if there were none."""
    n0, yaw, heard = state.tick * CHUNK, math.radians(pose.yaw), False
    for i, ev in enumerate(state.events):
        if not ev.get("sound") or ev["tick"] > state.tick or ev.get("until", 0) < state.tick:
            continue
        rel = n0 - ev["tick"] * CHUNK
        salt = 1000 + (ev["tick"] * 31 + i) % 100_000
        tl = (rel + np.arange(CHUNK)) / RATE
        mono = voice(ev["sound"], tl, _noise(rel, CHUNK, state.seed, salt))
        gain, pan = 1.0, 0.5
        entity = state.entity(ev["entity"]) if ev.get("entity") not in (None, PLAYER_ID) else None
        if entity is not None:
            dx, dz = entity.x - pose.x, entity.z - pose.z
            d = math.hypot(dx, dz)
            gain = 1.0 / (1.0 + d / 6.0)
            side = dx * math.cos(yaw) - dz * math.sin(yaw)
            pan = 0.5 + 0.45 * max(-1.0, min(1.0, side / max(d, 1e-3)))
        out[:, 0] += mono * gain * (1.0 - pan) * 2 * 0.7
        out[:, 1] += mono * gain * pan * 2 * 0.7
        heard = True
    return heard


def test_a_block_of_sessions_sounds_as_each_voice_made_alone(model):
    states = []
    for seed, (biome, command) in enumerate([("meadow", "three sheep"), ("city", "two cars")] * 3):
        state, _ = model.direct(make_state(model, biome=biome, seed=seed), command)
        states.append(state)
    sounds, voiced = set(), 0
    for tick in range(60):
        model.step(states, [PlayerInput(move_y=1.0, jump=tick % 15 == 0)] * len(states))
        poses = [camera_pose(s, model.cache) for s in states]
        n0 = np.array([s.tick * CHUNK for s in states], dtype=np.int64)
        heard = [hear(s, pose) for s, pose in zip(states, poses, strict=True)]
        batched = _ambience_rows(heard, n0)
        _add_voices(heard, batched)
        reference = _ambience_rows(heard, n0)
        for b, (state, pose) in enumerate(zip(states, poses, strict=True)):
            voiced += _add_voices_one_by_one(state, pose, reference[b])
        sounds |= {e["sound"] for s in states for e in s.events if e.get("sound")}
        assert np.array_equal(batched, reference)
    assert voiced >= 60
    assert {"footstep", "baa", "jump", "land"} <= sounds
