"""Versioned JSON snapshots of a WorldState, with migrations from older versions."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from inference.spec import SnapshotError
from inference.state import (
    SCHEMA_VERSION,
    CameraRig,
    Entity,
    Player,
    Scene,
    WorldState,
)


def snapshot(state: WorldState) -> dict[str, Any]:
    """A JSON-serialisable deep copy of the state, tagged with the schema version."""
    d = asdict(state)
    d["version"] = SCHEMA_VERSION
    return d


def _v1_to_v2(d: dict[str, Any]) -> dict[str, Any]:
    """v1 stored positions as [x, y, z] lists and had no lighting, era, camera rig or music.

    v1 layout: {"version": 1, "seed", "tick", "prompt", "rng",
    "scene": {"biome", "time_of_day", "weather", "style"},
    "player": {"pos": [x, y, z], "yaw", "pitch"},
    "entities": [{"id", "kind", "pos": [x, y, z], "behaviour", "target", "color"?}]}
    """
    out = copy.deepcopy(d)
    sc = out.setdefault("scene", {})
    sc.setdefault("lighting", "natural")
    sc.setdefault("era", "present")
    sc.setdefault("props", [])
    sc.setdefault("palette", [])
    sc.setdefault("mood", 0.5)
    sc.setdefault("music", False)
    p = out.get("player", {})
    pos = p.pop("pos", [0.0, 0.0, 0.0])
    p.update({"x": pos[0], "y": pos[1], "z": pos[2]})
    out["player"] = p
    ents = []
    next_id = 1
    for e in out.get("entities", []):
        pos = e.pop("pos", [0.0, 0.0, 0.0])
        attrs = {}
        if "color" in e:
            attrs["colour"] = e.pop("color")
        ents.append(
            {
                **e,
                "x": pos[0],
                "y": pos[1],
                "z": pos[2],
                "label": e.get("label", e.get("kind", "")),
                "attrs": attrs,
                "home_x": pos[0],
                "home_z": pos[2],
            }
        )
        next_id = max(next_id, int(e.get("id", 0)) + 1)
    out["entities"] = ents
    out.setdefault("next_id", next_id)
    out.setdefault("camera", {"mode": "first_person", "subject": -1, "since_tick": 0})
    out.setdefault("character", "")
    out.setdefault("events", [])
    out["version"] = 2
    return out


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}


def _finite_tree(x: Any) -> None:
    if isinstance(x, float) and not math.isfinite(x):
        raise SnapshotError("The snapshot holds a non-finite number.")
    if isinstance(x, dict):
        for v in x.values():
            _finite_tree(v)
    elif isinstance(x, list):
        for v in x:
            _finite_tree(v)


def migrate(d: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(d, dict):
        raise SnapshotError("A snapshot must be a JSON object.")
    version = d.get("version")
    if not isinstance(version, int) or version < 1 or version > SCHEMA_VERSION:
        raise SnapshotError(
            f"Unknown snapshot version {version!r}; this engine reads 1..{SCHEMA_VERSION}."
        )
    while version < SCHEMA_VERSION:
        d = MIGRATIONS[version](d)
        version = d["version"]
    return d


def restore(d: dict[str, Any]) -> WorldState:
    """Rebuild a WorldState from a snapshot dict of any supported version."""
    d = migrate(d)
    _finite_tree(d)
    try:
        return WorldState(
            seed=int(d["seed"]),
            prompt=str(d.get("prompt", "")),
            character=str(d.get("character", "")),
            scene=Scene(**d["scene"]),
            player=Player(**d["player"]),
            camera=CameraRig(**d["camera"]),
            entities=[Entity(**copy.deepcopy(e)) for e in d["entities"]],
            next_id=int(d["next_id"]),
            tick=int(d["tick"]),
            rng=int(d["rng"]),
            events=copy.deepcopy(d.get("events", [])),
            version=SCHEMA_VERSION,
        )
    except (KeyError, TypeError) as exc:
        raise SnapshotError(f"The snapshot is missing or has a malformed field: {exc}") from exc
