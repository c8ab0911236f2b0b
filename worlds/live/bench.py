"""Real WebSocket clients for `manage.py bench_sessions`: each plays one session,
sends inputs, acknowledges frames, and measures fps and input-to-frame latency."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from dataclasses import dataclass, field

import websockets

from worlds.live.protocol import AUDIO, VIDEO, VIDEO_HEADER

INPUT_HZ = 20
KEY_PATTERN = (["w"], ["w", "d"], ["w"], ["a"], [], ["s"])


@dataclass
class ClientStats:
    frames: int = 0
    audio_chunks: int = 0
    first_frame_at: float | None = None
    last_frame_at: float = 0.0
    missing_ticks: int = 0
    intervals_ms: list[float] = field(default_factory=list)  # between frames as they arrive
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def fps(self) -> float:
        if self.first_frame_at is None or self.frames < 2:
            return 0.0
        return (self.frames - 1) / max(1e-9, self.last_frame_at - self.first_frame_at)


async def play(url: str, cookie: str, seconds: float) -> ClientStats:
    stats = ClientStats()
    sent_at: dict[int, float] = {}
    pending: list[int] = []  # input seqs not yet covered by a frame, oldest first
    last_tick: int | None = None
    seq = 0
    async with websockets.connect(
        url,
        additional_headers={"Cookie": cookie, "Origin": "http://127.0.0.1"},
        max_size=2**24,
    ) as socket:

        async def send_inputs() -> None:
            nonlocal seq
            step = 0
            while True:
                seq += 1
                keys = KEY_PATTERN[(step // INPUT_HZ) % len(KEY_PATTERN)]
                sent_at[seq] = time.perf_counter()
                pending.append(seq)
                message = {
                    "type": "input",
                    "seq": seq,
                    "keys": keys,
                    "look": [0.5, 0.0],
                    "ack": last_tick,
                }
                await socket.send(json.dumps(message))
                step += 1
                await asyncio.sleep(1 / INPUT_HZ)

        sender = asyncio.create_task(send_inputs())
        deadline = time.perf_counter() + seconds
        try:
            while (remaining := deadline - time.perf_counter()) > 0:
                try:
                    message = await asyncio.wait_for(socket.recv(), timeout=remaining)
                except TimeoutError:
                    break
                now = time.perf_counter()
                if isinstance(message, str):
                    event = json.loads(message)
                    if event.get("type") == "error":
                        stats.errors.append(event.get("code", "?"))
                    continue
                if message[0] == AUDIO:
                    stats.audio_chunks += 1
                    continue
                if message[0] != VIDEO:
                    continue
                _, tick, acked, _scale = VIDEO_HEADER.unpack_from(message)
                stats.frames += 1
                if stats.first_frame_at is not None:
                    stats.intervals_ms.append((now - stats.last_frame_at) * 1000)
                stats.first_frame_at = stats.first_frame_at or now
                stats.last_frame_at = now
                if last_tick is not None and tick > last_tick + 1:
                    stats.missing_ticks += tick - last_tick - 1
                last_tick = tick
                while pending and pending[0] <= acked:
                    covered = pending.pop(0)
                    stats.latencies_ms.append((now - sent_at.pop(covered)) * 1000)
        finally:
            sender.cancel()
    return stats


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def summarise(results: list[ClientStats], cpu_seconds: float, seconds: float) -> dict:
    latencies = [value for stats in results for value in stats.latencies_ms]
    intervals = [value for stats in results for value in stats.intervals_ms]
    fps = [stats.fps for stats in results]
    return {
        "sessions": len(results),
        "seconds": seconds,
        "fps_per_session": [round(value, 1) for value in fps],
        "fps_min": round(min(fps), 1) if fps else 0.0,
        "fps_mean": round(statistics.fmean(fps), 1) if fps else 0.0,
        "input_to_frame_ms": {
            "p50": round(percentile(latencies, 50), 1),
            "p95": round(percentile(latencies, 95), 1),
            "p99": round(percentile(latencies, 99), 1),
            "samples": len(latencies),
        },
        "frame_interval_ms": {
            "p1": round(percentile(intervals, 1), 1),
            "p50": round(percentile(intervals, 50), 1),
            "p99": round(percentile(intervals, 99), 1),
        },
        "frames_dropped": sum(stats.missing_ticks for stats in results),
        "frames_received": sum(stats.frames for stats in results),
        "server_cpu_percent_per_session": round(100 * cpu_seconds / seconds / len(results), 1)
        if results
        else 0.0,
        "errors": sorted({code for stats in results for code in stats.errors}),
    }
