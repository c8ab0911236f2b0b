"""What a render produced: the files, the timings and the lightning it saw."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from worlds.clips.script import FPS


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


def note_lightning(result: RenderResult, k: int, out: Any) -> None:
    """Keep the lightning strikes that step k reported (sync is measured on them)."""
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
