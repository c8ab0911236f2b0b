"""A clip rendered in side-by-side segments, for a GPU: a scout pass simulates every tick,
and batched draws render the frames it has simulated, each segment into its own H.264
encoder."""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import torch

from inference.audio import synth_hearings
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
from worlds.clips.soundtrack import Soundtrack
from worlds.clips.yuv import rgb_to_yuv420, yuv420_fits


def default_segments(device: str) -> int:
    """Side-by-side segments: a GPU renders a batch of ticks for nearly the price of one;
    two CPU cores gain nothing from batching, so they replay in one pass."""
    return 16 if device.startswith("cuda") else 1


INBOX_FRAMES = 8  # frames waiting for each segment's encoder
SOUND_WAIT_S = 120.0  # for the sound track after the last frame (it is usually done first)
DRAW_PER_SEGMENT = 2  # frames of each segment in one batch
# How often a thread that holds the GIL hands it to one that waits (Python's default is
# 5 ms). Each encoder thread takes the GIL a few times a frame (its inbox, wrapping the
# frame, writing the packet) and would wait up to that long each time while the draw
# loop runs Python. On an H100 machine's 16 cores, best of a few 20 s renders at 720p:
# 9.0x real time at 5 ms, 10.0x at 1 ms, 10.9x at 0.2 ms.
GIL_SWITCH_S = 0.0002


_handoff_lock = threading.Lock()
_handoff_renders = 0  # renders drawing now, in this process
_handoff_before = 0.005


@contextlib.contextmanager
def quick_gil_handoff(seconds: float = GIL_SWITCH_S) -> Iterator[None]:
    """The switch interval at `seconds` while any render in the process draws; Python's
    own again once the last one stops."""
    global _handoff_renders, _handoff_before
    with _handoff_lock:
        if _handoff_renders == 0:
            _handoff_before = sys.getswitchinterval()
        _handoff_renders += 1
        sys.setswitchinterval(min(_handoff_before, seconds))
    try:
        yield
    finally:
        with _handoff_lock:
            _handoff_renders -= 1
            if _handoff_renders == 0:
                sys.setswitchinterval(_handoff_before)


@torch.inference_mode()
def _shrink(frames: torch.Tensor) -> torch.Tensor:
    """[B, H, W, 3] uint8 -> the preview's size, by area averaging."""
    small = torch.nn.functional.interpolate(
        frames.permute(0, 3, 1, 2).float(), size=PREVIEW_SIZE[::-1], mode="area"
    )
    return small.permute(0, 2, 3, 1).round().clamp(0, 255).to(torch.uint8)


class PreviewThread(WriterThread):
    """Writes the preview's (already shrunk) frames in order, as they arrive in any order."""

    def __init__(self, path: Path, frames: int) -> None:
        writer = Mp4Writer(path, *PREVIEW_SIZE, audio=False, crf=28, preset="veryfast")
        super().__init__(writer, "clip-preview")
        self.frames = frames
        self.waiting: dict[int, np.ndarray] = {}
        self.written = 0

    def encode(self, item: Any) -> None:
        k, frame = item
        self.waiting[k] = frame
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

    1. A scout pass simulates the whole timeline without drawing or hearing it (the
       dynamics are the same at any resolution): every tick's view (`frame_view`, what the
       camera sees, fixed once taken), its hearing (sent to the sound track's own process,
       worlds/clips/soundtrack.py), its lightning, and the keyframes. The commands apply
       as in live play, so this is the replay; only pictures and sound remain.
    2. The full model draws those views, the next frames of every segment in one batch
       (`draw_views`), so a GPU draws many frames for about the price of one; it converts
       them to YUV 4:2:0 and shrinks the preview's frames before the copy to the host.
       (Drawing while the scout ran was slower: the scout's Python and 16 encoder threads
       fought over the GIL: 8.6x real time against 10.0x on an H100 machine.)
    3. Each segment goes to its own H.264 encoder (no B-frames); the raw streams are
       concatenated and muxed with the AAC track, which the sound's process encoded in one
       pass (no seams, the tick clock kept) while the frames rendered. The preview too is
       encoded in one pass. Only the copy into one MP4 waits for the last frame."""
    import simplejpeg

    total = timeline.frames
    width, height = int(model.width), int(model.height)
    video_path, preview_path = workdir / "clip.mp4", workdir / "preview.mp4"
    result = RenderResult(video_path, preview_path, b"", total, width, height, codec)
    started = time.perf_counter()
    length = -(-total // segments)
    bounds = [(b, min(total, b + length)) for b in range(0, total, length)]

    audio_path = workdir / "audio.mp4"
    preview_frames = min(total, int(PREVIEW_SECONDS * FPS))
    preview = PreviewThread(preview_path, preview_frames)
    encoders = [
        SegmentEncoder(
            workdir / f"segment{i:03d}.h264", width, height, codec, crf, preset,
            segment_threads(len(bounds)), inbox_size=INBOX_FRAMES,
        )
        for i in range(len(bounds))
    ]  # fmt: skip
    workers = [*encoders, preview]
    yuv = yuv420_fits(width, height)
    # Each segment's frames reach its encoder through a ring of host slots, allocated once
    # (pinning memory for every batch added 0.1-0.3 s to a 20 s clip on an H100). A slot is
    # filled again only after its frame was encoded: the frames still in use are the
    # inbox's, the one being encoded and this batch's.
    pinned = model.device.type == "cuda"
    slots = INBOX_FRAMES + 1 + DRAW_PER_SEGMENT
    shape = (height * 3 // 2, width) if yuv else (height, width, 3)
    host = [torch.empty((slots, *shape), dtype=torch.uint8, pin_memory=pinned) for _ in bounds]
    thumb_at = min(total - 1, total // 3)
    scout = scout or model
    views: list[Any] = [None] * total
    heard: list[Any] = [None] * total  # kept only for a frame hook
    snapshots: dict[str, Any] = {}
    drawn = [b for b, _ in bounds]  # each segment's next frame to draw
    done = 0

    def draw() -> None:
        """Draw the next frames of every segment in one batch and hand them to the
        encoders (waiting for room)."""
        nonlocal done
        picks: list[tuple[int, int]] = []  # (segment, tick)
        for i, (_, end) in enumerate(bounds):
            count = min(end - drawn[i], DRAW_PER_SEGMENT)
            picks.extend((i, drawn[i] + n) for n in range(count))
            drawn[i] += count
        drawing = time.perf_counter()
        rgb = model.draw_views([views[k] for _, k in picks])  # [B, H, W, 3] on the device
        frames = rgb_to_yuv420(rgb) if yuv else rgb
        ready = []
        for b, (i, k) in enumerate(picks):
            slot = host[i][(k - bounds[i][0]) % slots]
            slot.copy_(frames[b], non_blocking=True)
            ready.append(slot)
        wanted = [b for b, (_, k) in enumerate(picks) if k < preview_frames]
        small = iter(_shrink(rgb[wanted]).cpu()) if wanted else iter(())
        full = rgb.cpu() if frame_hook is not None else None
        if pinned:
            torch.cuda.current_stream(rgb.device).synchronize()
        result.step_s += time.perf_counter() - drawing
        for b, (i, k) in enumerate(picks):
            if k < preview_frames:
                preview.put((k, next(small).numpy()))
            if frame_hook is not None and full is not None:
                frame_hook(k, full[b].numpy(), synth_hearings([heard[k]])[0])
            if k == thumb_at:
                picture = (full[b] if full is not None else rgb[b].cpu()).numpy()
                result.thumbnail = simplejpeg.encode_jpeg(picture, quality=85, colorspace="RGB")
            encoders[i].put(ready[b].numpy())
            views[k] = None  # drawn: let it go
        done += len(picks)
        if on_progress is not None:
            on_progress(done, total, time.perf_counter() - started)

    def keep(k: int, out: Any) -> None:
        views[k] = scout.frame_view(out.state)
        hearing = scout.hearing(out.state)
        soundtrack.hear(hearing)
        if frame_hook is not None:
            heard[k] = hearing
        note_lightning(result, k, out)

    soundtrack = Soundtrack(audio_path, workdir / "soundtrack.log")
    for thread in workers:
        thread.start()
    try:
        try:
            # 1. Simulate, then 2. draw.
            replay(
                scout,
                scout.restore(model.snapshot(start_state)),
                timeline,
                on_step=keep,
                keyframes=snapshots,
                render=False,
                sound=False,
            )
            soundtrack.end()
            result.scout_s = time.perf_counter() - started
            with quick_gil_handoff():
                while done < total:
                    draw()
        finally:
            for thread in workers:
                thread.inbox.put(None)
            for thread in workers:
                thread.join()
        for thread in workers:
            if thread.error is not None:
                raise thread.error
        # 3. Join the segments and mux the sound, once its process has written it.
        muxing = time.perf_counter()
        soundtrack.finish(timeout_s=SOUND_WAIT_S)
    except BaseException:
        soundtrack.abort()
        raise
    result.keyframes = {k: v for k, v in snapshots.items() if int(k) % KEYFRAME_TICKS == 0}
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
