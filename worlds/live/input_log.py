"""A compact, exact log of the inputs a session applied, tick by tick.

Only ticks whose input differs from the previous tick's are stored, as
[tick, move_x, move_y, look_dx, look_dy, flags] with flags bit 0 = jump, bit 1 = run.
Floats keep full precision (JSON round-trips a float64 exactly), so replaying the log
from the start snapshot reproduces the session bit for bit. Stored zlib-compressed.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator

from inference.spec import PlayerInput

Entry = list[float]  # [tick, move_x, move_y, look_dx, look_dy, flags]
IDLE = PlayerInput()


def entry_for(tick: int, player_input: PlayerInput) -> Entry:
    flags = (1 if player_input.jump else 0) | (2 if player_input.run else 0)
    return [
        tick,
        player_input.move_x,
        player_input.move_y,
        player_input.look_dx,
        player_input.look_dy,
        flags,
    ]


def input_of(entry: Entry) -> PlayerInput:
    _, move_x, move_y, look_dx, look_dy, flags = entry
    flags = int(flags)
    return PlayerInput(
        move_x=move_x,
        move_y=move_y,
        look_dx=look_dx,
        look_dy=look_dy,
        jump=bool(flags & 1),
        run=bool(flags & 2),
    )


class InputRecorder:
    """Appends an entry whenever the applied input changes."""

    def __init__(self, previous: PlayerInput = IDLE) -> None:
        self.previous = previous
        self.entries: list[Entry] = []

    def record(self, tick: int, player_input: PlayerInput) -> None:
        if player_input != self.previous:
            self.entries.append(entry_for(tick, player_input))
            self.previous = player_input

    def take(self) -> list[Entry]:
        entries, self.entries = self.entries, []
        return entries


def encode(entries: Iterable[Entry]) -> bytes:
    return zlib.compress(json.dumps(list(entries), separators=(",", ":")).encode(), 6)


def decode(blob: bytes | memoryview | None) -> list[Entry]:
    if not blob:
        return []
    return json.loads(zlib.decompress(bytes(blob)))


def merge(existing: list[Entry], new: list[Entry], *, from_tick: int) -> list[Entry]:
    """Keep `existing` before `from_tick`, then `new`: a resumed session overwrites the
    ticks it re-simulates."""
    return [entry for entry in existing if entry[0] < from_tick] + list(new)


def inputs_by_tick(entries: list[Entry], start_tick: int, end_tick: int) -> Iterator[PlayerInput]:
    """The input applied at each tick in [start_tick, end_tick)."""
    current = IDLE
    index = 0
    while index < len(entries) and entries[index][0] <= start_tick:
        current = input_of(entries[index])
        index += 1
    for tick in range(start_tick, end_tick):
        while index < len(entries) and entries[index][0] <= tick:
            current = input_of(entries[index])
            index += 1
        yield current
