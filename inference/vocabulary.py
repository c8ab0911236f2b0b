"""The canonical concept vocabulary shared by the interpreter and the engine.

The interpreter maps free text onto these names (with synonyms, via MiniLM); the
engine must simulate, draw and sound every one of them. Add a name here only when
both sides support it.
"""

from __future__ import annotations

BIOMES: tuple[str, ...] = (
    "meadow",  # meadow or countryside, rolling green hills
    "forest",
    "desert",
    "snow_mountains",
    "coast",  # beach, coast and open ocean
    "city",  # daytime city streets
    "night_city",  # neon-lit streets at night
    "volcanic",
)

TIMES_OF_DAY: tuple[str, ...] = ("dawn", "noon", "sunset", "night")

WEATHERS: tuple[str, ...] = ("clear", "rain", "snow", "fog", "storm")

LIGHTINGS: tuple[str, ...] = ("natural", "bright", "dim", "golden", "moody", "neon")

STYLES: tuple[str, ...] = (
    "realistic",
    "painterly",  # Studio-Ghibli-like, soft and warm
    "film80s",  # warm 80s film stock, grain, halation
    "noir",  # black and white, high contrast
    "pixel",  # pixel art, reduced palette
    "watercolor",
    "cyberpunk",  # neon magenta and cyan grade
    "sepia",
)

ERAS: tuple[str, ...] = ("present", "1920s", "1950s", "1980s", "future", "medieval")

ENTITY_KINDS: tuple[str, ...] = (
    "person",
    "cat",
    "dog",
    "horse",
    "bird",
    "car",
    "cow",
    "sheep",
    "deer",
    "fox",
    "rabbit",
    "bear",
    "dragon",
    "robot",
    "butterfly",
    "balloon",
    "boat",
    "bicycle",
)

# Person roles the grammar recognises; each is a person with preset attributes.
PERSON_ROLES: dict[str, dict[str, str]] = {
    "girl": {"gender": "female", "age": "child"},
    "boy": {"gender": "male", "age": "child"},
    "woman": {"gender": "female", "age": "adult"},
    "man": {"gender": "male", "age": "adult"},
    "child": {"age": "child"},
    "old man": {"gender": "male", "age": "elder"},
    "old woman": {"gender": "female", "age": "elder"},
    "model": {"gender": "female", "age": "adult"},
}

BEHAVIOURS: tuple[str, ...] = (
    "idle",
    "wander",
    "go_to",
    "run_to",
    "follow",
    "flee",
    "circle",
    "sit",
    "jump",
    "fly",
    "dance",
    "sleep",
)

# Behaviours that need a target entity (or the player).
TARGETED_BEHAVIOURS: frozenset[str] = frozenset({"go_to", "run_to", "follow", "flee", "circle"})

CAMERA_MOVES: tuple[str, ...] = ("first_person", "close_up", "aerial", "orbit", "follow")

COLOURS: dict[str, tuple[int, int, int]] = {
    "red": (200, 40, 40),
    "orange": (235, 130, 40),
    "yellow": (240, 210, 60),
    "green": (60, 160, 70),
    "blue": (50, 90, 200),
    "purple": (130, 60, 170),
    "pink": (235, 130, 170),
    "white": (235, 235, 230),
    "black": (30, 30, 34),
    "brown": (120, 80, 45),
    "grey": (128, 128, 128),
    "golden": (215, 175, 70),
    "blonde": (232, 205, 130),
    "ginger": (205, 105, 40),
    "silver": (190, 195, 205),
    "teal": (40, 150, 150),
}

SIZES: dict[str, float] = {"tiny": 0.4, "small": 0.7, "normal": 1.0, "big": 1.5, "giant": 2.5}

MOODS: tuple[str, ...] = ("neutral", "cute", "happy", "angry", "scared", "sleepy", "stylish")
