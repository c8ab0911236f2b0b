"""The direction script of a clip: a duration and a timeline of timed events.

    {
      "version": 1,
      "duration_s": 20,
      "events": [
        {"t": 0.0, "type": "command", "text": "a storm with lightning"},
        {"t": 2.0, "type": "camera", "text": "aerial view"},
        {"t": 3.5, "type": "input", "keys": ["w", "shift"], "look": [0.5, 0], "duration": 2.0},
        {"t": 6.0, "type": "input", "move": [0.3, 1.0], "look": [0, 0], "jump": false,
         "run": false, "duration": 0.5}
      ]
    }

- `t` is seconds from the start of the clip; the event applies at tick round(t * 30).
  Events are listed in time order, and each starts before the clip ends.
- "command": a director command, as typed in the player. A command recorded from a
  live session also carries `actions`, the engine's logged actions, which are re-applied
  exactly instead of re-reading the text.
- "camera": a camera move ("close-up on the cat", "aerial view", "orbit"); it is a
  director command too, kept apart so the editor can offer presets.
- "input": wandering, held for `duration` seconds: `keys` (w a s d, arrows, space,
  shift) or an exact `move` [x, y] with `jump` and `run`, and `look` [dx, dy] in
  degrees per tick. Input events do not overlap; between them the player stands still.

A clip is at most 180 seconds long. The live loop applies the commands due at tick T
and then steps with the input for tick T; `Timeline` gives a replay exactly that.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

FPS = 30
VERSION = 1
MAX_DURATION_S = 180.0
MIN_DURATION_S = 1.0 / FPS
MAX_EVENTS = 2000
MAX_TEXT = 500
EVENT_TYPES = ("command", "camera", "input")
INPUT_KEYS = (
    "w", "a", "s", "d", "arrowup", "arrowdown", "arrowleft", "arrowright",
    "up", "down", "left", "right", "space", "shift",
)  # fmt: skip
CAMERA_PRESETS = {
    "close-up": "close-up on the cat",
    "aerial": "aerial view",
    "orbit": "orbit around the player",
    "follow": "follow the player",
    "first-person": "first person view",
}


def tick_of(seconds: float) -> int:
    return int(round(seconds * FPS))


def _number(value: Any, where: str, errors: list[str]) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        errors.append(f"{where} must be a number.")
        return None
    return float(value)


def _pair(value: Any, where: str, errors: list[str]) -> list[float] | None:
    if value is None:
        return [0.0, 0.0]
    if not isinstance(value, list | tuple) or len(value) != 2:
        errors.append(f"{where} must be a pair of numbers [x, y].")
        return None
    out = [_number(v, where, errors) for v in value]
    return None if None in out else out  # type: ignore[return-value]


def _clean_event(index: int, raw: Any, duration: float, errors: list[str]) -> dict[str, Any] | None:
    where = f"Event {index + 1}"
    if not isinstance(raw, dict):
        errors.append(f"{where} must be an object with 't' and 'type'.")
        return None
    kind = raw.get("type")
    if kind not in EVENT_TYPES:
        errors.append(
            f"{where} has an unknown type {kind!r}; use one of: {', '.join(EVENT_TYPES)}."
        )
        return None
    t = _number(raw.get("t"), f"{where}'s time 't'", errors)
    if t is None:
        return None
    if t < 0:
        errors.append(f"{where} starts at {t:g} s; times start at 0.")
        return None
    if tick_of(t) >= tick_of(duration):
        errors.append(
            f"{where} starts at {t:g} s, at or after the end of the clip ({duration:g} s)."
        )
        return None
    event: dict[str, Any] = {"t": t, "type": kind}
    if kind in ("command", "camera"):
        text = raw.get("text")
        if not isinstance(text, str) or not text.strip():
            errors.append(f"{where} needs the text of the {kind}.")
            return None
        if len(text) > MAX_TEXT:
            errors.append(f"{where}'s text is {len(text)} characters; the limit is {MAX_TEXT}.")
            return None
        event["text"] = text.strip()
        actions = raw.get("actions")
        if actions is not None:
            if not isinstance(actions, list) or not all(isinstance(a, dict) for a in actions):
                errors.append(f"{where}'s actions must be a list of objects.")
                return None
            event["actions"] = actions
        return event
    # input
    length = _number(raw.get("duration", 1.0 / FPS), f"{where}'s duration", errors)
    if length is None:
        return None
    if tick_of(length) < 1:
        errors.append(f"{where} lasts {length:g} s; an input lasts at least one frame (1/30 s).")
        return None
    look = _pair(raw.get("look"), f"{where}'s look", errors)
    if look is None:
        return None
    event["duration"] = length
    event["look"] = look
    if "move" in raw:
        move = _pair(raw.get("move"), f"{where}'s move", errors)
        if move is None:
            return None
        event["move"] = move
        event["jump"] = bool(raw.get("jump", False))
        event["run"] = bool(raw.get("run", False))
    else:
        keys = raw.get("keys", [])
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            errors.append(f"{where}'s keys must be a list of key names.")
            return None
        unknown = [k for k in keys if k.strip().lower() not in INPUT_KEYS]
        if unknown:
            errors.append(
                f"{where} has unknown keys {', '.join(map(repr, unknown))}; "
                f"use: {', '.join(INPUT_KEYS)}."
            )
            return None
        event["keys"] = [k.strip().lower() for k in keys]
    return event


def _input_motion(event: dict[str, Any]) -> tuple[float, float, bool, bool]:
    """(x right, y forward, jump, run) of an input event, in either of its forms."""
    from inference.spec import PlayerInput

    if "move" in event:
        x, y = event["move"]
        return float(x), float(y), bool(event.get("jump")), bool(event.get("run"))
    held = PlayerInput.from_keys(event.get("keys", []))
    return held.move_x, held.move_y, held.jump, held.run


def describe_input(event: dict[str, Any]) -> str:
    """What an input event does, in words: "run forward and left, turn right"."""
    x, y, jump, run = _input_motion(event)
    look_x, look_y = event.get("look") or (0.0, 0.0)
    ways = [word for value, word in ((y, "forward"), (-y, "back"), (-x, "left"), (x, "right"))
            if value > 0.25]  # fmt: skip
    parts = [f"{'run' if run else 'walk'} {' and '.join(ways)}"] if ways else []
    if jump:
        parts.append("jump")
    if abs(look_x) >= 0.05:
        parts.append("turn right" if look_x > 0 else "turn left")
    if abs(look_y) >= 0.05:
        parts.append("look up" if look_y > 0 else "look down")
    return ", ".join(parts) or "stand still"


def validate_script(raw: Any) -> dict[str, Any]:
    """A clean copy of the script, or a ValidationError that lists every problem."""
    if not isinstance(raw, dict):
        raise ValidationError({"script": ["The script must be a JSON object."]})
    errors: list[str] = []
    version = raw.get("version", VERSION)
    if version != VERSION:
        errors.append(f"Unknown script version {version!r}; this server reads version {VERSION}.")
    duration = _number(raw.get("duration_s"), "The duration 'duration_s'", errors)
    if duration is not None:
        if duration > MAX_DURATION_S:
            errors.append(
                f"The clip is {duration:g} s long; "
                f"a clip is at most {MAX_DURATION_S:g} s (3 minutes)."
            )
        elif tick_of(duration) < 1:
            errors.append("The clip must last at least one frame (1/30 s).")
    events_raw = raw.get("events", [])
    if not isinstance(events_raw, list):
        errors.append("'events' must be a list.")
        events_raw = []
    if len(events_raw) > MAX_EVENTS:
        errors.append(f"The script has {len(events_raw)} events; the limit is {MAX_EVENTS}.")
        events_raw = []
    if errors or duration is None:
        raise ValidationError({"script": errors})
    events: list[dict[str, Any]] = []
    for index, item in enumerate(events_raw):
        event = _clean_event(index, item, duration, errors)
        if event is None:
            continue
        if events and event["t"] < events[-1]["t"]:
            errors.append(
                f"Events are out of order: event {index + 1} at {event['t']:g} s comes after "
                f"one at {events[-1]['t']:g} s. List events in time order."
            )
        events.append(event)
    last_input_end = -1
    for event in events:
        if event["type"] != "input":
            continue
        start = tick_of(event["t"])
        if start < last_input_end:
            errors.append(
                f"The input at {event['t']:g} s starts before the previous input ends; "
                "inputs must not overlap."
            )
        last_input_end = start + tick_of(event["duration"])
    if errors:
        raise ValidationError({"script": errors})
    return {"version": VERSION, "duration_s": duration, "events": events}


@dataclass
class Timeline:
    """A validated script compiled to ticks (relative to the start snapshot)."""

    frames: int
    commands: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    inputs: dict[int, Any] = field(default_factory=dict)

    def input_at(self, tick: int) -> Any:
        from inference.spec import PlayerInput

        return self.inputs.get(tick) or PlayerInput()


def compile_script(script: dict[str, Any]) -> Timeline:
    from inference.spec import PlayerInput

    script = validate_script(script)
    timeline = Timeline(frames=tick_of(script["duration_s"]))
    for event in script["events"]:
        start = tick_of(event["t"])
        if event["type"] in ("command", "camera"):
            timeline.commands.setdefault(start, []).append(event)
            continue
        look = (event["look"][0], event["look"][1])
        if "move" in event:
            player_input = PlayerInput(
                move_x=event["move"][0],
                move_y=event["move"][1],
                look_dx=look[0],
                look_dy=look[1],
                jump=event["jump"],
                run=event["run"],
            )
        else:
            player_input = PlayerInput.from_keys(event["keys"], look=look)
        for tick in range(start, min(start + tick_of(event["duration"]), timeline.frames)):
            timeline.inputs[tick] = player_input
    return timeline
