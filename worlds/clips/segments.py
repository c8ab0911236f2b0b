"""A clip rendered in side-by-side segments, for a GPU: one batched model step per tick
advances every segment, each into its own H.264 encoder."""

from __future__ import annotations

import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from worlds.clips.encoding import (
    PREVIEW_SECONDS,
    PREVIEW_SIZE,
    SAMPLE_RATE,
    Mp4Writer,
    SegmentEncoder,
    audio_frame,
)
from worlds.clips.render_result import RenderResult, note_lightning
from worlds.clips.replay import KEYFRAME_TICKS, apply_event, replay
from worlds.clips.script import FPS, Timeline


def default_segments(device: str) -> int:
    """Side-by-side segments: a GPU renders a batch of ticks for nearly the price of one;
    two CPU cores gain nothing from batching, so they replay in one pass."""
    return 16 if device.startswith("cuda") else 1


def _small(frame: Any) -> np.ndarray:
    import torch

    small = torch.nn.functional.interpolate(
        frame.permute(2, 0, 1)[None].float(), size=PREVIEW_SIZE[::-1], mode="area"
    )
    return small[0].permute(1, 2, 0).round().clamp(0, 255).to(torch.uint8).numpy()


def render_segmented(
    model: Any,
    start_state: Any,
    timeline: Timeline,
    workdir: Path,
    *,
    on_progress: Callable[[int, int, float], None] | None,
    codec: str,
    crf: int,
    preset: str,
    segments: int,
    scout: Any,
    frame_hook: Callable[[int, Any, Any], None] | None,
) -> RenderResult:
    """The clip in `segments` stretches rendered side by side, for a GPU.

    1. A scout pass simulates the whole timeline without drawing it (`render=False`; the
       dynamics are the same at any resolution) and snapshots where each segment starts.
    2. Each segment's state is restored on the full model; one batched `model.step` per
       tick advances all segments (commands are applied per segment, before the step, as
       in live play). Restoring a snapshot and replaying the same inputs gives the same
       frames and sound (the engine's contract), so the frames equal a sequential replay.
    3. Each segment goes to its own H.264 encoder (no B-frames); the raw streams are
       concatenated and muxed with AAC audio encoded in one pass over all chunks, so the
       audio has no seams and keeps the tick clock."""
    import av
    import simplejpeg

    total = timeline.frames
    width, height = int(model.width), int(model.height)
    video_path, preview_path = workdir / "clip.mp4", workdir / "preview.mp4"
    result = RenderResult(video_path, preview_path, b"", total, width, height, codec)
    started = time.perf_counter()
    length = -(-total // segments)
    bounds = [(b, min(total, b + length)) for b in range(0, total, length)]

    scout = scout or model
    scout_state = scout.restore(model.snapshot(start_state))
    snapshots: dict[str, Any] = {}
    replay(
        scout,
        scout_state,
        timeline,
        keyframes=snapshots,
        snapshot_at={b for b, _ in bounds},
        render=False,
    )
    result.scout_s = time.perf_counter() - started
    result.keyframes = {k: v for k, v in snapshots.items() if int(k) % KEYFRAME_TICKS == 0}

    states = [model.restore(snapshots[str(b)]) for b, _ in bounds]
    encoders = [
        SegmentEncoder(workdir / f"segment{i:03d}.h264", width, height, codec, crf, preset)
        for i in range(len(bounds))
    ]
    for encoder in encoders:
        encoder.start()
    chunks: list[Any] = [None] * total
    small: dict[int, np.ndarray] = {}
    preview_frames = min(total, int(PREVIEW_SECONDS * FPS))
    thumb_at = min(total - 1, total // 3)
    done = 0
    try:
        for j in range(length):
            active = [i for i, (b, e) in enumerate(bounds) if b + j < e]
            for i in active:
                for event in timeline.commands.get(bounds[i][0] + j, ()):
                    states[i], _ = apply_event(model, states[i], event)
            stepped = time.perf_counter()
            outs = model.step(
                [states[i] for i in active], [timeline.input_at(bounds[i][0] + j) for i in active]
            )
            result.step_s += time.perf_counter() - stepped
            for i, out in zip(active, outs, strict=True):
                k = bounds[i][0] + j
                states[i] = out[2]
                frame = out[0].numpy()
                chunks[k] = out[1]
                note_lightning(result, k, out)
                if frame_hook is not None:
                    frame_hook(k, frame, out[1])
                if k < preview_frames:
                    small[k] = _small(out[0])
                if k == thumb_at:
                    result.thumbnail = simplejpeg.encode_jpeg(frame, quality=85, colorspace="RGB")
                encoders[i].put(frame)
            done += len(active)
            if on_progress is not None:
                on_progress(done, total, time.perf_counter() - started)
    finally:
        for encoder in encoders:
            encoder.inbox.put(None)
        for encoder in encoders:
            encoder.join()
    for encoder in encoders:
        if encoder.error is not None:
            raise encoder.error
    result.lightning.sort(key=lambda strike: strike["frame"])

    muxing = time.perf_counter()
    joined = workdir / "video.h264"
    with open(joined, "wb") as out_file:
        for encoder in encoders:
            with open(encoder.container.name, "rb") as part:
                while block := part.read(1 << 22):
                    out_file.write(block)
    source = av.open(str(joined), format="h264", options={"framerate": str(FPS)})
    target = av.open(str(video_path), "w", format="mp4", options={"movflags": "faststart"})
    try:
        video = target.add_stream_from_template(source.streams.video[0])
        video.time_base = Fraction(1, FPS)
        audio = target.add_stream("aac", rate=SAMPLE_RATE, layout="stereo")
        audio.bit_rate = 160_000
        index = 0
        for packet in source.demux(source.streams.video[0]):
            if packet.size == 0:
                continue
            packet.stream = video
            packet.pts = packet.dts = index
            packet.time_base = Fraction(1, FPS)
            target.mux(packet)
            if index < total:
                target.mux(audio.encode(audio_frame(chunks[index], index)))
            index += 1
        target.mux(audio.encode(None))
    finally:
        target.close()
        source.close()
    if index != total:
        raise RuntimeError(f"The joined video has {index} frames; the clip has {total}.")
    preview = Mp4Writer(preview_path, *PREVIEW_SIZE, audio=False, crf=28, preset="veryfast")
    for k in range(preview_frames):
        preview.add(small[k])
    preview.close()
    result.mux_s = time.perf_counter() - muxing
    result.encode_s = max(e.busy_s for e in encoders) + result.mux_s
    result.wall_s = time.perf_counter() - started
    result.size_bytes = video_path.stat().st_size
    return result
