"""What a caller hands the engine: a world spec, per-tick player input, and errors."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from inference.vocabulary import STYLES

MAX_PROMPT_CHARS = 2000
MAX_COMMAND_CHARS = 500
MAX_IMAGE_BYTES = 20 * 1024 * 1024


class SpecError(ValueError):
    """A world spec the engine cannot build from; the message is for a person."""


class SnapshotError(ValueError):
    """A snapshot that cannot be restored; the message is for a person."""


@dataclass(frozen=True)
class WorldSpec:
    prompt: str
    character: str = ""
    style: str = "auto"  # "auto" or a STYLES name
    seed: int = 0
    image: bytes | None = None
    music: bool = False  # generative music bed per style

    def validate(self) -> None:
        if not isinstance(self.prompt, str) or not self.prompt.strip():
            raise SpecError("The world prompt is empty: describe a scene, e.g. 'a misty forest'.")
        if len(self.prompt) > MAX_PROMPT_CHARS:
            raise SpecError(
                f"The world prompt is {len(self.prompt)} characters long; "
                f"the limit is {MAX_PROMPT_CHARS}."
            )
        if not isinstance(self.character, str) or len(self.character) > MAX_PROMPT_CHARS:
            raise SpecError(
                f"The character description must be text of at most {MAX_PROMPT_CHARS} characters."
            )
        if self.style != "auto" and self.style not in STYLES:
            raise SpecError(
                f"Unknown style {self.style!r}; valid styles are: auto, " + ", ".join(STYLES) + "."
            )
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise SpecError("The seed must be an integer.")
        if self.image is not None:
            if not isinstance(self.image, bytes | bytearray):
                raise SpecError("The image must be bytes (a PNG or JPEG file).")
            if len(self.image) > MAX_IMAGE_BYTES:
                raise SpecError("The image is larger than 20 MB.")


def _finite(v: object, lo: float, hi: float) -> float:
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    if not math.isfinite(f):
        return 0.0
    return min(hi, max(lo, f))


_KEYS_X = {"a": -1.0, "arrowleft": -1.0, "left": -1.0, "d": 1.0, "arrowright": 1.0, "right": 1.0}
_KEYS_Y = {"w": 1.0, "arrowup": 1.0, "up": 1.0, "s": -1.0, "arrowdown": -1.0, "down": -1.0}


@dataclass(frozen=True)
class PlayerInput:
    """One tick of player control. Values are sanitised: NaN/inf become 0, ranges clamp."""

    move_x: float = 0.0  # strafe, -1 left .. 1 right
    move_y: float = 0.0  # -1 back .. 1 forward
    look_dx: float = 0.0  # degrees of yaw this tick
    look_dy: float = 0.0  # degrees of pitch this tick (positive looks up)
    jump: bool = False
    run: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "move_x", _finite(self.move_x, -1.0, 1.0))
        object.__setattr__(self, "move_y", _finite(self.move_y, -1.0, 1.0))
        object.__setattr__(self, "look_dx", _finite(self.look_dx, -180.0, 180.0))
        object.__setattr__(self, "look_dy", _finite(self.look_dy, -90.0, 90.0))
        object.__setattr__(self, "jump", bool(self.jump))
        object.__setattr__(self, "run", bool(self.run))

    @classmethod
    def from_keys(
        cls,
        keys: Iterable[str],
        look: tuple[float, float] = (0.0, 0.0),
        axes: tuple[float, float] = (0.0, 0.0),
    ) -> PlayerInput:
        """Keys like "w", "ArrowUp", "Space", "Shift"; gamepad axes (x right, y forward)."""
        names = {str(k).strip().lower() for k in keys}
        mx = sum(_KEYS_X.get(k, 0.0) for k in names) + _finite(axes[0], -1, 1)
        my = sum(_KEYS_Y.get(k, 0.0) for k in names) + _finite(axes[1], -1, 1)
        return cls(
            move_x=mx,
            move_y=my,
            look_dx=look[0],
            look_dy=look[1],
            jump=bool(names & {"space", " ", "spacebar"}),
            run=bool(names & {"shift", "shiftleft", "shiftright"}),
        )

    def to_dict(self) -> dict[str, float | bool]:
        return {
            "move_x": self.move_x,
            "move_y": self.move_y,
            "look_dx": self.look_dx,
            "look_dy": self.look_dy,
            "jump": self.jump,
            "run": self.run,
        }
