"""48 kHz stereo sound synthesised from the state and its events, one chunk per tick.

Every sample is a pure function of (seed, absolute sample index, state), so chunks join
without seams and a restored state sounds identical. numpy float64, soft-clipped in
float32 (within one level of float64), then int16.

A chunk depends on a small part of the state: a `Hearing` (from `hear`) holds that part,
so the sound can be made later or in another process (a clip's soundtrack is), exactly as
`synth_chunks` makes it at once. This module needs numpy alone, not torch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from inference.rng import hash01, hash_u32, nhash, nhash_mixed
from inference.state import PLAYER_ID, WorldState

if TYPE_CHECKING:
    from inference.camera import Pose

RATE = 48_000
TICK_HZ = 30
CHUNK = RATE // TICK_HZ  # 1600 samples
_PAD = 1024  # history samples for the filters


def _box(x: np.ndarray, k: int) -> np.ndarray:
    """Moving average of length k, output aligned to the end of x (len(x) - k + 1)."""
    c = np.cumsum(np.concatenate(([0.0], x)))
    return (c[k:] - c[:-k]) / k


def _noise(n0: int, n: int, seed: int, salt: int) -> np.ndarray:
    return nhash(np.arange(n0, n0 + n, dtype=np.int64), seed, salt)


def _lowpass(n0: int, seed: int, salt: int, k: int) -> np.ndarray:
    """Noise low-passed with two box filters, length CHUNK."""
    raw = _noise(n0 - 2 * k, CHUNK + 2 * k, seed, salt)
    once = _box(raw, k)
    return _box(once, k)[-CHUNK:] * math.sqrt(k) * 1.2


def _env(t: np.ndarray, dur: float, attack: float = 0.01) -> np.ndarray:
    a = np.clip(t / attack, 0, 1)
    r = np.clip((dur - t) / (dur * 0.4), 0, 1)
    return a * r


def voice(sound: str, t: np.ndarray, noise: np.ndarray, dist_s: float = 0.0) -> np.ndarray:
    """Mono synthesis of one sound at local times t (seconds, may be < 0 -> silent)."""
    on = (t >= 0).astype(np.float64)
    t = np.maximum(t, 0.0)
    two_pi = 2 * math.pi
    if sound == "meow":
        d = 0.7
        ph = two_pi * (480 * t + 260 * d / math.pi * (1 - np.cos(math.pi * t / d)))
        s = np.sin(ph) + 0.5 * np.sin(2 * ph) + 0.25 * np.sin(3 * ph)
        return on * 0.35 * s * np.sqrt(np.clip(np.sin(math.pi * np.clip(t / d, 0, 1)), 0, 1))
    if sound == "bark":
        s = np.tanh(3 * np.sin(two_pi * (320 - 200 * t) * t)) + 0.4 * noise
        return on * 0.5 * s * np.exp(-t * 10) * (t < 0.35)
    if sound == "neigh":
        ph = two_pi * (700 * t - 150 * t * t) - 40 / 12 * np.cos(two_pi * 12 * t)
        return on * 0.3 * np.sin(ph) * _env(t, 1.1, 0.05)
    if sound == "chirp":
        s = np.sin(two_pi * (3000 * t + 4000 * t * t))
        return on * 0.15 * s * _env(t, 0.25, 0.01)
    if sound == "horn":
        s = np.tanh(2 * np.sin(two_pi * 400 * t)) + np.tanh(2 * np.sin(two_pi * 500 * t))
        return on * 0.22 * s * _env(t, 0.6, 0.02)
    if sound == "moo":
        ph = two_pi * (125 * t - 10 * t * t)
        s = sum(np.sin(k * ph) / k for k in range(1, 6))
        return on * 0.35 * s * _env(t, 1.2, 0.15)
    if sound in ("baa", "bleat"):
        f = 350 if sound == "baa" else 520
        s = np.sin(two_pi * f * t) * (0.6 + 0.4 * np.sin(two_pi * 22 * t))
        return on * 0.3 * s * _env(t, 0.8 if sound == "baa" else 0.6, 0.03)
    if sound in ("yip", "squeak"):
        f = 900 if sound == "yip" else 2200
        return on * 0.25 * np.sin(two_pi * f * t * (1 + t)) * _env(t, 0.3, 0.005)
    if sound == "growl":
        return on * 0.5 * noise * (0.5 + 0.5 * np.sin(two_pi * 70 * t)) * _env(t, 1.0, 0.1)
    if sound == "roar":
        ph = two_pi * (140 * t - 20 * t * t)
        s = 0.6 * noise + np.tanh(2 * np.sin(ph))
        return on * 0.45 * s * _env(t, 1.6, 0.1)
    if sound == "beep":
        return on * 0.2 * np.sin(two_pi * 880 * t) * ((t % 0.2) < 0.12) * (t < 0.4)
    if sound == "flutter":
        return on * 0.08 * noise * (np.sin(two_pi * 20 * t) > 0) * _env(t, 0.3)
    if sound == "burner":
        return on * 0.35 * noise * _env(t, 1.2, 0.1)
    if sound == "foghorn":
        ph = two_pi * 110 * t
        s = sum(np.sin(k * ph) / k for k in range(1, 7))
        return on * 0.35 * s * _env(t, 1.6, 0.2)
    if sound == "bell":
        s = np.sin(two_pi * 2000 * t) + 0.6 * np.sin(two_pi * 2670 * t)
        return on * 0.18 * s * np.exp(-t * 6)
    if sound == "voice":
        ph = two_pi * (190 + 20 * np.sin(two_pi * 3 * t)) * t
        s = np.sin(ph) + 0.5 * np.sin(2 * ph) + 0.3 * np.sin(3 * ph)
        return on * 0.2 * s * _env(t, 0.5, 0.05)
    if sound == "footstep":
        return on * 0.45 * noise * np.exp(-t * 45) + on * 0.3 * np.sin(two_pi * 90 * t) * np.exp(
            -t * 30
        )
    if sound in ("jump", "land"):
        return on * 0.35 * np.sin(two_pi * (90 if sound == "land" else 140) * t) * np.exp(-t * 22)
    if sound == "thunder":
        crack = noise * np.exp(-t * 9) * max(0.0, 1.0 - dist_s / 6.0)
        return on * (0.9 * crack + 0.0)
    return np.zeros_like(t)


LOOP = 1 << 20  # samples in a noise loop: 21.8 s, far too long to hear it repeat


@lru_cache(maxsize=1)
def _white_loop() -> np.ndarray:
    """One loop of white noise in [-1, 1), the same in every process -> [LOOP]."""
    return nhash(np.arange(LOOP, dtype=np.int64), 0, 1)


def _box_loop(x: np.ndarray, k: int) -> np.ndarray:
    """Circular moving average of length k over a loop (output i averages x[i-k+1 .. i])."""
    c = np.cumsum(np.concatenate(([0.0], x[-k:], x)))
    return (c[k + 1 :] - c[1:-k]) / k


@lru_cache(maxsize=16)
def _filtered_loop(k: int) -> np.ndarray:
    """Seamless looping noise -> float32 [LOOP]. k > 0: white noise through two box
    filters of length k (the lowpass of wind, surf and traffic, at unit loudness);
    k < 0: white noise minus its moving average over -k samples (the hiss of rain)."""
    white = _white_loop()
    if k < 0:
        return (white - _box_loop(white, -k)).astype(np.float32)
    return (_box_loop(_box_loop(white, k), k) * (math.sqrt(k) * 1.2)).astype(np.float32)


def _loop_rows(n0: np.ndarray, seeds: list[int], salt: int, k: int) -> np.ndarray:
    """Each session's stretch of a filtered noise loop for this chunk -> [B, CHUNK].

    Where a session reads the loop is a hash of its seed and the salt, so every sample is
    still a pure function of (seed, absolute sample index): a gather, not a filter, per
    tick. Sessions, channels and sounds each read their own part of the loop."""
    start = np.array([hash_u32(sd, salt) for sd in seeds], dtype=np.int64) + n0
    idx = (start[:, None] + np.arange(CHUNK, dtype=np.int64)) & (LOOP - 1)
    return _filtered_loop(k)[idx].astype(np.float64)


def _birdsong(seed: int, n0: int, out: np.ndarray) -> None:
    """A chirp in some 0.3 s slots, added to out [CHUNK, 2]."""
    slot = (n0 + np.arange(CHUNK)) // (RATE * 3 // 10)
    for s in np.unique(slot):
        if hash01(seed, int(s), 61) < 0.35:
            ts = (n0 + np.arange(CHUNK) - int(s) * (RATE * 3 // 10)) / RATE
            f = 2500 + 2500 * hash01(seed, int(s), 62)
            ch = np.sin(2 * math.pi * (f * ts + 3000 * ts * ts)) * _env(ts, 0.12, 0.01)
            pan = hash01(seed, int(s), 63)
            out[:, 0] += 0.06 * ch * (1 - pan)
            out[:, 1] += 0.06 * ch * pan


@dataclass(frozen=True)
class Sounding:
    """An event sounding at the tick heard."""

    index: int  # its place among the state's events, part of its noise's salt
    sound: str
    tick: int  # when it began
    source: tuple[float, float] | None  # (x, z) of the entity making it; None: the player
    distance_m: float  # of a lightning strike, for its thunder


@dataclass(frozen=True)
class Hearing:
    """All that one tick's chunk depends on, fixed when taken (`hear`)."""

    seed: int
    tick: int
    biome: str
    weather: str
    time_of_day: str
    style: str
    music: bool
    listener: tuple[float, float, float]  # the camera's x, z and yaw (degrees)
    sounding: tuple[Sounding, ...]


def hear(state: WorldState, pose: Pose) -> Hearing:
    """What the camera at `pose` hears of `state` at its current tick."""
    sc = state.scene
    sounding = tuple(
        Sounding(i, ev["sound"], ev["tick"], _source(state, ev), ev.get("distance_m", 1000.0))
        for i, ev in enumerate(state.events)
        if ev.get("sound") and ev["tick"] <= state.tick and ev.get("until", 0) >= state.tick
    )
    return Hearing(
        state.seed, state.tick, sc.biome, sc.weather, sc.time_of_day, sc.style, sc.music,
        (pose.x, pose.z, pose.yaw), sounding,
    )  # fmt: skip


def _ambience_rows(heard: list[Hearing], n0: np.ndarray) -> np.ndarray:
    """Ambience of sessions sharing biome, weather and time of day -> [B, CHUNK, 2]."""
    sc = heard[0]
    seeds = [h.seed for h in heard]
    B = len(heard)
    t = (n0[:, None] + np.arange(CHUNK)) / RATE  # [B, CHUNK]
    out = np.zeros((B, CHUNK, 2))
    wind_level = {"snow_mountains": 0.5, "desert": 0.35, "coast": 0.2, "volcanic": 0.2}.get(
        sc.biome, 0.12
    )
    if sc.weather in ("storm", "snow"):
        wind_level += 0.25
    seed7 = np.array([sd % 7 for sd in seeds], dtype=np.int64)[:, None]
    gust = 0.6 + 0.4 * np.sin(2 * math.pi * t / 7.3 + seed7)
    for ch in range(2):
        out[:, :, ch] += wind_level * 0.35 * _loop_rows(n0, seeds, 10 + ch, 48) * gust
    if sc.weather in ("rain", "storm"):
        lvl = 0.12 if sc.weather == "rain" else 0.18
        for ch in range(2):
            out[:, :, ch] += lvl * _loop_rows(n0, seeds, 20 + ch, -9)
    if sc.biome in ("city", "night_city"):
        for ch in range(2):
            lo = _loop_rows(n0, seeds, 30 + ch, 24) - _loop_rows(n0, seeds, 32 + ch, 160)
            out[:, :, ch] += 0.12 * lo + 0.08 * _loop_rows(n0, seeds, 34 + ch, 300)
        if sc.biome == "night_city":
            out += 0.02 * np.sin(2 * math.pi * 60 * t)[:, :, None]
    if sc.biome == "coast":
        swell = 0.5 - 0.5 * np.cos(2 * math.pi * t / 7.0)
        for ch in range(2):
            out[:, :, ch] += 0.35 * _loop_rows(n0, seeds, 40 + ch, 60) * swell**2
    if sc.biome == "volcanic":
        for ch in range(2):
            out[:, :, ch] += 0.5 * _loop_rows(n0, seeds, 50, 400 + 20 * ch)
    day = sc.time_of_day != "night"
    calm = sc.weather in ("clear", "fog")
    if sc.biome in ("meadow", "forest", "coast") and calm:
        if day:
            for b in range(B):
                _birdsong(seeds[b], int(n0[b]), out[b])
        else:  # crickets
            gate = (np.sin(2 * math.pi * 28 * t) > 0.3) * (np.sin(2 * math.pi * 0.7 * t) > -0.2)
            out += (0.02 * np.sin(2 * math.pi * 4400 * t) * gate)[:, :, None]
    return out * 2.0


_MUSIC = {
    "painterly": (261.6, (0, 4, 7, 11)),
    "film80s": (220.0, (0, 3, 7, 10)),
    "noir": (196.0, (0, 3, 6, 10)),
    "pixel": (329.6, (0, 4, 7, 12)),
    "watercolor": (293.7, (0, 5, 7, 9)),
    "cyberpunk": (110.0, (0, 3, 7, 10)),
    "sepia": (246.9, (0, 4, 7, 9)),
    "realistic": (246.9, (0, 4, 7, 11)),
}


def _music(heard: Hearing, n0: int) -> np.ndarray:
    root, steps = _MUSIC.get(heard.style, _MUSIC["realistic"])
    t = (n0 + np.arange(CHUNK)) / RATE
    pad = sum(np.sin(2 * math.pi * root * 2 ** (s / 12) * t) for s in steps[:3]) / 3
    pad *= 0.05 * (0.7 + 0.3 * np.sin(2 * math.pi * t / 8.0))
    beat = np.floor(t * 4).astype(np.int64)  # sixteenth-ish notes at 60 bpm
    idx = np.array([int(hash01(heard.seed, int(b), 71) * len(steps)) for b in np.unique(beat)])
    note = idx[beat - beat[0]] if len(idx) else np.zeros_like(beat)
    f = root * 2.0 * 2 ** (np.array(steps)[note] / 12)
    tb = t * 4 - beat
    arp = 0.04 * np.sin(2 * math.pi * f * t) * np.exp(-tb * 5)
    return (pad + arp)[:, None] * np.ones((1, 2))


def synth_chunk(state: WorldState, pose: Pose) -> np.ndarray:
    """The audio chunk for the state's current tick -> int16 [1600, 2]."""
    return synth_chunks([state], [pose])[0]


def synth_chunks(states: list[WorldState], poses: list[Pose]) -> list[np.ndarray]:
    """synth_chunk for B sessions."""
    return synth_hearings([hear(st, pose) for st, pose in zip(states, poses, strict=True)])


def synth_hearings(heard: list[Hearing]) -> list[np.ndarray]:
    """The chunks -> int16 [1600, 2] each. The ambience is vectorised over sessions (or
    ticks) that share biome, weather and time of day; each row is computed exactly as on
    its own.

    One thread: spread over threads, the small numpy calls fight for the GIL. At B = 64
    on a 16-core GPU host, 2, 4 and 8 threads took 13.9, 27.3 and 28.0 ms; one 11.8 ms."""
    groups: dict[tuple[str, str, str], list[int]] = {}
    for b, h in enumerate(heard):
        groups.setdefault((h.biome, h.weather, h.time_of_day), []).append(b)
    pcm = np.empty((len(heard), CHUNK, 2), dtype=np.int16)
    for idx in groups.values():
        n0 = np.array([heard[b].tick * CHUNK for b in idx], dtype=np.int64)
        rows = _ambience_rows([heard[b] for b in idx], n0)  # [b, CHUNK, 2]
        _add_voices([heard[b] for b in idx], rows)
        soft = np.tanh((rows * 0.9).astype(np.float32))  # float32: 4x quicker, same to 16 bits
        pcm[idx] = np.round(soft * np.float32(30000)).astype(np.int16)
    return list(pcm)


@dataclass
class _Voice:
    row: int  # the session's row in the block
    sound: str
    rel: int  # the chunk's first sample, counted from the event's start
    mix: int  # the noise's (seed, salt) mix
    gain: float
    pan: float
    left: np.ndarray | None = None  # [CHUNK] once synthesised
    right: np.ndarray | None = None


def _add_voices(heard: list[Hearing], rows: np.ndarray) -> None:
    """Add music and event voices to each session's ambience rows [b, CHUNK, 2] in place.

    The voices of one sound are synthesised together for the whole block (every sample
    is an elementwise function of its own time and noise), then each session adds its
    voices in event order: the same sums, in the same order, as one voice at a time."""
    voices: list[_Voice] = []
    for r, h in enumerate(heard):
        n0 = h.tick * CHUNK
        if h.music:
            rows[r] += _music(h, n0)
        x, z, yaw = h.listener[0], h.listener[1], math.radians(h.listener[2])
        for ev in h.sounding:
            salt = 1000 + (ev.tick * 31 + ev.index) % 100_000
            gain, pan = 1.0, 0.5
            if ev.source is not None:
                dx, dz = ev.source[0] - x, ev.source[1] - z
                d = math.hypot(dx, dz)
                gain = 1.0 / (1.0 + d / 6.0)
                side = dx * math.cos(yaw) - dz * math.sin(yaw)
                pan = 0.5 + 0.45 * max(-1.0, min(1.0, side / max(d, 1e-3)))
            event_voice = _Voice(
                r, ev.sound, n0 - ev.tick * CHUNK, hash_u32(h.seed, salt), gain, pan
            )
            if ev.sound == "thunder":  # its rumble is filtered per strike
                _thunder(event_voice, h.seed, n0, salt, ev.distance_m / 343.0)
            voices.append(event_voice)
    by_sound: dict[str, list[_Voice]] = {}
    for v in voices:
        if v.left is None:
            by_sound.setdefault(v.sound, []).append(v)
    for snd, group in by_sound.items():
        rel = np.array([v.rel for v in group], dtype=np.int64)[:, None] + np.arange(CHUNK)
        noise = nhash_mixed(rel, np.array([v.mix for v in group], dtype=np.int64)[:, None])
        mono = voice(snd, rel / RATE, noise)  # [V, CHUNK]
        left, right = _panned(mono, group)
        for k, v in enumerate(group):
            v.left, v.right = left[k], right[k]
    for v in voices:
        rows[v.row, :, 0] += v.left
        rows[v.row, :, 1] += v.right


def _panned(mono: np.ndarray, voices: list[_Voice]) -> tuple[np.ndarray, np.ndarray]:
    """Each voice [V, CHUNK] at its gain, to the left and right."""
    gain = np.array([v.gain for v in voices])[:, None]
    pan = np.array([v.pan for v in voices])[:, None]
    return mono * gain * (1.0 - pan) * 2 * 0.7, mono * gain * pan * 2 * 0.7


def _thunder(v: _Voice, seed: int, n0: int, salt: int, dist_s: float) -> None:
    tl = (v.rel + np.arange(CHUNK)) / RATE
    noise = _noise(v.rel, CHUNK, seed, salt)
    rumble = _lowpass(n0, seed, salt, 200) * np.exp(-np.maximum(tl, 0) * 0.9)
    mono = voice("thunder", tl, noise, dist_s) + 1.2 * rumble * (tl >= 0) * min(
        1.0, 1.5 / (1 + dist_s / 4)
    )
    left, right = _panned(mono[None], [v])
    v.left, v.right = left[0], right[0]


def _source(state: WorldState, ev: dict[str, Any]) -> tuple[float, float] | None:
    eid = ev.get("entity")
    if eid is None or eid == PLAYER_ID:
        return None
    e = state.entity(eid)
    return (e.x, e.z) if e is not None else None
