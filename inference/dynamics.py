"""Fixed-step simulation: player walking under gravity with collisions, entity
behaviours, weather events. Pure Python floats, so it is exact and snapshot-friendly."""

from __future__ import annotations

import math
from typing import Any

from inference.kinds import KINDS, SOUND_SECONDS
from inference.render.sprites import KIND_SIZE
from inference.rng import hash01
from inference.spec import PlayerInput
from inference.state import PLAYER_ID, Entity, WorldState
from inference.worldgen import BLOCKING, WATER, WATER_LEVEL, TileCache

TICK_HZ = 30
DT = 1.0 / TICK_HZ
GRAVITY = 20.0
JUMP_V = 6.5
WALK, RUN = 3.2, 7.0
RADIUS = 0.35
STEP_UP = 1.1
SPEED_OF_SOUND = 343.0


def _event(state: WorldState, etype: str, sound: str | None, **kw: Any) -> dict[str, Any]:
    ev: dict[str, Any] = {"type": etype, "tick": state.tick, **kw}
    if sound:
        ev["sound"] = sound
        ev["until"] = ev["tick"] + int(math.ceil(SOUND_SECONDS.get(sound, 0.5) * TICK_HZ))
    else:
        ev["until"] = ev["tick"]
    state.events.append(ev)
    return ev


def _free(cache: TileCache, state: WorldState, x: float, z: float, y: float) -> bool:
    for ox, oz in ((RADIUS, 0.0), (-RADIUS, 0.0), (0.0, RADIUS), (0.0, -RADIUS)):
        top, kind, ground = cache.cell(state.seed, state.scene.biome, x + ox, z + oz)
        if kind in BLOCKING and not (kind == WATER and y > WATER_LEVEL + 1.0):
            return False
        if ground > y + STEP_UP:
            return False
    return True


def step_player(state: WorldState, inp: PlayerInput, cache: TileCache) -> None:
    p = state.player
    p.yaw = (p.yaw + inp.look_dx) % 360.0
    p.pitch = max(-60.0, min(60.0, p.pitch + inp.look_dy))
    speed = RUN if inp.run else WALK
    sy, cy = math.sin(math.radians(p.yaw)), math.cos(math.radians(p.yaw))
    mx, my = inp.move_x, inp.move_y
    n = math.hypot(mx, my)
    if n > 1.0:
        mx, my = mx / n, my / n
    dx = (sy * my + cy * mx) * speed * DT
    dz = (cy * my - sy * mx) * speed * DT
    moved = 0.0
    if dx and _free(cache, state, p.x + dx, p.z, p.y):
        p.x += dx
        moved += abs(dx)
    if dz and _free(cache, state, p.x, p.z + dz, p.y):
        p.z += dz
        moved += abs(dz)
    ground = cache.cell(state.seed, state.scene.biome, p.x, p.z)[2]
    if inp.jump and p.on_ground:
        p.vy = JUMP_V
        p.on_ground = False
        _event(state, "jump", "jump")
    if p.on_ground and ground < p.y and p.y - ground < 0.6:
        p.y = ground  # walk down slopes without taking off
    if not p.on_ground or p.y > ground:
        p.vy -= GRAVITY * DT
        p.y += p.vy * DT
        if p.y <= ground:
            if not p.on_ground:
                _event(state, "land", "land")
            p.y, p.vy, p.on_ground = ground, 0.0, True
        else:
            p.on_ground = False
    else:
        p.y, p.vy, p.on_ground = ground, 0.0, True
    if p.on_ground and moved > 0:
        stride = 1.0 if inp.run else 0.75
        before = int(p.walked / stride)
        p.walked += moved
        if int(p.walked / stride) != before:
            _event(state, "footstep", "footstep", run=inp.run)


def _target_pos(state: WorldState, e: Entity) -> tuple[float, float] | None:
    if e.target is None:
        return None
    if e.target == PLAYER_ID:
        return state.player.x, state.player.z
    t = state.entity(e.target)
    return (t.x, t.z) if t is not None else None


def _move_towards(state, cache, e: Entity, tx: float, tz: float, speed: float) -> float:
    dx, dz = tx - e.x, tz - e.z
    d = math.hypot(dx, dz)
    if d < 1e-6:
        e.speed = 0.0
        return d
    step = min(d, speed * DT)
    nx, nz = e.x + dx / d * step, e.z + dz / d * step
    e.heading = math.degrees(math.atan2(dx, dz)) % 360.0
    airborne = KINDS[e.kind].airborne or e.behaviour == "fly"
    if airborne or e.kind == "boat" or _free(cache, state, nx, nz, e.y):
        e.x, e.z = nx, nz
    elif _free(cache, state, nx, e.z, e.y):
        e.x = nx
    elif _free(cache, state, e.x, nz, e.y):
        e.z = nz
    e.speed = speed
    return d - step


def step_entity(state: WorldState, e: Entity, cache: TileCache) -> None:
    info = KINDS[e.kind]
    tgt = _target_pos(state, e)
    b = e.behaviour
    e.speed = 0.0
    if b in ("go_to", "run_to", "follow", "flee", "circle") and tgt is None:
        e.behaviour, e.target, b = "idle", None, "idle"
    other = state.entity(e.target) if e.target not in (None, PLAYER_ID) else None
    reach = 0.9 + 0.4 * e.size + (0.4 * other.size if other else 0.4)
    if e.target == PLAYER_ID:
        # stop where the player sees it whole, not with its flank against the lens
        width, height, _ = KIND_SIZE[e.kind]
        reach = max(reach, 1.0 + 1.5 * max(width, height) * e.size)
    if b in ("go_to", "run_to") and tgt is not None:
        speed = info.run if b == "run_to" else info.walk
        left = _move_towards(state, cache, e, tgt[0] - (tgt[0] - e.x) * 0.0, tgt[1], speed)
        if left <= reach:
            e.behaviour, e.arrived, e.speed = "idle", True, 0.0
            _event(state, "arrive", info.sound, entity=e.id, kind=e.kind, target=e.target)
    elif b == "follow" and tgt is not None:
        d = math.hypot(tgt[0] - e.x, tgt[1] - e.z)
        if d > reach + 1.5:
            _move_towards(state, cache, e, tgt[0], tgt[1], info.run if d > 8 else info.walk)
    elif b == "flee" and tgt is not None:
        dx, dz = e.x - tgt[0], e.z - tgt[1]
        d = math.hypot(dx, dz) or 1.0
        if d < 25.0:
            _move_towards(state, cache, e, e.x + dx / d * 5, e.z + dz / d * 5, info.run)
    elif b == "circle" and tgt is not None:
        a = math.atan2(e.x - tgt[0], e.z - tgt[1]) + info.walk * 1.5 * DT / 3.5
        _move_towards(
            state, cache, e, tgt[0] + 3.5 * math.sin(a), tgt[1] + 3.5 * math.cos(a), info.run
        )
    elif b in ("wander", "fly"):
        r = 12.0 if b == "wander" else 18.0
        wx = e.home_x + (hash01(state.seed, e.id, e.waypoint, 1) - 0.5) * 2 * r
        wz = e.home_z + (hash01(state.seed, e.id, e.waypoint, 2) - 0.5) * 2 * r
        if _move_towards(state, cache, e, wx, wz, info.walk) < 0.5:
            e.waypoint += 1
    elif b == "dance":
        e.heading = (e.heading + 12.0) % 360.0
    ground = cache.cell(state.seed, state.scene.biome, e.x, e.z)[2]
    if e.kind == "boat":
        ground = max(ground, WATER_LEVEL)
    y = ground
    if b == "fly" or (info.airborne and b not in ("sit", "sleep")):
        y = ground + info.fly_height + 0.6 * math.sin(state.tick * 0.08 + e.id)
    elif b == "jump":
        ph = (state.tick + e.id * 7) % 24
        y = ground + max(0.0, 0.18 * ph * (12 - ph) / 6) * e.size
        if ph == 0:
            _event(state, "hop", None, entity=e.id)
    elif b == "dance":
        y = ground + 0.15 * abs(math.sin(state.tick * 0.3))
    e.y = y
    e.phase += max(e.speed, 2.0 if b in ("fly", "dance") else 0.0) * DT * 2.5
    if info.call_every_s > 0 and b not in ("sleep",):
        p = 1.0 / (info.call_every_s * TICK_HZ)
        if hash01(state.seed, e.id, state.tick, 31) < p:
            _event(state, "call", info.sound, entity=e.id, kind=e.kind)


def step_weather(state: WorldState) -> None:
    if state.scene.weather != "storm":
        return
    if hash01(state.seed, state.tick, 97) < 1.0 / 110.0:
        dist = 300.0 + 2700.0 * hash01(state.seed, state.tick, 98)
        delay = int(round(dist / SPEED_OF_SOUND * TICK_HZ))
        fid = state.tick
        _event(state, "lightning", None, distance_m=round(dist, 1), delay_ticks=delay, flash=fid)
        ev = {
            "type": "thunder",
            "tick": state.tick + delay,
            "flash_tick": state.tick,
            "delay_ticks": delay,
            "distance_m": round(dist, 1),
            "sound": "thunder",
            "until": state.tick + delay + int(SOUND_SECONDS["thunder"] * TICK_HZ),
        }
        state.events.append(ev)


def flash_level(state: WorldState) -> float:
    best = 0.0
    for ev in state.events:
        if ev["type"] == "lightning":
            age = state.tick - ev["tick"]
            if 0 <= age < 8:
                best = max(best, (1.0, 0.3, 0.8, 0.4, 0.2, 0.1, 0.05, 0.0)[age])
    return best


def step_world(state: WorldState, inp: PlayerInput, cache: TileCache) -> list[dict[str, Any]]:
    """Advance one tick in place; return the events that start on the new tick."""
    state.tick += 1
    step_player(state, inp, cache)
    for e in state.entities:
        step_entity(state, e, cache)
    step_weather(state)
    # keep sounding events and ones scheduled for later; lightning stays 8 ticks
    keep = []
    for ev in state.events:
        alive = ev["until"] >= state.tick or (
            ev["type"] == "lightning" and state.tick - ev["tick"] < 8
        )
        if alive:
            keep.append(ev)
    state.events = keep
    return [ev for ev in state.events if ev["tick"] == state.tick]
