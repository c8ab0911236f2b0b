"""Encoding a clip: H.264 (libx264, or NVENC when asked for and available) + AAC in an
MP4 with the index at the front (faststart), on separate threads so the model never
waits for the encoder.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from worlds.clips.script import FPS

SAMPLE_RATE = 48_000
CHUNK = SAMPLE_RATE // FPS
PREVIEW_SECONDS = 4.0
PREVIEW_SIZE = (320, 180)
CLIP_CRF = 22
CLIP_PRESET = "veryfast"
# veryfast's rate control (macroblock tree, 10 frames of lookahead) with superfast's
# motion search (diamond, one subpixel refinement). The encoder is what a clip render
# waits for: on 720p frames of three clips (a storm drawn at full and at half size, a
# calm village), one libx264 thread took 28-34% less CPU a frame than plain veryfast at
# crf 23, for files 4-13% larger and an SSIM as good or better.
X264_PARAMS = "me=dia:subme=1"


def pick_video_codec(device: str) -> str:
    """NVENC on a CUDA machine when this FFmpeg build and driver offer it; else libx264."""
    if device.startswith("cuda"):
        try:
            import av

            probe = av.CodecContext.create("h264_nvenc", "w")
            probe.width, probe.height, probe.pix_fmt = 256, 144, "yuv420p"
            probe.time_base = Fraction(1, FPS)
            probe.open()
            return "h264_nvenc"
        except Exception:
            pass
    return "libx264"


def add_h264_stream(
    container: Any,
    codec: str,
    width: int,
    height: int,
    *,
    crf: int,
    preset: str,
    b_frames: bool,
    threads: int = 0,
) -> Any:
    """An H.264 video stream at 30 fps. Without B-frames decode order is display order,
    so raw streams can be joined by concatenation. threads: libx264's threads (0: its own
    choice, about 1.5 per core)."""
    stream = container.add_stream(codec, rate=FPS)
    stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
    stream.time_base = Fraction(1, FPS)
    if codec == "libx264":
        options = {"crf": str(crf), "preset": preset, "profile": "high",
                   "g": str(2 * FPS), "bf": "2" if b_frames else "0",
                   "x264-params": X264_PARAMS}  # fmt: skip
        if threads:
            options["threads"] = str(threads)
    else:
        options = {"preset": "p4", "rc": "vbr", "cq": str(crf), "g": str(2 * FPS)}
        if not b_frames:
            options["bf"] = "0"
    stream.options = options
    return stream


def video_frame(frame: np.ndarray, index: int) -> Any:
    """Frame `index` of the video from an RGB array [H, W, 3], or a planar YUV 4:2:0 one
    [H * 3 / 2, W] (see yuv.py), which it reads in place: the array must not change until
    the frame is encoded. (Copying a 720p frame cost 2 ms, mostly under the GIL that a GPU
    render's 16 encoder threads share.)"""
    import av

    layout = "yuv420p" if frame.ndim == 2 else "rgb24"
    if frame.flags.c_contiguous:
        picture = av.VideoFrame.from_numpy_buffer(frame, format=layout)
    else:
        picture = av.VideoFrame.from_ndarray(frame, format=layout)
    picture.pts = index
    picture.time_base = Fraction(1, FPS)
    return picture


def audio_frame(chunk: np.ndarray, index: int) -> Any:
    """Tick `index`'s chunk of 16-bit stereo sound, timed on the tick clock."""
    import av

    sound = av.AudioFrame.from_ndarray(
        np.ascontiguousarray(chunk, dtype=np.int16).reshape(1, -1),
        format="s16",
        layout="stereo",
    )
    sound.sample_rate = SAMPLE_RATE
    sound.pts = index * CHUNK
    sound.time_base = Fraction(1, SAMPLE_RATE)
    return sound


class Mp4Writer:
    """An MP4 file being written: H.264 video at 30 fps, optional AAC stereo audio."""

    def __init__(
        self,
        path: Path | str,
        width: int,
        height: int,
        *,
        audio: bool = True,
        video: bool = True,
        codec: str = "libx264",
        crf: int = CLIP_CRF,
        preset: str = CLIP_PRESET,
        audio_bitrate: int = 160_000,
    ) -> None:
        import av

        self.container = av.open(str(path), "w", format="mp4", options={"movflags": "faststart"})
        self.video = (
            add_h264_stream(
                self.container, codec, width, height, crf=crf, preset=preset, b_frames=True
            )
            if video
            else None
        )
        self.audio = None
        if audio:
            stream = self.container.add_stream("aac", rate=SAMPLE_RATE, layout="stereo")
            stream.bit_rate = audio_bitrate
            self.audio = stream
        self.frames = 0

    def add(self, frame: np.ndarray | None, chunk: np.ndarray | None = None) -> None:
        """The next tick: its frame (None in a file without video) and its sound."""
        if self.video is not None and frame is not None:
            self.container.mux(self.video.encode(video_frame(frame, self.frames)))
        if self.audio is not None and chunk is not None:
            self.container.mux(self.audio.encode(audio_frame(chunk, self.frames)))
        self.frames += 1

    def close(self) -> None:
        if self.video is not None:
            self.container.mux(self.video.encode(None))
        if self.audio is not None:
            self.container.mux(self.audio.encode(None))
        self.container.close()

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.container.close()


class _EncodingThread(threading.Thread):
    """Encodes what the render loop puts in its inbox on a thread of its own, until None.
    After an error it drains the inbox, and the next `put` raises the error."""

    def __init__(self, name: str, inbox_size: int = 0) -> None:
        super().__init__(name=name, daemon=True)
        self.inbox: queue.Queue[Any] = queue.Queue(maxsize=inbox_size)
        self.busy_s = 0.0
        self.error: BaseException | None = None

    def encode(self, item: Any) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Called once after the last item."""

    def run(self) -> None:
        while True:
            item = self.inbox.get()
            if item is None:
                break
            if self.error is not None:
                continue
            started = time.perf_counter()
            try:
                self.encode(item)
            except BaseException as error:  # reported to the render loop
                self.error = error
            self.busy_s += time.perf_counter() - started
        self.finish()

    def put(self, item: Any) -> None:
        if self.error is not None:
            raise self.error
        self.inbox.put(item)


class EncoderThread(_EncodingThread):
    """Feeds each (frame, chunk, tick) to the writers that take that many frames."""

    def __init__(self, writers: list[tuple[Mp4Writer, int]]) -> None:
        super().__init__(name="clip-encoder", inbox_size=8)
        self.writers = writers  # (writer, frames it takes)

    def encode(self, item: Any) -> None:
        frame, chunk, k = item
        for writer, limit in self.writers:
            if k < limit:
                writer.add(frame, chunk if writer.audio is not None else None)


def segment_threads(segments: int) -> int:
    """libx264 threads for each of `segments` encoders running at once: the segments
    already keep the cores busy, and frame threads on top of them cost CPU (16 segments of
    720p on 2 cores, three runs each: 20.6-22.7 CPU-ms a frame with libx264's own choice,
    19.9-20.1 with one thread)."""
    return max(1, (os.cpu_count() or 1) // segments)


class SegmentEncoder(_EncodingThread):
    """One segment's video as a raw H.264 stream without B-frames (segments join by
    concatenation), encoded on its own thread."""

    def __init__(
        self,
        path: Path,
        width: int,
        height: int,
        codec: str,
        crf: int,
        preset: str,
        threads: int = 0,
        inbox_size: int = 4,
    ) -> None:
        super().__init__(name=f"clip-segment-{path.stem}", inbox_size=inbox_size)
        import av

        self.container = av.open(str(path), "w", format="h264")
        self.stream = add_h264_stream(
            self.container, codec, width, height, crf=crf, preset=preset, b_frames=False,
            threads=threads,
        )  # fmt: skip
        self.frames = 0

    def encode(self, item: Any) -> None:
        self.container.mux(self.stream.encode(video_frame(item, self.frames)))
        self.frames += 1

    def finish(self) -> None:
        started = time.perf_counter()
        try:
            if self.error is None:
                self.container.mux(self.stream.encode(None))
        except BaseException as error:
            self.error = error
        finally:
            self.container.close()
        self.busy_s += time.perf_counter() - started


class WriterThread(_EncodingThread):
    """Feeds (frame, chunk) items to one Mp4Writer in order, on its own thread, and closes
    the file after the last item."""

    def __init__(self, writer: Mp4Writer, name: str) -> None:
        super().__init__(name=name)  # unbounded: the producer never waits on it
        self.writer = writer

    def encode(self, item: Any) -> None:
        frame, chunk = item
        self.writer.add(frame, chunk)

    def finish(self) -> None:
        started = time.perf_counter()
        try:
            if self.error is None:
                self.writer.close()
            else:
                self.writer.abort()
        except BaseException as error:
            self.error = error
        self.busy_s += time.perf_counter() - started
