"""Exact replay of a live session, for moderators.

A session logs what it needs to be replayed bit for bit: its start snapshot, every input
that changed (PlaySession.input_log, tick by tick) and every command with the actions it
turned into (Command.result["actions"]). Replaying restores the start snapshot and, for
each tick T, applies the commands logged at T with `model.apply(actions)` (no text
parsing, so a newer interpreter cannot change the past) and then steps with the input of
tick T, exactly as the worker's `_tick` did. The frame of the step from T carries tick
T + 1, as the live video header does.

Frames are the raw uint8 tensors; `frame_jpeg` encodes one the way the worker does, so a
replayed JPEG equals the streamed one byte for byte at the same quality, where the stream
sends frames at the output size (scale 1). A CPU worker at 480p sends the internal image
(scale 2): the replayed frame is then that image enlarged by pixel repetition.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from worlds.live import input_log

KEYFRAME_TICKS = 60
_cursors: OrderedDict[tuple[str, str], ReplayCursor] = OrderedDict()
_cursors_lock = threading.Lock()
_model_lock = threading.Lock()
MAX_CURSORS = 8


def replay_model(resolution: str | None = None) -> Any:
    """A model of its own for replays (models are not thread-safe), with the live
    session's device and resolution so frames match."""
    from worlds.engine import world_model

    return world_model(resolution or settings.INFERENCE_RESOLUTION, purpose="replay")


def start_state(session: Any, model: Any) -> Any:
    if session.start_snapshot_id is not None and session.start_snapshot is not None:
        return model.restore(session.start_snapshot.state)
    from worlds.engine import world_spec

    return model.create(world_spec(session.world))


def session_end_tick(session: Any) -> int:
    """The last tick the session reached that the log covers: its latest autosave (saved
    on disconnect), or past its last input change or command."""
    end = 0
    last = session.last_snapshot
    if last is not None and last.is_autosave and last.session_id == session.pk:
        end = int(last.tick)
    entries = input_log.decode(session.input_log)
    if entries:
        end = max(end, int(entries[-1][0]) + 1)
    last_command = session.commands.order_by("-tick").values_list("tick", flat=True).first()
    if last_command is not None:
        end = max(end, int(last_command) + 1)
    return end


def commands_by_tick(session: Any) -> dict[int, list[list[dict[str, Any]]]]:
    """The actions of every applied command, grouped by the tick they were applied at."""
    grouped: dict[int, list[list[dict[str, Any]]]] = {}
    for tick, result in session.commands.order_by("tick", "id").values_list("tick", "result"):
        if (result or {}).get("status") == "applied" and result.get("actions"):
            grouped.setdefault(int(tick), []).append(result["actions"])
    return grouped


def session_replay(
    session: Any,
    *,
    resolution: str | None = None,
    every: int = 1,
    end_tick: int | None = None,
    model: Any = None,
) -> Iterator[tuple[int, Any, Any]]:
    """Yield (tick, frame, audio) for every `every`-th tick of the session, from its
    start snapshot to `end_tick` (default: where the log ends)."""
    if every < 1:
        raise ValueError("every must be at least 1.")
    model = model or replay_model(resolution)
    state = start_state(session, model)
    end = session_end_tick(session) if end_tick is None else end_tick
    entries = input_log.decode(session.input_log)
    commands = commands_by_tick(session)
    start = int(state.tick)
    for player_input in input_log.inputs_by_tick(entries, start, max(start, end)):
        for actions in commands.get(int(state.tick), ()):
            state, _result = model.apply(state, actions)
        frame, audio, state = model.step([state], [player_input])[0]
        tick = int(state.tick)
        if tick % every == 0:
            yield tick, frame, audio


def frame_jpeg(frame: Any, quality: int | None = None) -> bytes:
    import simplejpeg

    quality = settings.INFERENCE_JPEG_QUALITY if quality is None else quality
    return simplejpeg.encode_jpeg(frame.numpy(), quality=quality, colorspace="RGB")


# Random access for the moderator page -----------------------------------------------------


@dataclass
class ReplayCursor:
    """Steps a session's replay forward on demand, keeping keyframes (snapshots every
    KEYFRAME_TICKS ticks) so seeking back restores the nearest one instead of starting
    over. Snapshot/restore is exact, so a frame reached either way is the same."""

    session_id: str
    model: Any
    entries: list[list[float]]
    commands: dict[int, list[list[dict[str, Any]]]]
    start_tick: int
    end_tick: int
    state: Any = None
    frame: Any = None
    keyframes: dict[int, dict[str, Any]] = field(default_factory=dict)

    def frame_at(self, tick: int) -> Any:
        """The frame whose header tick is `tick` (start_tick < tick ≤ end_tick)."""
        if not self.start_tick < tick <= self.end_tick:
            raise ValueError(
                f"Tick {tick} is outside this replay ({self.start_tick + 1} to {self.end_tick})."
            )
        with _model_lock:  # one replay model per process, not thread-safe
            current = int(self.state.tick)
            base = max(k for k in self.keyframes if k < tick)  # the start is always one
            if current > tick or (current == tick and self.frame is None) or base > current:
                self.state = self.model.restore(self.keyframes[base])
                self.frame = None
            while int(self.state.tick) < tick:
                current = int(self.state.tick)
                if current % KEYFRAME_TICKS == 0 and current not in self.keyframes:
                    self.keyframes[current] = self.model.snapshot(self.state)
                for actions in self.commands.get(current, ()):
                    self.state, _ = self.model.apply(self.state, actions)
                player_input = next(input_log.inputs_by_tick(self.entries, current, current + 1))
                self.frame, _audio, self.state = self.model.step([self.state], [player_input])[0]
            return self.frame


def replay_cursor(session: Any) -> ReplayCursor:
    """The process's cursor for `session` (a few are kept, least recently used go)."""
    key = (str(session.pk), session.last_seen_at.isoformat() if session.last_seen_at else "")
    with _cursors_lock:
        cursor = _cursors.get(key)
        if cursor is not None:
            _cursors.move_to_end(key)
            return cursor
    model = replay_model()
    with _model_lock:
        state = start_state(session, model)
    start = int(state.tick)
    cursor = ReplayCursor(
        session_id=str(session.pk),
        model=model,
        entries=input_log.decode(session.input_log),
        commands=commands_by_tick(session),
        start_tick=start,
        end_tick=session_end_tick(session),
        state=state,
        keyframes={start: model.snapshot(state)},
    )
    with _cursors_lock:
        _cursors[key] = cursor
        while len(_cursors) > MAX_CURSORS:
            _cursors.popitem(last=False)
    return cursor
