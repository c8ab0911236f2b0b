"""Clip render benchmark, Django-free: python -m worlds.clips.bench [--device cuda].

Renders a directed clip (a storm with lightning, a wander, camera moves) at 720p, then
prints JSON: render speed as a multiple of real time, the share of time spent encoding,
file size and bitrate, the measured A/V offset of each thunderclap against its flash
(after the engine's deliberate speed-of-sound delay), and the extrapolation to 180 s.
`manage.py bench_clips` runs the same thing.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from typing import Any

# Seed 245: the first strike comes 4 ticks after the storm starts, 315 m away, so its
# thunder (0.93 s later) lands well inside a short clip; later strikes come too.
BENCH_SEED = 245
WARMUP_SECONDS = 2.0


def bench_script(seconds: float, camera_moves: bool = True) -> dict[str, Any]:
    events: list[dict[str, Any]] = [
        {"t": 0.0, "type": "command", "text": "a storm with lightning"},
        {
            "t": 0.5,
            "type": "input",
            "keys": ["w"],
            "look": [0.4, 0],
            "duration": min(4.0, seconds / 4),
        },
    ]
    if seconds >= 8 and camera_moves:
        events.append({"t": seconds * 0.35, "type": "camera", "text": "aerial view"})
        events.append(
            {
                "t": seconds * 0.4,
                "type": "input",
                "keys": ["w", "shift"],
                "look": [-0.3, 0],
                "duration": seconds * 0.2,
            }
        )
        events.append({"t": seconds * 0.7, "type": "camera", "text": "orbit around the player"})
    return {"version": 1, "duration_s": seconds, "events": events}


def run_bench(
    *,
    seconds: float = 20.0,
    resolution: str = "720p",
    device: str = "cpu",
    model: Any = None,
    prompt: str = "a green meadow with a few trees",
    seed: int = BENCH_SEED,
    keep: str = "",
    interpreter: str = "",
    camera_moves: bool = True,
    segments: int | None = None,
    compiled: bool = True,
    renders: int = 1,
) -> dict[str, Any]:
    """Render the clip `renders` times in a row (a worker's clips after its first); the
    figures are the last render's, and `speed_x_realtime_each` lists every render's."""
    if renders < 1:
        raise ValueError("renders must be at least 1.")
    from worlds.clips.encoding import pick_video_codec
    from worlds.clips.render import render_clip
    from worlds.clips.script import compile_script
    from worlds.clips.segments import default_segments
    from worlds.clips.sync import av_offsets

    if model is None:
        from inference.backends import get_backend

        size: Any = resolution
        if "x" in resolution:
            w, h = resolution.lower().split("x")
            size = (int(w), int(h))
        kw: dict[str, Any] = {"compiled": compiled}  # as the product draws
        if interpreter == "keywords":  # machines without the MiniLM package
            from inference.keywords import KeywordInterpreter

            kw["interpreter"] = KeywordInterpreter()
        model = get_backend(device=device, resolution=size, **kw)
    from inference.spec import WorldSpec

    timeline = compile_script(bench_script(seconds, camera_moves))
    loaded = time.perf_counter()
    model.warm_renderer()  # a render worker compiles once, not once per clip
    state = model.create(WorldSpec(prompt, seed=seed))
    model.direct(state, "a storm with lightning")  # load the text encoder before timing
    codec = pick_video_codec(str(model.device))
    segments = segments or default_segments(str(model.device))
    scout = None
    if segments > 1:
        from inference.backends import get_backend

        scout = get_backend(device="cpu", resolution=(64, 36), interpreter=model.interpreter)
    # A render worker's first clip in a process is its slowest (on an H100 machine 3.0 s
    # for 20 s, later ones 2.0-2.2 s): the figures are a worker's from its second clip on,
    # so a 2 s clip renders first, in setup.
    with tempfile.TemporaryDirectory(prefix="bench-clips-warm-") as warm_dir:
        warm_timeline = compile_script(bench_script(WARMUP_SECONDS, camera_moves))
        warm_state = model.restore(model.snapshot(state))
        render_clip(
            model, warm_state, warm_timeline, warm_dir, codec=codec, segments=segments, scout=scout
        )
    setup_s = time.perf_counter() - loaded
    start = model.snapshot(state)
    speeds = []
    with tempfile.TemporaryDirectory(prefix="bench-clips-") as scratch:
        for n in range(renders):
            workdir = keep if keep and n == renders - 1 else os.path.join(scratch, str(n))
            os.makedirs(workdir, exist_ok=True)
            result = render_clip(
                model, model.restore(start), timeline, workdir, codec=codec, segments=segments,
                scout=scout,
            )  # fmt: skip
            speeds.append(round(result.speed, 3))
            offsets = av_offsets(result.video_path, result.lightning)
    worst = max((abs(o["offset_ms"]) for o in offsets), default=None)
    bitrate = result.size_bytes * 8 / result.duration_s
    try:
        import torch

        threads = torch.get_num_threads()
    except Exception:
        threads = None
    return {
        "resolution": f"{result.width}x{result.height}",
        "device": str(model.device),
        "render_scale": getattr(model, "render_scale", None),
        "codec": codec,
        "segments": segments,
        "cpu_count": os.cpu_count(),
        "torch_threads": threads,
        "clip_seconds": round(result.duration_s, 2),
        "frames": result.frames,
        "wall_seconds": round(result.wall_s, 2),
        "speed_x_realtime": round(result.speed, 3),
        "speed_x_realtime_each": speeds,
        "model_seconds": round(result.step_s, 2),
        "encode_seconds": round(result.encode_s, 2),
        "scout_seconds": round(result.scout_s, 2),
        "join_and_audio_seconds": round(result.mux_s, 2),
        "encode_share": round(result.encode_s / result.wall_s, 3) if result.wall_s else None,
        "file_bytes": result.size_bytes,
        "bitrate_kbps": round(bitrate / 1000, 1),
        "av_offsets": offsets,
        "av_offset_ms_worst": worst,
        "extrapolated_180s": {
            "wall_seconds": round(result.wall_s * 180 / result.duration_s, 1),
            "file_megabytes": round(result.size_bytes * 180 / result.duration_s / 1e6, 1),
        },
        "setup_seconds": round(setup_s, 2),
        "output": str(result.video_path) if keep else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--resolution", default="720p")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--keep", default="", help="folder to keep the MP4 in")
    parser.add_argument("--interpreter", default="", help="'keywords' without the MiniLM package")
    parser.add_argument("--no-camera-moves", action="store_true", help="first person only")
    parser.add_argument("--segments", type=int, default=0, help="batched segments (GPU)")
    parser.add_argument("--eager", action="store_true", help="do not compile the renderer")
    parser.add_argument("--renders", type=int, default=1, help="clips in a row, one process")
    args = parser.parse_args()
    print(
        json.dumps(
            run_bench(
                seconds=args.seconds,
                resolution=args.resolution,
                device=args.device,
                keep=args.keep,
                interpreter=args.interpreter,
                camera_moves=not args.no_camera_moves,
                segments=args.segments or None,
                compiled=not args.eager,
                renders=args.renders,
            ),
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
