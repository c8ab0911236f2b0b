"""Offline replay of a clip's timeline. No Django in here: the task, the benchmark and the
remix-at-t service hand it a model, a start state and a compiled timeline.

Replay follows the live loop exactly (worlds/live/worker.py `_tick`): at tick offset k
the commands due at k are applied (logged actions with `model.apply`, text with
`model.direct`), then the model steps with the input for k. Step k yields video frame k
and audio chunk k (1600 samples at 48 kHz), so frame k is shown at k/30 s and its chunk
starts at sample k * 1600: sound and picture share the tick clock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from worlds.clips.script import FPS, Timeline

KEYFRAME_TICKS = 10 * FPS

_locks: dict[int, threading.Lock] = {}
_locks_guard = threading.Lock()


def model_lock(model: Any) -> threading.Lock:
    """A lock per process-wide model: a model is not thread-safe, and in the embedded
    default the task thread and web requests (remix at t) share the process."""
    with _locks_guard:
        return _locks.setdefault(id(model), threading.Lock())


def apply_event(model: Any, state: Any, event: dict[str, Any]) -> tuple[Any, Any]:
    if event.get("actions"):
        return model.apply(state, event["actions"])
    return model.direct(state, event["text"])


def replay(
    model: Any,
    state: Any,
    timeline: Timeline,
    *,
    start: int = 0,
    stop: int | None = None,
    on_step: Callable[[int, Any], None] | None = None,
    keyframes: dict[str, Any] | None = None,
    snapshot_at: set[int] | None = None,
    render: bool = True,
    sound: bool = True,
) -> Any:
    """Replay ticks [start, stop) of the timeline from `state` (the state at `start`,
    before that tick's commands). Returns the state after the last step. `keyframes`
    collects snapshots every KEYFRAME_TICKS and at the ticks in `snapshot_at`. Without
    `render` the ticks are simulated exactly but not drawn (frames come back as None), and
    without `sound` not heard (chunks come back as None)."""
    stop = timeline.frames if stop is None else stop
    for k in range(start, stop):
        wanted = k % KEYFRAME_TICKS == 0 or (snapshot_at is not None and k in snapshot_at)
        if keyframes is not None and wanted:
            keyframes[str(k)] = model.snapshot(state)
        for event in timeline.commands.get(k, ()):
            state, _result = apply_event(model, state, event)
        out = model.step([state], [timeline.input_at(k)], render=render, sound=sound)[0]
        state = out[2]
        if on_step is not None:
            on_step(k, out)
    return state


def state_at(
    model: Any, start_state: Any, timeline: Timeline, tick: int, keyframes: dict[str, Any]
) -> Any:
    """The world after `tick` steps of the timeline, from the nearest keyframe."""
    tick = max(0, min(tick, timeline.frames))
    best = max((int(k) for k in keyframes if int(k) <= tick), default=None)
    if best is not None:
        state, start = model.restore(keyframes[str(best)]), best
    else:
        state, start = start_state, 0
    return replay(model, state, timeline, start=start, stop=tick, render=False)
