"""Readable example commands, offered as suggestions when a command is not understood."""

from __future__ import annotations

from inference import vocabulary as v

SCENE_EXAMPLES: tuple[str, ...] = (
    "make it rain",
    "let it snow",
    "make it foggy",
    "start a storm",
    "clear skies",
    "make it dawn",
    "make it noon",
    "make it sunset",
    "make it night",
    "golden hour",
    "brighter",
    "darker",
    "make it look like an 80s film",
    "noir style",
    "pixel art",
    "painterly style",
    "watercolor style",
    "cyberpunk style",
    "sepia style",
    "realistic style",
)
DIRECTING_EXAMPLES: tuple[str, ...] = (
    "a cute cat runs to the girl",
    "the dog follows me",
    "the cat runs away from the dog",
    "three birds circle me",
    "come to me",
    "the horse jumps",
    "the girl dances",
    "the cat sleeps",
    "the dog sits",
    "the bird flies",
    "the dog wanders",
    "make the cat black",
    "the dog gets bigger",
    "remove the car",
    "close-up on the cat",
    "aerial view",
    "orbit around the horse",
    "follow the dog",
    "back to first person",
)


def example_commands() -> tuple[str, ...]:
    spawns = tuple(f"add a {kind}" for kind in v.ENTITY_KINDS if kind != "person") + tuple(
        f"add a {role}" for role in v.PERSON_ROLES
    )
    return SCENE_EXAMPLES + spawns + DIRECTING_EXAMPLES
