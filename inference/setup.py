"""Build the initial WorldState from a spec and the interpreter's SceneIntent."""

from __future__ import annotations

import math

from inference.intents import EntityIntent, SceneIntent
from inference.palette import image_palette
from inference.rng import hash01
from inference.spec import WorldSpec
from inference.state import Entity, Player, Scene, WorldState
from inference.vocabulary import BIOMES, ENTITY_KINDS, SIZES, STYLES
from inference.worldgen import BLOCKING, WATER, TileCache, volcano_centre

MAX_ENTITIES = 64
AIRBORNE = {"bird", "butterfly", "balloon", "dragon"}


def resolve_style(spec: WorldSpec, intent: SceneIntent) -> str:
    if spec.style != "auto":
        return spec.style
    style = intent.style if intent.style in STYLES else "realistic"
    if style == "realistic" and intent.era == "1980s":
        return "film80s"
    if style == "realistic" and intent.era in ("1920s", "1950s"):
        return "sepia" if intent.era == "1920s" else "film80s"
    return style


def find_walkable(
    cache: TileCache, seed: int, biome: str, x: float, z: float
) -> tuple[float, float]:
    """Nearest walkable cell to (x, z), searching outward on a deterministic spiral."""
    for r in range(0, 200, 2):
        steps = max(1, r * 2)
        for i in range(steps):
            a = 2 * math.pi * i / steps
            px, pz = x + r * math.cos(a), z + r * math.sin(a)
            ok = True
            for ox, oz in ((0, 0), (0.8, 0), (-0.8, 0), (0, 0.8), (0, -0.8)):
                if cache.cell(seed, biome, px + ox, pz + oz)[1] in BLOCKING:
                    ok = False
                    break
            if ok:
                return px, pz
    return x, z


def _free_run(cache: TileCache, seed: int, biome: str, x: float, z: float, yaw: float) -> float:
    """Metres of open ground straight ahead (up to 40), sampling a 3 m wide corridor."""
    sy, cy = math.sin(math.radians(yaw)), math.cos(math.radians(yaw))
    for d in range(1, 41):
        for side in (-1.5, 0.0, 1.5):
            px, pz = x + sy * d + cy * side, z + cy * d - sy * side
            if cache.cell(seed, biome, px, pz)[1] in BLOCKING:
                return float(d)
    return 40.0


def start_pose(biome: str) -> tuple[float, float, float]:
    """Where the camera starts (x, z, yaw) before the walkable search."""
    if biome == "volcanic":
        return 0.5, 0.5, 45.0
    if biome == "coast":
        return -20.0, 0.0, 90.0  # on the shore, looking out to sea
    if biome in ("city", "night_city"):
        return 0.5, 10.0, 0.0  # in the middle of a street
    return 0.5, 0.5, 30.0


def _find_water(cache: TileCache, state: WorldState, x: float, z: float) -> tuple[float, float]:
    """Boats go on the nearest water along the view direction, if there is any in reach."""
    p = state.player
    sy, cy = math.sin(math.radians(p.yaw)), math.cos(math.radians(p.yaw))
    for d in range(6, 160, 2):
        px, pz = p.x + sy * d, p.z + cy * d
        if cache.cell(state.seed, state.scene.biome, px, pz)[1] == WATER:
            return px + sy * 6, pz + cy * 6
    return x, z


def place_entity(
    state: WorldState,
    cache: TileCache,
    ei: EntityIntent,
    index: int,
    dist: float = 7.0,
    away_from: tuple[float, float] | None = None,
) -> Entity:
    """A new entity in view of the camera; with away_from, at least ~7 m from that point."""
    p = state.player
    salt = state.draw()
    ang = math.radians(p.yaw + (hash01(state.seed, salt, 1) - 0.5) * 50.0 + index * 17.0)
    d = dist + hash01(state.seed, salt, 2) * 4.0 + index * 1.2
    x, z = p.x + d * math.sin(ang), p.z + d * math.cos(ang)
    if away_from is not None:
        ax, az = away_from
        dx, dz = x - ax, z - az
        n = math.hypot(dx, dz)
        if n < 7.0:
            side = math.radians(p.yaw + (90.0 if hash01(state.seed, salt, 3) < 0.5 else -90.0))
            ux, uz = (dx / n, dz / n) if n > 1e-3 else (math.sin(side), math.cos(side))
            x, z = ax + ux * 8.0, az + uz * 8.0
    if ei.kind == "boat":
        x, z = _find_water(cache, state, x, z)
    else:
        x, z = find_walkable(cache, state.seed, state.scene.biome, x, z)
    ground = cache.cell(state.seed, state.scene.biome, x, z)[2]
    attrs = {k: v for k, v in ei.attributes}
    size = float(SIZES.get(attrs.get("size", "normal"), 1.0))
    behaviour = ei.behaviour
    if ei.kind in AIRBORNE and behaviour == "idle":
        behaviour = "fly"
    if ei.kind == "person" and attrs.get("age") == "child":
        size *= 0.72
    e = Entity(
        id=state.next_id,
        kind=ei.kind,
        label=ei.label or ei.kind,
        attrs=attrs,
        x=x,
        y=ground,
        z=z,
        heading=(p.yaw + 180.0) % 360.0,
        behaviour=behaviour,
        size=size,
        home_x=x,
        home_z=z,
    )
    state.next_id += 1
    return e


def build_state(spec: WorldSpec, intent: SceneIntent, cache: TileCache) -> WorldState:
    biome = intent.biome if intent.biome in BIOMES else "meadow"
    palette, mood = ([], 0.5)
    if spec.image:
        palette, mood = image_palette(spec.image)
    scene = Scene(
        biome=biome,
        time_of_day=intent.time_of_day,
        weather=intent.weather,
        style=resolve_style(spec, intent),
        lighting=intent.lighting,
        era=intent.era,
        props=list(intent.props),
        palette=palette,
        mood=mood,
        music=spec.music,
    )
    sx, sz, yaw = start_pose(biome)
    if biome == "volcanic":  # stand on the plain, facing the nearest volcano
        cx, cz = volcano_centre(spec.seed, sx, sz)
        d = math.hypot(cx - sx, cz - sz) or 1.0
        sx, sz = cx - (cx - sx) / d * 215.0, cz - (cz - sz) / d * 215.0
        yaw = math.degrees(math.atan2(cx - sx, cz - sz))
    if biome == "coast":  # walk towards the sea until the sand, then step back a little
        for d in range(0, 300, 2):
            if cache.cell(spec.seed, biome, sx + d, sz)[2] < 1.6:
                sx = sx + d - 10.0
                break
    x, z = find_walkable(cache, spec.seed, biome, sx, sz)
    if _free_run(cache, spec.seed, biome, x, z, yaw) < 25.0:
        yaw = max(
            range(0, 360, 20), key=lambda a: (_free_run(cache, spec.seed, biome, x, z, a), -a)
        )
    ground = cache.cell(spec.seed, biome, x, z)[2]
    state = WorldState(
        seed=spec.seed,
        prompt=spec.prompt,
        character=spec.character,
        scene=scene,
        player=Player(x=x, y=ground, z=z, yaw=yaw, pitch=8.0 if biome == "volcanic" else 0.0),
    )
    index = 0
    for ei in intent.entities:
        if ei.kind not in ENTITY_KINDS:
            continue
        for _ in range(max(1, min(ei.count, 8))):
            if len(state.entities) >= MAX_ENTITIES:
                break
            state.entities.append(place_entity(state, cache, ei, index, dist=5.0))
            index += 1
    return state
