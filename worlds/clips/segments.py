"""A clip rendered in side-by-side segments, for a GPU: one batched model step per tick
advances every segment, each into its own H.264 encoder."""

from __future__ import annotations

import logging
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
)
from worlds.clips.render_result import RenderResult, note_lightning
from worlds.clips.replay import KEYFRAME_TICKS, apply_event, replay
from worlds.clips.script import FPS, Timeline

logger = logging.getLogger(__name__)


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
    """The clip in `segments` stretches rendered side by side, for a GPU.

    1. A scout pass simulates the whole timeline without drawing it (`render=False`; the
       dynamics are the same at any resolution) and snapshots where each segment starts.
    2. Each segment's state is restored on the full model; one batched `model.step` per
       tick advances all segments (commands are applied per segment, before the step, as
       in live play). Restoring a snapshot and replaying the same inputs gives the same
       frames and sound (the engine's contract), so the frames equal a sequential replay.
    3. Each segment goes to its own H.264 encoder (no B-frames); the raw streams are
       concatenated and muxed with the AAC track. The scout's pass already gives the whole
       sound, so that track is encoded in one pass (no seams, the tick clock kept) while
       the frames render, as is the preview; the render's own sound is checked against
       it. Only the copy into one MP4 waits for the last frame."""
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
    sound: list[Any] = [None] * total  # the scout's audio chunk per tick

    def keep_sound(k: int, out: Any) -> None:
        sound[k] = out[1]

    replay(
        scout,
        scout_state,
        timeline,
        on_step=keep_sound,
        keyframes=snapshots,
        snapshot_at={b for b, _ in bounds},
        render=False,
    )
    result.scout_s = time.perf_counter() - started
    result.keyframes = {k: v for k, v in snapshots.items() if int(k) % KEYFRAME_TICKS == 0}

    # The sound is known now: its AAC encodes while the frames render, as does the preview.
    audio_path = workdir / "audio.mp4"
    audio = WriterThread(Mp4Writer(audio_path, 0, 0, video=False), "clip-audio")
    preview_frames = min(total, int(PREVIEW_SECONDS * FPS))
    preview = PreviewThread(preview_path, preview_frames)
    states = [model.restore(snapshots[str(b)]) for b, _ in bounds]
    encoders = [
        SegmentEncoder(workdir / f"segment{i:03d}.h264", width, height, codec, crf, preset)
        for i in range(len(bounds))
    ]
    threads = [*encoders, audio, preview]
    for thread in threads:
        thread.start()
    for chunk in sound:
        audio.put((None, chunk))
    audio.inbox.put(None)
    chunks: list[Any] = [None] * total
    sound_matches = True
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
                sound_matches = sound_matches and np.array_equal(out[1], sound[k])
                note_lightning(result, k, out)
                if frame_hook is not None:
                    frame_hook(k, frame, out[1])
                if k < preview_frames:
                    preview.put((k, out[0]))
                if k == thumb_at:
                    result.thumbnail = simplejpeg.encode_jpeg(frame, quality=85, colorspace="RGB")
                encoders[i].put(frame)
            done += len(active)
            if on_progress is not None:
                on_progress(done, total, time.perf_counter() - started)
    finally:
        for thread in (*encoders, preview):
            thread.inbox.put(None)
        for thread in threads:
            thread.join()
    for thread in threads:
        if thread.error is not None:
            raise thread.error
    result.lightning.sort(key=lambda strike: strike["frame"])

    muxing = time.perf_counter()
    if not sound_matches:  # never expected: the scout and the render step the same world
        logger.warning("The scout's sound differs from the render's; encoding it again.")
        again = Mp4Writer(audio_path, 0, 0, video=False)
        for chunk in chunks:
            again.add(None, chunk)
        again.close()
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
    result.encode_s = max(thread.busy_s for thread in threads) + result.mux_s
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
