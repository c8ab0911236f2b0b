"""Per-kind simulation and sound facts for every ENTITY_KINDS name."""

from __future__ import annotations

from dataclasses import dataclass

from inference.vocabulary import ENTITY_KINDS


@dataclass(frozen=True)
class KindInfo:
    walk: float  # m/s
    run: float  # m/s
    sound: str  # the synth voice for its calls
    call_every_s: float  # mean seconds between spontaneous calls (0: never)
    airborne: bool = False
    fly_height: float = 5.0


KINDS: dict[str, KindInfo] = {
    "person": KindInfo(1.4, 4.5, "voice", 0.0),
    "cat": KindInfo(1.2, 5.0, "meow", 25.0),
    "dog": KindInfo(1.6, 6.5, "bark", 12.0),
    "horse": KindInfo(2.0, 9.0, "neigh", 30.0),
    "bird": KindInfo(3.0, 7.0, "chirp", 6.0, True, 6.0),
    "car": KindInfo(6.0, 14.0, "horn", 20.0),
    "cow": KindInfo(1.0, 3.0, "moo", 20.0),
    "sheep": KindInfo(1.0, 3.5, "baa", 15.0),
    "deer": KindInfo(1.8, 9.0, "bleat", 40.0),
    "fox": KindInfo(1.6, 7.0, "yip", 30.0),
    "rabbit": KindInfo(1.2, 6.0, "squeak", 0.0),
    "bear": KindInfo(1.3, 8.0, "growl", 25.0),
    "dragon": KindInfo(4.0, 12.0, "roar", 20.0, True, 14.0),
    "robot": KindInfo(1.2, 3.0, "beep", 12.0),
    "butterfly": KindInfo(1.0, 2.5, "flutter", 0.0, True, 1.5),
    "balloon": KindInfo(1.0, 2.0, "burner", 15.0, True, 25.0),
    "boat": KindInfo(2.0, 5.0, "foghorn", 30.0),
    "bicycle": KindInfo(4.0, 8.0, "bell", 15.0),
}
assert set(KINDS) == set(ENTITY_KINDS)

# seconds each synthesised sound lasts
SOUND_SECONDS: dict[str, float] = {
    "voice": 0.5,
    "meow": 0.7,
    "bark": 0.35,
    "neigh": 1.1,
    "chirp": 0.25,
    "horn": 0.6,
    "moo": 1.2,
    "baa": 0.8,
    "bleat": 0.6,
    "yip": 0.3,
    "squeak": 0.2,
    "growl": 1.0,
    "roar": 1.6,
    "beep": 0.4,
    "flutter": 0.3,
    "burner": 1.2,
    "foghorn": 1.6,
    "bell": 0.6,
    "footstep": 0.14,
    "thunder": 4.0,
    "jump": 0.2,
    "land": 0.15,
}
