"""Camera pose from the rig mode: first person, follow, close-up, aerial, orbit."""

from __future__ import annotations

import math
from dataclasses import dataclass

from inference.kinds import KINDS
from inference.render.sprites import KIND_SIZE
from inference.state import PLAYER_ID, WorldState
from inference.worldgen import TileCache

EYE = 1.65


@dataclass(frozen=True)
class Pose:
    x: float
    y: float  # eye height
    z: float
    yaw: float
    pitch: float


def _subject(state: WorldState) -> tuple[float, float, float, float, float]:
    """(x, y feet, z, heading, height) of the camera subject."""
    e = state.entity(state.camera.subject) if state.camera.subject != PLAYER_ID else None
    if e is None:
        p = state.player
        return p.x, p.y, p.z, p.yaw, 1.75
    return e.x, e.y, e.z, e.heading, KIND_SIZE[e.kind][1] * e.size


def _look_at(x: float, y: float, z: float, tx: float, ty: float, tz: float) -> tuple[float, float]:
    dx, dy, dz = tx - x, ty - y, tz - z
    yaw = math.degrees(math.atan2(dx, dz))
    pitch = math.degrees(math.atan2(dy, max(1e-3, math.hypot(dx, dz))))
    return yaw, pitch


def camera_pose(state: WorldState, cache: TileCache) -> Pose:
    p, rig = state.player, state.camera
    mode = rig.mode
    if mode == "first_person":
        return Pose(p.x, p.y + EYE, p.z, p.yaw, p.pitch)
    sx, sy, sz, heading, height = _subject(state)
    t = state.tick - rig.since_tick
    if mode == "aerial":
        x, z = sx - 30 * math.sin(math.radians(p.yaw)), sz - 30 * math.cos(math.radians(p.yaw))
        y = sy + 45.0
        yaw, pitch = _look_at(x, y, z, sx, sy, sz)
        return Pose(x, y, z, yaw, max(-55.0, pitch))
    if mode == "orbit":
        a = math.radians(t * 1.2)
        r = max(6.0, height * 4.0)
        x, z = sx + r * math.sin(a), sz + r * math.cos(a)
    elif mode == "close_up":
        r = max(1.6, height * 1.6)
        h = math.radians(heading + 40.0)
        x, z = sx + r * math.sin(h), sz + r * math.cos(h)
    else:  # follow
        r = max(4.0, height * 3.0)
        h = math.radians(heading)
        x, z = sx - r * math.sin(h), sz - r * math.cos(h)
    ground = cache.cell(state.seed, state.scene.biome, x, z)[0]
    y = max(sy + height * (0.7 if mode == "close_up" else 1.4), ground + 0.6)
    e = state.entity(rig.subject)
    if e is not None and KINDS[e.kind].airborne:
        y = max(y, sy + 1.0)
    yaw, pitch = _look_at(x, y, z, sx, sy + height * 0.6, sz)
    return Pose(x, y, z, yaw, pitch)
