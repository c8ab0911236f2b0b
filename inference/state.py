"""The world state: plain data (ints, floats, strings, lists, dicts), nothing else.

Everything the next frame and audio chunk depend on lives here, so `snapshot` is a
straight dump and `restore` plus the same inputs reproduces the session bit-exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 2
PLAYER_ID = -1  # an entity target that means "the player / the camera"


@dataclass
class Scene:
    biome: str
    time_of_day: str
    weather: str
    style: str
    lighting: str = "natural"
    era: str = "present"
    props: list[str] = field(default_factory=list)
    palette: list[list[int]] = field(default_factory=list)  # image palette, RGB 0..255
    mood: float = 0.5  # image brightness 0..1 (0.5 when there is no image)
    music: bool = False


@dataclass
class Player:
    x: float = 0.0
    y: float = 0.0  # feet height (metres)
    z: float = 0.0
    vy: float = 0.0
    yaw: float = 0.0  # degrees, 0 looks along +z, 90 along +x
    pitch: float = 0.0  # degrees, positive looks up
    on_ground: bool = True
    walked: float = 0.0  # metres walked, drives footsteps


@dataclass
class CameraRig:
    mode: str = "first_person"  # a CAMERA_MOVES name
    subject: int = PLAYER_ID  # entity id the camera frames
    since_tick: int = 0


@dataclass
class Entity:
    id: int
    kind: str
    label: str
    attrs: dict[str, str]
    x: float
    y: float
    z: float
    heading: float = 0.0  # degrees, like the player's yaw
    behaviour: str = "idle"
    target: int | None = None  # entity id, PLAYER_ID, or None
    size: float = 1.0
    home_x: float = 0.0
    home_z: float = 0.0
    speed: float = 0.0  # current ground speed m/s (drives the walk animation)
    phase: float = 0.0  # animation phase
    arrived: bool = False
    waypoint: int = 0  # wander counter


@dataclass
class WorldState:
    seed: int
    prompt: str
    character: str
    scene: Scene
    player: Player
    camera: CameraRig = field(default_factory=CameraRig)
    entities: list[Entity] = field(default_factory=list)
    next_id: int = 1
    tick: int = 0
    rng: int = 0  # counter for draws made by commands (spawn positions, ...)
    events: list[dict[str, Any]] = field(default_factory=list)  # pending and sounding events
    version: int = SCHEMA_VERSION

    def entity(self, eid: int) -> Entity | None:
        for e in self.entities:
            if e.id == eid:
                return e
        return None

    def draw(self) -> int:
        """Advance the command RNG counter and return the new counter value."""
        self.rng += 1
        return self.rng
