"""What the renderer needs from one session for one frame (derived from the state)."""

from __future__ import annotations

from dataclasses import dataclass, field

from inference.render.looks import Look


@dataclass(frozen=True)
class SpriteDraw:
    kind: str
    x: float
    y: float  # feet height
    z: float
    heading: float
    size: float
    colour: tuple[int, int, int]
    hair: tuple[int, int, int] | None
    pose: str  # "stand" | "walk" | "sit" | "sleep" | "fly"
    frame: int  # animation frame
    attrs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class View:
    seed: int
    biome: str
    style: str
    look: Look
    x: float
    y: float  # eye height
    z: float
    yaw: float
    pitch: float
    tick: int
    weather: str
    flash: float  # lightning brightness 0..1
    sprites: tuple[SpriteDraw, ...] = field(default_factory=tuple)
