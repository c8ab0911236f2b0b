"""Turn understood actions into state edits, and say what changed."""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Any

from inference.intents import Behave, Camera, Change, EntityRef, Remove, SetScene, Spawn
from inference.setup import MAX_ENTITIES, place_entity
from inference.state import PLAYER_ID, Entity, WorldState
from inference.vocabulary import (
    BEHAVIOURS,
    CAMERA_MOVES,
    COLOURS,
    ENTITY_KINDS,
    LIGHTINGS,
    SIZES,
    STYLES,
    TARGETED_BEHAVIOURS,
    TIMES_OF_DAY,
    WEATHERS,
)
from inference.worldgen import TileCache


@dataclass
class CommandResult:
    status: str  # "applied" | "not_understood" | "rejected"
    message: str
    changes: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "message": self.message,
            "changes": list(self.changes),
            "suggestions": list(self.suggestions),
            "actions": copy.deepcopy(self.actions),
        }


class Rejected(Exception):
    """An action that cannot be applied; the message is for a person."""


def describe(ref: EntityRef | None) -> str:
    if ref is None or ref.is_player:
        return "you"
    words = [v for k, v in ref.attributes if k in ("colour", "size", "mood", "hair")]
    return "the " + " ".join([*words, ref.label or ref.kind or "thing"])


def entity_name(e: Entity) -> str:
    words = [e.attrs[k] for k in ("size", "colour", "mood") if k in e.attrs]
    return " ".join([*words, e.label or e.kind])


def _matches(e: Entity, ref: EntityRef) -> bool:
    if ref.kind is not None and e.kind != ref.kind:
        return False
    for k, v in ref.attributes:
        if k in e.attrs and e.attrs[k] != v:
            return False
        if k not in e.attrs and k in ("colour", "hair"):
            return False
    return True


def resolve(state: WorldState, ref: EntityRef) -> int:
    """Entity id (or PLAYER_ID) the ref points at; the nearest match to the player."""
    if ref.is_player:
        return PLAYER_ID
    cands = [e for e in state.entities if _matches(e, ref)]
    if ref.label:
        labelled = [e for e in cands if e.label == ref.label]
        cands = labelled or cands
    if not cands:
        raise Rejected(f"There is no {describe(ref)[4:]} in the world to point at.")
    p = state.player
    return min(cands, key=lambda e: (math.hypot(e.x - p.x, e.z - p.z), e.id)).id


def _check(name: str | None, allowed: tuple[str, ...] | dict, what: str) -> None:
    if name is not None and name not in allowed:
        raise Rejected(f"Unknown {what} {name!r}.")


def _set_scene(state: WorldState, a: SetScene, changes: list[str]) -> None:
    _check(a.weather, WEATHERS, "weather")
    _check(a.time_of_day, TIMES_OF_DAY, "time of day")
    _check(a.lighting, LIGHTINGS, "lighting")
    _check(a.style, STYLES, "style")
    sc = state.scene
    for attr, label in (
        ("weather", "weather"),
        ("time_of_day", "time of day"),
        ("lighting", "lighting"),
        ("style", "style"),
    ):
        new = getattr(a, attr)
        if new is not None:
            old = getattr(sc, attr)
            setattr(sc, attr, new)
            changes.append(f"{label}: {old} → {new}" if old != new else f"{label} stays {new}")


def _spawn(state: WorldState, a: Spawn, cache: TileCache, changes: list[str]) -> None:
    ei = a.entity
    _check(ei.kind, ENTITY_KINDS, "entity kind")
    _check(ei.behaviour, BEHAVIOURS, "behaviour")
    for k, v in ei.attributes:
        if k == "colour" and v not in COLOURS:
            raise Rejected(f"Unknown colour {v!r}.")
        if k == "size" and v not in SIZES:
            raise Rejected(f"Unknown size {v!r}.")
    room = MAX_ENTITIES - len(state.entities)
    count = max(1, int(ei.count))
    if count > room:
        raise Rejected(
            f"Too many entities: the world holds at most {MAX_ENTITIES} "
            f"and has {len(state.entities)}; cannot add {count} more."
        )
    target = None
    if ei.target is not None:
        target = resolve(state, ei.target)
    elif ei.behaviour in TARGETED_BEHAVIOURS:
        target = PLAYER_ID
    away = None
    if target is not None and target != PLAYER_ID:
        t = state.entity(target)
        away = (t.x, t.z) if t is not None else None
    for i in range(count):
        e = place_entity(state, cache, ei, i, away_from=away)
        e.target = target
        state.entities.append(e)
        what = f"a {entity_name(e)} appeared (#{e.id})"
        if e.behaviour != "idle":
            tgt = ""
            if target is not None:
                tgt = " you" if target == PLAYER_ID else f" the {entity_name(state.entity(target))}"
            what += f" and will {e.behaviour.replace('_', ' ')}{tgt}"
        changes.append(what)


def _behave(state: WorldState, a: Behave, changes: list[str]) -> None:
    _check(a.behaviour, BEHAVIOURS, "behaviour")
    sid = resolve(state, a.subject)
    if sid == PLAYER_ID:
        raise Rejected("You steer yourself with the keys; behaviours apply to things in the world.")
    e = state.entity(sid)
    assert e is not None
    target = None
    if a.target is not None:
        target = resolve(state, a.target)
        if target == sid:
            raise Rejected(f"The {entity_name(e)} cannot {a.behaviour.replace('_', ' ')} itself.")
    elif a.behaviour in TARGETED_BEHAVIOURS:
        target = PLAYER_ID
    e.behaviour, e.target, e.arrived = a.behaviour, target, False
    e.home_x, e.home_z = e.x, e.z
    changes.append(
        f"the {entity_name(e)} now {a.behaviour.replace('_', ' ')}s"
        + (
            ""
            if target is None
            else " "
            + ("you" if target == PLAYER_ID else f"the {entity_name(state.entity(target))}")
        )
    )


def _camera(state: WorldState, a: Camera, changes: list[str]) -> None:
    _check(a.move, CAMERA_MOVES, "camera move")
    sid = resolve(state, a.subject) if a.subject is not None else PLAYER_ID
    old = state.camera.mode
    state.camera.mode, state.camera.subject, state.camera.since_tick = a.move, sid, state.tick
    who = "you" if sid == PLAYER_ID else f"the {entity_name(state.entity(sid))}"
    changes.append(f"camera: {old} → {a.move.replace('_', ' ')} on {who}")


def _remove(state: WorldState, a: Remove, changes: list[str]) -> None:
    sid = resolve(state, a.subject)
    if sid == PLAYER_ID:
        raise Rejected("You cannot remove yourself from the world.")
    e = state.entity(sid)
    assert e is not None
    state.entities = [x for x in state.entities if x.id != sid]
    for x in state.entities:
        if x.target == sid:
            x.behaviour, x.target = "idle", None
    if state.camera.subject == sid:
        state.camera.subject, state.camera.mode = PLAYER_ID, "first_person"
    changes.append(f"the {entity_name(e)} (#{sid}) is gone")


def _change(state: WorldState, a: Change, changes: list[str]) -> None:
    sid = resolve(state, a.subject)
    e = state.entity(sid)
    if e is None:
        raise Rejected("Only things in the world can be changed.")
    for k, v in a.attributes:
        if k == "colour" and v not in COLOURS:
            raise Rejected(f"Unknown colour {v!r}.")
        if k == "size":
            if v not in SIZES:
                raise Rejected(f"Unknown size {v!r}.")
            e.size = SIZES[v] * (0.72 if e.attrs.get("age") == "child" else 1.0)
        old = e.attrs.get(k)
        e.attrs[k] = v
        changes.append(f"the {e.label}'s {k}: {old or 'default'} → {v}")


def apply_actions(
    state: WorldState, actions: list, cache: TileCache
) -> tuple[WorldState, list[str]]:
    """Apply all actions to a copy; raise Rejected (state untouched) if any fails."""
    new = copy.deepcopy(state)
    changes: list[str] = []
    for a in actions:
        if isinstance(a, SetScene):
            _set_scene(new, a, changes)
        elif isinstance(a, Spawn):
            _spawn(new, a, cache, changes)
        elif isinstance(a, Behave):
            _behave(new, a, changes)
        elif isinstance(a, Camera):
            _camera(new, a, changes)
        elif isinstance(a, Remove):
            _remove(new, a, changes)
        elif isinstance(a, Change):
            _change(new, a, changes)
        else:
            raise Rejected(f"Unsupported action {type(a).__name__}.")
    return new, changes
