"""What the interpreter understood, as plain data the engine can apply.

The interpreter produces these from prompts and commands; the engine turns them into
state edits. Names are drawn from `inference.vocabulary`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class EntityRef:
    """Points at an entity already in the world, or at the player ("me", "the camera")."""

    kind: str | None = None  # an ENTITY_KINDS name; None with is_player
    attributes: tuple[tuple[str, str], ...] = ()  # e.g. (("age", "child"), ("gender", "female"))
    label: str | None = None  # the noun as said, e.g. "girl"
    is_player: bool = False


@dataclass(frozen=True)
class EntityIntent:
    """An entity to create."""

    kind: str
    attributes: tuple[tuple[str, str], ...] = ()  # colour, size, mood, gender, age, hair
    label: str | None = None
    count: int = 1
    behaviour: str = "idle"
    target: EntityRef | None = None


@dataclass(frozen=True)
class SceneIntent:
    """What a world prompt, character description and style pick asked for."""

    biome: str
    time_of_day: str
    weather: str
    style: str
    lighting: str = "natural"
    era: str = "present"
    props: tuple[str, ...] = ()  # free nouns the renderer may use as scenery hints
    entities: tuple[EntityIntent, ...] = ()
    matched: tuple[tuple[str, str, float], ...] = ()  # (concept, phrase, similarity), for display


@dataclass(frozen=True)
class SetScene:
    """Weather, time of day, lighting or style change. Fields left None stay as they are."""

    weather: str | None = None
    time_of_day: str | None = None
    lighting: str | None = None
    style: str | None = None


@dataclass(frozen=True)
class Spawn:
    entity: EntityIntent


@dataclass(frozen=True)
class Behave:
    subject: EntityRef
    behaviour: str
    target: EntityRef | None = None


@dataclass(frozen=True)
class Camera:
    move: str
    subject: EntityRef | None = None


@dataclass(frozen=True)
class Remove:
    subject: EntityRef


@dataclass(frozen=True)
class Change:
    subject: EntityRef
    attributes: tuple[tuple[str, str], ...]


Action = SetScene | Spawn | Behave | Camera | Remove | Change


@dataclass(frozen=True)
class Understood:
    actions: tuple[Action, ...]
    confidence: float


@dataclass(frozen=True)
class NotUnderstood:
    reason: str
    suggestions: tuple[str, ...] = field(default=())  # nearest interpretations, readable


ParseResult = Understood | NotUnderstood
