"""Intent actions <-> JSON-serialisable dicts, for logging and exact replay."""

from __future__ import annotations

from typing import Any

from inference.intents import (
    Action,
    Behave,
    Camera,
    Change,
    EntityIntent,
    EntityRef,
    Remove,
    SetScene,
    Spawn,
)


class ActionFormatError(ValueError):
    """Logged actions that are not in the expected JSON shape."""


def _pairs(p: Any) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), str(v)) for k, v in (p or ()))


def ref_to_json(r: EntityRef | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {
        "kind": r.kind,
        "attributes": [list(a) for a in r.attributes],
        "label": r.label,
        "is_player": r.is_player,
    }


def ref_from_json(d: dict[str, Any] | None) -> EntityRef | None:
    if d is None:
        return None
    return EntityRef(
        kind=d.get("kind"),
        attributes=_pairs(d.get("attributes")),
        label=d.get("label"),
        is_player=bool(d.get("is_player", False)),
    )


def to_json(a: Action) -> dict[str, Any]:
    if isinstance(a, SetScene):
        return {
            "type": "set_scene",
            "weather": a.weather,
            "time_of_day": a.time_of_day,
            "lighting": a.lighting,
            "style": a.style,
        }
    if isinstance(a, Spawn):
        e = a.entity
        return {
            "type": "spawn",
            "kind": e.kind,
            "attributes": [list(x) for x in e.attributes],
            "label": e.label,
            "count": e.count,
            "behaviour": e.behaviour,
            "target": ref_to_json(e.target),
        }
    if isinstance(a, Behave):
        return {
            "type": "behave",
            "subject": ref_to_json(a.subject),
            "behaviour": a.behaviour,
            "target": ref_to_json(a.target),
        }
    if isinstance(a, Camera):
        return {"type": "camera", "move": a.move, "subject": ref_to_json(a.subject)}
    if isinstance(a, Remove):
        return {"type": "remove", "subject": ref_to_json(a.subject)}
    if isinstance(a, Change):
        return {
            "type": "change",
            "subject": ref_to_json(a.subject),
            "attributes": [list(x) for x in a.attributes],
        }
    raise ActionFormatError(f"not an action: {a!r}")


def from_json(d: dict[str, Any]) -> Action:
    try:
        t = d["type"]
        if t == "set_scene":
            return SetScene(
                d.get("weather"), d.get("time_of_day"), d.get("lighting"), d.get("style")
            )
        if t == "spawn":
            return Spawn(
                EntityIntent(
                    kind=str(d["kind"]),
                    attributes=_pairs(d.get("attributes")),
                    label=d.get("label"),
                    count=int(d.get("count", 1)),
                    behaviour=str(d.get("behaviour", "idle")),
                    target=ref_from_json(d.get("target")),
                )
            )
        if t == "behave":
            return Behave(
                ref_from_json(d["subject"]), str(d["behaviour"]), ref_from_json(d.get("target"))
            )
        if t == "camera":
            return Camera(str(d["move"]), ref_from_json(d.get("subject")))
        if t == "remove":
            return Remove(ref_from_json(d["subject"]))
        if t == "change":
            return Change(ref_from_json(d["subject"]), _pairs(d.get("attributes")))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ActionFormatError(f"malformed action {d!r}: {exc}") from exc
    raise ActionFormatError(f"unknown action type {d.get('type')!r}")
