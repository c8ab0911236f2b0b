"""A clip rendered in side-by-side segments, for a GPU: a scout pass simulates every tick,
then one batched draw per step renders the next frame of every segment, each into its own
H.264 encoder."""

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
    Mp4Writer,
    SegmentEncoder,
    WriterThread,
    segment_threads,
)
from worlds.clips.render_result import RenderResult, note_lightning
from worlds.clips.replay import KEYFRAME_TICKS, replay
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


class PreviewThread(WriterThread):
    """Shrinks the preview's frames as they arrive, in any order, and writes them in order."""

    def __init__(self, path: Path, frames: int) -> None:
        writer = Mp4Writer(path, *PREVIEW_SIZE, audio=False, crf=28, preset="veryfast")
        super().__init__(writer, "clip-preview")
        self.frames = frames
        self.waiting: dict[int, np.ndarray] = {}
        self.written = 0

    def encode(self, item: Any) -> None:
        k, frame = item
        self.waiting[k] = _small(frame)
        while self.written in self.waiting:
            self.writer.add(self.waiting.pop(self.written))
            self.written += 1

    def finish(self) -> None:
        if self.error is None and self.written != self.frames:
            self.error = RuntimeError(f"The preview got {self.written} of {self.frames} frames.")
        super().finish()


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
    """The clip in `segments` stretches drawn side by side, for a GPU.

    1. A scout pass simulates the whole timeline without drawing it (`render=False`; the
       dynamics are the same at any resolution): every tick's view (`frame_view`, what the
       camera sees, fixed once taken), its sound and lightning, and the keyframes. The
       commands apply as in live play, so this is the replay; only pictures remain.
    2. The full model draws those views: one batch per step holds the next frame of every
       segment (`render_views`), so a GPU draws many frames for about the price of one, and
       nothing in the loop waits on the world's Python.
    3. Each segment goes to its own H.264 encoder (no B-frames); the raw streams are
       concatenated and muxed with the AAC track, which was encoded from the scout's sound
       in one pass (no seams, the tick clock kept) while the frames were drawn, as was the
       preview. Only the copy into one MP4 waits for the last frame."""
    import simplejpeg

    total = timeline.frames
    width, height = int(model.width), int(model.height)
    video_path, preview_path = workdir / "clip.mp4", workdir / "preview.mp4"
    result = RenderResult(video_path, preview_path, b"", total, width, height, codec)
    started = time.perf_counter()
    length = -(-total // segments)
    bounds = [(b, min(total, b + length)) for b in range(0, total, length)]

    # 1. Simulate: every tick's view, sound and lightning, and the keyframes.
    scout = scout or model
    views: list[Any] = [None] * total
    sound: list[Any] = [None] * total
    snapshots: dict[str, Any] = {}

    def keep(k: int, out: Any) -> None:
        views[k], sound[k] = scout.frame_view(out.state), out.audio
        note_lightning(result, k, out)

    replay(
        scout,
        scout.restore(model.snapshot(start_state)),
        timeline,
        on_step=keep,
        keyframes=snapshots,
        render=False,
    )
    result.scout_s = time.perf_counter() - started
    result.keyframes = {k: v for k, v in snapshots.items() if int(k) % KEYFRAME_TICKS == 0}

    # 2. Draw: one batch per step holds the next frame of every segment, and each segment
    # has its own encoder. The sound and the preview encode alongside.
    audio_path = workdir / "audio.mp4"
    audio = WriterThread(Mp4Writer(audio_path, 0, 0, video=False), "clip-audio")
    preview_frames = min(total, int(PREVIEW_SECONDS * FPS))
    preview = PreviewThread(preview_path, preview_frames)
    x264_threads = segment_threads(len(bounds))
    encoders = [
        SegmentEncoder(
            workdir / f"segment{i:03d}.h264", width, height, codec, crf, preset, x264_threads
        )
        for i in range(len(bounds))
    ]
    workers = [*encoders, audio, preview]
    for thread in workers:
        thread.start()
    for chunk in sound:
        audio.put((None, chunk))
    audio.inbox.put(None)
    thumb_at = min(total - 1, total // 3)
    done = 0
    try:
        for j in range(length):
            active = [(i, b + j) for i, (b, e) in enumerate(bounds) if b + j < e]
            drawing = time.perf_counter()
            frames = model.render_views([views[k] for _, k in active])
            result.step_s += time.perf_counter() - drawing
            for (i, k), tensor in zip(active, frames, strict=True):
                frame = tensor.numpy()
                if frame_hook is not None:
                    frame_hook(k, frame, sound[k])
                if k < preview_frames:
                    preview.put((k, tensor))
                if k == thumb_at:
                    result.thumbnail = simplejpeg.encode_jpeg(frame, quality=85, colorspace="RGB")
                encoders[i].put(frame)
                views[k] = None  # drawn: let it go
            done += len(active)
            if on_progress is not None:
                on_progress(done, total, time.perf_counter() - started)
    finally:
        for thread in (*encoders, preview):
            thread.inbox.put(None)
        for thread in workers:
            thread.join()
    for thread in workers:
        if thread.error is not None:
            raise thread.error

    muxing = time.perf_counter()
    joined = workdir / "video.h264"
    with open(joined, "wb") as out_file:
        for encoder in encoders:
            with open(encoder.container.name, "rb") as part:
                while block := part.read(1 << 22):
                    out_file.write(block)
    frames = mux_clip(joined, audio_path, video_path)
    if frames != total:
        raise RuntimeError(f"The joined video has {frames} frames; the clip has {total}.")
    result.mux_s = time.perf_counter() - muxing
    result.encode_s = max(thread.busy_s for thread in workers) + result.mux_s
    result.wall_s = time.perf_counter() - started
    result.size_bytes = video_path.stat().st_size
    return result


def mux_clip(video_h264: Path, audio_mp4: Path, target_path: Path) -> int:
    """Copy a raw H.264 stream (no B-frames, 30 fps) and an AAC track into one MP4 with
    faststart, interleaved by time, without encoding anything again. Returns the number of
    video frames."""
    import av

    source = av.open(str(video_h264), format="h264", options={"framerate": str(FPS)})
    sound = av.open(str(audio_mp4))
    target = av.open(str(target_path), "w", format="mp4", options={"movflags": "faststart"})
    try:
        video = target.add_stream_from_template(source.streams.video[0])
        video.time_base = Fraction(1, FPS)
        audio = target.add_stream_from_template(sound.streams.audio[0])
        pending = [p for p in sound.demux(sound.streams.audio[0]) if p.size]
        index = heard = 0
        for packet in source.demux(source.streams.video[0]):
            if packet.size == 0:
                continue
            while heard < len(pending) and pending[heard].pts * pending[heard].time_base < Fraction(
                index + 1, FPS
            ):
                pending[heard].stream = audio
                target.mux(pending[heard])
                heard += 1
            packet.stream = video
            packet.pts = packet.dts = index
            packet.time_base = Fraction(1, FPS)
            target.mux(packet)
            index += 1
        for packet in pending[heard:]:
            packet.stream = audio
            target.mux(packet)
    finally:
        target.close()
        sound.close()
        source.close()
    return index
