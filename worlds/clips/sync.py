"""Measuring sound-picture sync in an encoded clip: lightning flashes against the onset of
their thunder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from worlds.clips.encoding import SAMPLE_RATE
from worlds.clips.script import FPS


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
