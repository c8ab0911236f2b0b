"""Offline replay and encoding of a clip. No Django in here: the task, the benchmark and
the remix-at-t service hand it a model, a start state and a compiled timeline.

Replay follows the live loop exactly (worlds/live/worker.py `_tick`): at tick offset k
the commands due at k are applied (logged actions with `model.apply`, text with
`model.direct`), then the model steps with the input for k. Step k yields video frame k
and audio chunk k (1600 samples at 48 kHz), so frame k is shown at k/30 s and its chunk
starts at sample k * 1600: sound and picture share the tick clock.

Encoding: H.264 (libx264, or NVENC when asked for and available) + AAC in an MP4 with
the index at the front (faststart), on a separate thread so the model never waits for
the encoder. A small silent preview MP4 and a JPEG thumbnail are made on the way.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from worlds.clips.script import FPS, Timeline

SAMPLE_RATE = 48_000
CHUNK = SAMPLE_RATE // FPS
KEYFRAME_TICKS = 10 * FPS
PREVIEW_SECONDS = 4.0
PREVIEW_SIZE = (320, 180)

_locks: dict[int, threading.Lock] = {}
_locks_guard = threading.Lock()


def model_lock(model: Any) -> threading.Lock:
    """A lock per process-wide model: a model is not thread-safe, and in the embedded
    default the task thread and web requests (remix at t) share the process."""
    with _locks_guard:
        return _locks.setdefault(id(model), threading.Lock())


def apply_event(model: Any, state: Any, event: dict[str, Any]) -> tuple[Any, Any]:
    if event.get("actions"):
        return model.apply(state, event["actions"])
    return model.direct(state, event["text"])


def replay(
    model: Any,
    state: Any,
    timeline: Timeline,
    *,
    start: int = 0,
    stop: int | None = None,
    on_step: Callable[[int, Any], None] | None = None,
    keyframes: dict[str, Any] | None = None,
    snapshot_at: set[int] | None = None,
) -> Any:
    """Replay ticks [start, stop) of the timeline from `state` (the state at `start`,
    before that tick's commands). Returns the state after the last step. `keyframes`
    collects snapshots every KEYFRAME_TICKS and at the ticks in `snapshot_at`."""
    stop = timeline.frames if stop is None else stop
    for k in range(start, stop):
        wanted = k % KEYFRAME_TICKS == 0 or (snapshot_at is not None and k in snapshot_at)
        if keyframes is not None and wanted:
            keyframes[str(k)] = model.snapshot(state)
        for event in timeline.commands.get(k, ()):
            state, _result = apply_event(model, state, event)
        out = model.step([state], [timeline.input_at(k)])[0]
        state = out[2]
        if on_step is not None:
            on_step(k, out)
    return state


def state_at(
    model: Any, start_state: Any, timeline: Timeline, tick: int, keyframes: dict[str, Any]
) -> Any:
    """The world after `tick` steps of the timeline, from the nearest keyframe."""
    tick = max(0, min(tick, timeline.frames))
    best = max((int(k) for k in keyframes if int(k) <= tick), default=None)
    if best is not None:
        state, start = model.restore(keyframes[str(best)]), best
    else:
        state, start = start_state, 0
    return replay(model, state, timeline, start=start, stop=tick)


# Encoding ------------------------------------------------------------------------------


def default_segments(device: str) -> int:
    """Side-by-side segments: a GPU renders a batch of ticks for nearly the price of one;
    two CPU cores gain nothing from batching, so they replay in one pass."""
    return 16 if device.startswith("cuda") else 1


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


class Mp4Writer:
    """An MP4 file being written: H.264 video at 30 fps, optional AAC stereo audio."""

    def __init__(
        self,
        path: Path | str,
        width: int,
        height: int,
        *,
        audio: bool = True,
        codec: str = "libx264",
        crf: int = 23,
        preset: str = "veryfast",
        audio_bitrate: int = 160_000,
    ) -> None:
        import av

        self.container = av.open(str(path), "w", format="mp4", options={"movflags": "faststart"})
        video = self.container.add_stream(codec, rate=FPS)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.time_base = Fraction(1, FPS)
        if codec == "libx264":
            video.options = {"crf": str(crf), "preset": preset, "profile": "high",
                             "g": str(2 * FPS), "bf": "2"}  # fmt: skip
        else:
            video.options = {"preset": "p4", "rc": "vbr", "cq": str(crf), "g": str(2 * FPS)}
        self.video = video
        self.audio = None
        if audio:
            stream = self.container.add_stream("aac", rate=SAMPLE_RATE, layout="stereo")
            stream.bit_rate = audio_bitrate
            self.audio = stream
        self.frames = 0

    def add(self, frame: np.ndarray, chunk: np.ndarray | None = None) -> None:
        import av

        picture = av.VideoFrame.from_ndarray(frame, format="rgb24")
        picture.pts = self.frames
        picture.time_base = Fraction(1, FPS)
        self.container.mux(self.video.encode(picture))
        if self.audio is not None and chunk is not None:
            sound = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(chunk, dtype=np.int16).reshape(1, -1),
                format="s16",
                layout="stereo",
            )
            sound.sample_rate = SAMPLE_RATE
            sound.pts = self.frames * CHUNK
            sound.time_base = Fraction(1, SAMPLE_RATE)
            self.container.mux(self.audio.encode(sound))
        self.frames += 1

    def close(self) -> None:
        self.container.mux(self.video.encode(None))
        if self.audio is not None:
            self.container.mux(self.audio.encode(None))
        self.container.close()

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.container.close()


@dataclass
class RenderResult:
    video_path: Path
    preview_path: Path
    thumbnail: bytes
    frames: int
    width: int
    height: int
    codec: str
    wall_s: float = 0.0
    step_s: float = 0.0
    encode_s: float = 0.0
    scout_s: float = 0.0
    mux_s: float = 0.0
    size_bytes: int = 0
    lightning: list[dict[str, Any]] = field(default_factory=list)
    keyframes: dict[str, Any] = field(default_factory=dict)

    @property
    def duration_s(self) -> float:
        return self.frames / FPS

    @property
    def speed(self) -> float:
        """Seconds of clip per second of rendering (the multiple of real time)."""
        return self.duration_s / self.wall_s if self.wall_s else 0.0


class _EncoderThread(threading.Thread):
    def __init__(self, writers: list[tuple[Mp4Writer, int]]) -> None:
        super().__init__(name="clip-encoder", daemon=True)
        self.writers = writers  # (writer, frames it takes)
        self.inbox: queue.Queue[Any] = queue.Queue(maxsize=8)
        self.busy_s = 0.0
        self.error: BaseException | None = None

    def run(self) -> None:
        while True:
            item = self.inbox.get()
            if item is None:
                break
            if self.error is not None:
                continue
            frame, chunk, k = item
            started = time.perf_counter()
            try:
                for writer, limit in self.writers:
                    if k < limit:
                        writer.add(frame, chunk if writer.audio is not None else None)
            except BaseException as error:  # reported to the render loop
                self.error = error
            self.busy_s += time.perf_counter() - started

    def put(self, item: Any) -> None:
        if self.error is not None:
            raise self.error
        self.inbox.put(item)


def render_clip(
    model: Any,
    start_state: Any,
    timeline: Timeline,
    workdir: Path | str,
    *,
    on_progress: Callable[[int, int, float], None] | None = None,
    codec: str = "libx264",
    crf: int = 23,
    preset: str = "veryfast",
    segments: int = 1,
    scout: Any = None,
    frame_hook: Callable[[int, Any, Any], None] | None = None,
) -> RenderResult:
    """Replay `timeline` from `start_state` and write clip.mp4, preview.mp4 and the
    thumbnail into `workdir`. `on_progress(done, total, elapsed_s)` after each frame.

    segments > 1 (for GPUs): a cheap pass on `scout` (a tiny-resolution model) finds
    the state at the start of each segment, then all segments step together in one
    batched call per tick, each into its own H.264 encoder; see _render_segmented."""
    if segments > 1 and timeline.frames >= 2 * segments:
        return _render_segmented(
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
    encoder = _EncoderThread([(main, total), (preview, int(PREVIEW_SECONDS * FPS))])
    result = RenderResult(video_path, preview_path, b"", total, width, height, codec)
    thumb_at = min(total - 1, total // 3)
    started = time.perf_counter()
    step_started = [started]

    def on_step(k: int, out: Any) -> None:
        frame = out[0].numpy()
        result.step_s += time.perf_counter() - step_started[0]
        _note_lightning(result, k, out)
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


def _note_lightning(result: RenderResult, k: int, out: Any) -> None:
    for event in getattr(out, "events", ()) or ():
        if event.get("type") == "lightning":
            result.lightning.append(
                {
                    "frame": k,
                    "tick": event["tick"],
                    "delay_ticks": event["delay_ticks"],
                    "distance_m": event.get("distance_m"),
                }  # fmt: skip
            )


class _SegmentEncoder(threading.Thread):
    """One segment's video as a raw H.264 stream (no B-frames, so decode order is display
    order and segments join by concatenation), encoded on its own thread."""

    def __init__(self, path: Path, width: int, height: int, codec: str, crf: int, preset: str):
        super().__init__(name=f"clip-segment-{path.stem}", daemon=True)
        import av

        self.container = av.open(str(path), "w", format="h264")
        stream = self.container.add_stream(codec, rate=FPS)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.time_base = Fraction(1, FPS)
        if codec == "libx264":
            stream.options = {"crf": str(crf), "preset": preset, "profile": "high",
                              "g": str(2 * FPS), "bf": "0"}  # fmt: skip
        else:
            stream.options = {"preset": "p4", "rc": "vbr", "cq": str(crf), "g": str(2 * FPS),
                              "bf": "0"}  # fmt: skip
        self.stream = stream
        self.inbox: queue.Queue[Any] = queue.Queue(maxsize=4)
        self.busy_s = 0.0
        self.error: BaseException | None = None
        self.frames = 0

    def run(self) -> None:
        import av

        while True:
            frame = self.inbox.get()
            if frame is None:
                break
            if self.error is not None:
                continue
            started = time.perf_counter()
            try:
                picture = av.VideoFrame.from_ndarray(frame, format="rgb24")
                picture.pts = self.frames
                picture.time_base = Fraction(1, FPS)
                self.container.mux(self.stream.encode(picture))
                self.frames += 1
            except BaseException as error:
                self.error = error
            self.busy_s += time.perf_counter() - started
        started = time.perf_counter()
        try:
            if self.error is None:
                self.container.mux(self.stream.encode(None))
        except BaseException as error:
            self.error = error
        finally:
            self.container.close()
        self.busy_s += time.perf_counter() - started

    def put(self, frame: np.ndarray) -> None:
        if self.error is not None:
            raise self.error
        self.inbox.put(frame)


def _small(frame: Any) -> np.ndarray:
    import torch

    small = torch.nn.functional.interpolate(
        frame.permute(2, 0, 1)[None].float(), size=PREVIEW_SIZE[::-1], mode="area"
    )
    return small[0].permute(1, 2, 0).round().clamp(0, 255).to(torch.uint8).numpy()


def _render_segmented(
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

    1. A scout pass replays the whole timeline on a tiny-resolution model (the dynamics
       are the same at any resolution) and snapshots the state where each segment starts.
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
    replay(scout, scout_state, timeline, keyframes=snapshots, snapshot_at={b for b, _ in bounds})
    result.scout_s = time.perf_counter() - started
    result.keyframes = {k: v for k, v in snapshots.items() if int(k) % KEYFRAME_TICKS == 0}

    states = [model.restore(snapshots[str(b)]) for b, _ in bounds]
    encoders = [
        _SegmentEncoder(workdir / f"segment{i:03d}.h264", width, height, codec, crf, preset)
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
                _note_lightning(result, k, out)
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
                sound = av.AudioFrame.from_ndarray(
                    np.ascontiguousarray(chunks[index], dtype=np.int16).reshape(1, -1),
                    format="s16",
                    layout="stereo",
                )
                sound.sample_rate = SAMPLE_RATE
                sound.pts = index * CHUNK
                sound.time_base = Fraction(1, SAMPLE_RATE)
                target.mux(audio.encode(sound))
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


# Measuring sync ------------------------------------------------------------------------


def decode_mp4(path: Path | str) -> dict[str, Any]:
    """Per-frame mean brightness with timestamps, and the audio as float mono with its
    start time, read back from the encoded file."""
    import av

    times, brightness = [], []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            luma = frame.to_ndarray(format="gray")
            times.append(float(frame.pts * frame.time_base))
            brightness.append(float(luma.mean()))
    chunks, audio_start = [], None
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            if audio_start is None:
                audio_start = float(frame.pts * frame.time_base)
            data = frame.to_ndarray()
            chunks.append(data.mean(axis=0) if data.ndim == 2 else data)
    audio = np.concatenate(chunks) if chunks else np.zeros(0)
    return {
        "frame_times": np.array(times),
        "brightness": np.array(brightness),
        "audio": audio.astype(np.float64),
        "audio_start": audio_start or 0.0,
    }


def _onset(audio: np.ndarray, start: float, lo: float, hi: float) -> float | None:
    """The time of the first sharp rise of energy in [lo, hi] seconds (1 ms resolution)."""
    win = SAMPLE_RATE // 1000
    a, b = int((lo - start) * SAMPLE_RATE), int((hi - start) * SAMPLE_RATE)
    a, b = max(a, 0), min(b, len(audio))
    if b - a < 50 * win:
        return None
    seg = audio[a:b]
    n = len(seg) // win
    energy = np.sqrt((seg[: n * win].reshape(n, win) ** 2).mean(axis=1))
    base = float(np.median(energy[: n // 2]))
    peak = float(energy.max())
    if peak < 2.0 * base + 1e-4:
        return None
    above = np.nonzero(energy > base + 0.3 * (peak - base))[0]
    return start + (a + int(above[0]) * win) / SAMPLE_RATE


# Thunder farther than this has no crack (inference/audio.py fades it out by 6 s of
# delay), only a low rumble whose start is too soft to time to the millisecond.
SHARP_THUNDER_M = 1800.0
THUNDER_SECONDS = 4.0  # how long a thunderclap sounds (inference/kinds.py SOUND_SECONDS)


def av_offsets(path: Path | str, lightning: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For each lightning strike whose thunder can be timed: the flash time seen in the
    video (largest brightness jump near the strike), the thunder onset heard in the
    audio, and the offset between that onset and flash + the engine's deliberate
    speed-of-sound delay (inference/dynamics.py step_weather). A synced file gives 0 ms.

    Timed strikes: a sharp crack (closer than SHARP_THUNDER_M), inside the clip, and no
    other thunder still sounding when it starts (its rumble would mask the onset)."""
    data = decode_mp4(path)
    times, bright = data["frame_times"], data["brightness"]
    duration = len(data["audio"]) / SAMPLE_RATE + data["audio_start"]
    expected_all = [(s["frame"] + s["delay_ticks"]) / FPS for s in lightning]
    out = []
    for index, strike in enumerate(lightning):
        if (strike.get("distance_m") or 0) > SHARP_THUNDER_M:
            continue
        nominal = expected_all[index]
        if any(
            j != index and nominal - THUNDER_SECONDS <= other <= nominal + 0.05
            for j, other in enumerate(expected_all)
        ):
            continue
        k = strike["frame"]
        lo, hi = max(1, k - 5), min(len(bright) - 1, k + 5)
        if hi <= lo:
            continue
        jumps = np.diff(bright)[lo - 1 : hi]
        flash_frame = lo + int(np.argmax(jumps))
        flash_t = float(times[flash_frame])
        delay_s = strike["delay_ticks"] / FPS
        expected = flash_t + delay_s
        if expected + 0.25 > duration:
            continue
        onset = _onset(data["audio"], data["audio_start"], expected - 0.25, expected + 0.25)
        if onset is None:
            continue
        out.append(
            {
                "flash_s": round(flash_t, 4),
                "thunder_onset_s": round(onset, 4),
                "delay_s": round(delay_s, 4),
                "distance_m": strike.get("distance_m"),
                "offset_ms": round((onset - expected) * 1000, 1),
            }
        )
    return out
