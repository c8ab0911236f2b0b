"""Rendering a clip: replay its timeline and write clip.mp4, a small silent preview MP4
and a JPEG thumbnail. One pass here; side-by-side segments for GPUs in segments.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from worlds.clips.encoding import (
    CLIP_CRF,
    CLIP_PRESET,
    PREVIEW_SECONDS,
    PREVIEW_SIZE,
    EncoderThread,
    Mp4Writer,
)
from worlds.clips.render_result import RenderResult, note_lightning
from worlds.clips.replay import replay
from worlds.clips.script import FPS, Timeline
from worlds.clips.segments import render_segmented


def render_clip(
    model: Any,
    start_state: Any,
    timeline: Timeline,
    workdir: Path | str,
    *,
    on_progress: Callable[[int, int, float], None] | None = None,
    codec: str = "libx264",
    crf: int = CLIP_CRF,
    preset: str = CLIP_PRESET,
    segments: int = 1,
    scout: Any = None,
    frame_hook: Callable[[int, Any, Any], None] | None = None,
) -> RenderResult:
    """Replay `timeline` from `start_state` and write clip.mp4, preview.mp4 and the
    thumbnail into `workdir`. `on_progress(done, total, elapsed_s)` after each frame.

    segments > 1 (for GPUs): a pass on `scout` (a tiny-resolution model) simulates every
    tick and keeps what the camera sees, then the full model draws the next frame of every
    segment in one batch, each segment into its own H.264 encoder; see render_segmented."""
    if segments > 1 and timeline.frames >= 2 * segments:
        return render_segmented(
            model, start_state, timeline, Path(workdir), on_progress=on_progress, codec=codec,
            crf=crf, preset=preset, segments=segments, scout=scout, frame_hook=frame_hook,
        )  # fmt: skip
    import simplejpeg

    workdir = Path(workdir)
    video_path, preview_path = workdir / "clip.mp4", workdir / "preview.mp4"
    width, height = int(model.width), int(model.height)
    total = timeline.frames
    main = Mp4Writer(video_path, width, height, codec=codec, crf=crf, preset=preset)
    preview = Mp4Writer(preview_path, *PREVIEW_SIZE, audio=False, crf=28, preset="veryfast")
    encoder = EncoderThread([(main, total), (preview, int(PREVIEW_SECONDS * FPS))])
    result = RenderResult(video_path, preview_path, b"", total, width, height, codec)
    thumb_at = min(total - 1, total // 3)
    started = time.perf_counter()
    step_started = [started]

    def on_step(k: int, out: Any) -> None:
        frame = out[0].numpy()
        result.step_s += time.perf_counter() - step_started[0]
        note_lightning(result, k, out)
        if frame_hook is not None:
            frame_hook(k, frame, out[1])
        if k == thumb_at:
            result.thumbnail = simplejpeg.encode_jpeg(frame, quality=85, colorspace="RGB")
        encoder.put((frame, out[1], k))
        if on_progress is not None:
            on_progress(k + 1, total, time.perf_counter() - started)
        step_started[0] = time.perf_counter()

    encoder.start()
    try:
        replay(model, start_state, timeline, on_step=on_step, keyframes=result.keyframes)
    except BaseException:
        encoder.inbox.put(None)
        encoder.join()
        main.abort()
        preview.abort()
        raise
    encoder.inbox.put(None)
    encoder.join()
    if encoder.error is not None:
        main.abort()
        preview.abort()
        raise encoder.error
    closing = time.perf_counter()
    main.close()
    preview.close()
    result.encode_s = encoder.busy_s + (time.perf_counter() - closing)
    result.wall_s = time.perf_counter() - started
    result.size_bytes = video_path.stat().st_size
    return result
