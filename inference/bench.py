"""Benchmark: python -m inference.bench [--device cpu|cuda] [--quick] [--eager] -> JSON.

The renderer is compiled as in the product (C++ on CPU, Triton on CUDA) and warmed before
anything is timed; --eager measures the uncompiled renderer.

Figures: ms per frame (render + audio, one session) at 480p and 720p; batch throughput;
ms per audio chunk; ms to apply a command; prompt -> first frame with the encoder warm;
revisit SSIM; a bit-exact determinism check.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from typing import Any

import numpy as np
import torch

from inference.audio import synth_chunk
from inference.camera import camera_pose
from inference.dynamics import step_world
from inference.metrics import ssim
from inference.model import WorldModel
from inference.spec import PlayerInput, WorldSpec

PROMPT = WorldSpec("the streets of Paris in the 1980s", "a stylish blonde female model", seed=3)


def _sync(dev: torch.device) -> None:
    if dev.type == "cuda":
        torch.cuda.synchronize()


def _walk(i: int) -> PlayerInput:
    return PlayerInput(move_y=1.0, look_dx=0.5 if (i // 30) % 2 else -0.5)


def _frame_times(model: WorldModel, interp: Any, n: int) -> dict[str, float]:
    state = model.create(PROMPT)
    for i in range(5):
        model.step([state], [_walk(i)])
    ts = []
    for i in range(n):
        _sync(model.device)
        t = time.perf_counter()
        model.step([state], [_walk(i)])
        _sync(model.device)
        ts.append((time.perf_counter() - t) * 1000)
    ts.sort()
    return {
        "median_ms": round(statistics.median(ts), 2),
        "p95_ms": round(ts[min(len(ts) - 1, int(len(ts) * 0.95))], 2),
    }


def _batch_fps(model: WorldModel, b: int, n: int) -> dict[str, float]:
    states = [
        model.create(WorldSpec(PROMPT.prompt, PROMPT.character, seed=3 + i)) for i in range(b)
    ]
    model.step(states, [_walk(0)] * b)
    _sync(model.device)
    t = time.perf_counter()
    for i in range(n):
        model.step(states, [_walk(i)] * b)
    _sync(model.device)
    dt = time.perf_counter() - t
    return {"total_fps": round(b * n / dt, 1), "per_session_fps": round(n / dt, 1)}


def _revisit(model: WorldModel, seconds: int) -> dict[str, float]:
    """Walk straight away for half the time and straight back, then compare the frames.

    Intermediate ticks run the full simulation (and audio) without rendering; the world
    tiles are regenerated on the way. Clouds keep drifting, which is the only animated
    thing in this setup (no entities, clear weather), so SSIM is also given below the
    horizon line."""
    spec = WorldSpec("city streets at noon", seed=21)
    state = model.create(spec)
    state.scene.weather, state.scene.time_of_day = "clear", "noon"
    state.entities.clear()
    first = model.render([state])[0]
    pose0 = (state.player.x, state.player.z, state.player.yaw)
    half = seconds * 30 // 2
    for i in range(2 * half):
        step_world(state, PlayerInput(move_y=1.0 if i < half else -1.0), model.cache)
        synth_chunk(state, camera_pose(state, model.cache))
    model.cache.clear()
    back = model.render([state])[0]
    pose1 = (state.player.x, state.player.z, state.player.yaw)
    h = first.shape[0]
    return {
        "seconds": seconds,
        "pose_error_m": round(abs(pose0[0] - pose1[0]) + abs(pose0[1] - pose1[1]), 6),
        "ssim": round(ssim(first, back), 4),
        "ssim_below_horizon": round(ssim(first[h // 2 :], back[h // 2 :]), 4),
    }


def _determinism(model: WorldModel) -> bool:
    state = model.create(PROMPT)
    state, _ = model.direct(state, "make it storm")
    state, _ = model.direct(state, "a cute cat runs to the girl")
    for i in range(10):
        model.step([state], [_walk(i)])
    snap = model.snapshot(state)
    a = [model.step([state], [_walk(i)])[0] for i in range(20)]
    fa = [(o.frame.clone(), o.audio.copy()) for o in a]
    other = model.restore(json.loads(json.dumps(snap)))
    fb = [
        (o.frame.clone(), o.audio.copy())
        for o in (model.step([other], [_walk(i)])[0] for i in range(20))
    ]
    return all(
        torch.equal(x[0], y[0]) and np.array_equal(x[1], y[1]) for x, y in zip(fa, fb, strict=True)
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument(
        "--render-scale",
        type=float,
        default=None,
        help="internal render scale (default: the model's own choice for the device)",
    )
    ap.add_argument("--eager", action="store_true", help="do not compile the renderer")
    args = ap.parse_args()
    if args.device == "cpu":
        torch.set_num_threads(max(1, min(len(os.sched_getaffinity(0)), 16)))
    dev = torch.device(args.device)
    n = 20 if args.quick else 100
    out: dict[str, Any] = {
        "device": str(dev),
        "threads": torch.get_num_threads(),
        "quick": args.quick,
    }
    if dev.type == "cuda":
        out["gpu"] = torch.cuda.get_device_name(0)

    compiled = not args.eager
    out["compiled"] = compiled
    m480 = WorldModel(dev, "480p", render_scale=args.render_scale, compiled=compiled)
    interp = m480.interpreter
    try:
        interp.parse_prompt("warm up the encoder")
        out["interpreter"] = type(interp).__name__
    except ImportError:  # MiniLM weights not installed on this machine
        from inference.keywords import KeywordInterpreter

        interp = KeywordInterpreter()
        m480 = WorldModel(
            dev, "480p", interpreter=interp, render_scale=args.render_scale, compiled=compiled
        )
        out["interpreter"] = "KeywordInterpreter (MiniLM weights not installed here)"
    m720 = WorldModel(
        dev, "720p", interpreter=interp, render_scale=args.render_scale, compiled=compiled
    )
    out["render_scale"] = {"480p": m480.render_scale, "720p": m720.render_scale}
    t = time.perf_counter()
    m480.warm_renderer()
    m720.warm_renderer()
    out["warm_renderer_s"] = round(time.perf_counter() - t, 1)  # compiling, when compiled

    t = time.perf_counter()
    state = m480.create(WorldSpec("a misty pine forest at dawn", seed=77))
    m480.step([state], [PlayerInput()])
    _sync(dev)
    out["prompt_to_first_frame_ms"] = round((time.perf_counter() - t) * 1000, 1)

    out["frame_480p"] = _frame_times(m480, interp, n)
    out["frame_720p"] = _frame_times(m720, interp, n)

    state = m480.create(PROMPT)
    ts = []
    for _ in range(n):
        state.tick += 1
        t = time.perf_counter()
        synth_chunk(state, camera_pose(state, m480.cache))
        ts.append((time.perf_counter() - t) * 1000)
    out["audio_chunk_ms"] = round(statistics.median(ts), 3)

    cmds = ["make it rain", "a cute cat runs to the girl", "switch to night", "the cat sits"]
    ts_direct, ts_apply = [], []
    for i in range(max(4, n // 5)):
        t = time.perf_counter()
        new, res = m480.direct(state, cmds[i % len(cmds)])
        ts_direct.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        m480.apply(state, res.actions)
        ts_apply.append((time.perf_counter() - t) * 1000)
    # Synonyms need a MiniLM encode; each phrasing is new to the matcher's cache.
    synonym_cmds = [
        "a downpour",
        "add a kitty",
        "a puppy appears",
        "a blizzard",
        "thick mist",
        "a pony gallops to the girl",
        "make it dusk",
        "an automobile",
        "a hound sits",
        "sunrise please",
        "a tiny crimson stallion",
        "midnight falls",
    ]
    ts_synonyms = []
    for text in synonym_cmds:
        t = time.perf_counter()
        m480.direct(state, text)
        ts_synonyms.append((time.perf_counter() - t) * 1000)
    out["command_ms"] = {
        "direct_median": round(statistics.median(ts_direct), 2),
        "direct_synonyms_first_time_median": round(statistics.median(ts_synonyms), 2),
        "direct_synonyms_first_time_max": round(max(ts_synonyms), 2),
        "apply_median": round(statistics.median(ts_apply), 2),
    }

    batch: dict[str, Any] = {}
    nb = 5 if args.quick else 20
    for b in (1, 4, 16):
        batch[f"480p_B{b}"] = _batch_fps(m480, b, nb)
    if dev.type == "cuda":
        for b in (1, 16, 64):
            batch[f"720p_B{b}"] = _batch_fps(m720, b, nb)
    out["batch"] = batch
    revisit = WorldModel(
        dev, "480p", interpreter=interp, render_scale=args.render_scale, compiled=compiled
    )
    out["revisit"] = _revisit(revisit, 60)
    out["deterministic"] = _determinism(m480)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
