"""The space of director actions the grammar can express, counted and sampled.

Counted from the lexicon tables, so it grows or shrinks with them. The sampler writes
commands from the same space together with the intent each one should parse to; the
tests parse a seeded sample of them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

from inference import vocabulary as v
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
from inference.interpreter.function_words import NUMBER_WORDS
from inference.interpreter.lexicon import ENTITY_NOUNS, ROLE_PLURALS

# How each behaviour is said, for one subject and for several; "{target}" marks the target.
BEHAVIOUR_PHRASES: dict[str, tuple[str, str]] = {
    "idle": ("", ""),
    "sit": ("sits", "sit"),
    "jump": ("jumps", "jump"),
    "fly": ("flies", "fly"),
    "dance": ("dances", "dance"),
    "sleep": ("sleeps", "sleep"),
    "wander": ("wanders", "wander"),
    "go_to": ("goes to {target}", "go to {target}"),
    "run_to": ("runs to {target}", "run to {target}"),
    "follow": ("follows {target}", "follow {target}"),
    "flee": ("runs away from {target}", "run away from {target}"),
    "circle": ("circles {target}", "circle {target}"),
}
CAMERA_WITH_SUBJECT: dict[str, str] = {
    "close_up": "close-up on the {subject}",
    "orbit": "orbit around the {subject}",
    "follow": "follow the {subject}",
}
CAMERA_WITHOUT_SUBJECT: dict[str, str] = {"aerial": "aerial view", "first_person": "first person"}
SCENE_COMMANDS: dict[str, str] = {
    **{f"weather:{weather}": f"make it {weather}" for weather in ("rain", "snow", "fog")},
    "weather:storm": "start a storm",
    "weather:clear": "clear skies",
    **{f"time_of_day:{time}": f"make it {time}" for time in v.TIMES_OF_DAY},
    **{f"style:{style}": f"{style} style" for style in v.STYLES if style != "film80s"},
    "style:film80s": "make it look like an 80s film",
    "lighting:bright": "brighter",
    "lighting:dim": "darker",
    "lighting:golden": "make it golden",
    "lighting:moody": "make it moody",
    "lighting:neon": "neon lighting",
    "lighting:natural": "natural lighting",
}
COUNT_WORDS: dict[int, str] = {
    count: word for word, count in NUMBER_WORDS.items() if " " not in word and count <= 5
}


@dataclass(frozen=True)
class Noun:
    """A noun the grammar knows, with the entity it names."""

    singular: str
    plural: str
    kind: str
    preset: tuple[tuple[str, str], ...]  # a person role's gender and age

    def ref(self) -> EntityRef:
        return EntityRef(kind=self.kind, attributes=self.preset, label=self.singular)


@cache
def nouns() -> tuple[Noun, ...]:
    found = [
        Noun(forms[0], forms[1] if len(forms) > 1 else forms[0], kind, ())
        for kind, forms in ENTITY_NOUNS.items()
    ]
    role_plurals = {role: plural for plural, role in ROLE_PLURALS.items() if plural != "kids"}
    found += [
        Noun(role, role_plurals.get(role, role + "s"), "person", tuple(sorted(preset.items())))
        for role, preset in v.PERSON_ROLES.items()
    ]
    return tuple(found)


def attribute_choices() -> dict[str, tuple[str | None, ...]]:
    """Each describable attribute and its values; None means not said."""
    return {
        "mood": (None, *v.MOODS),
        "size": (None, *v.SIZES),
        "colour": (None, *v.COLOURS),
    }


def _attribute_combinations() -> int:
    total = 1
    for values in attribute_choices().values():
        total *= len(values)
    return total


def count_director_actions() -> int:
    """Distinct actions: spawns (noun x attributes x behaviour and target), behaviours of
    existing entities, changes, removals, camera moves and scene changes."""
    subjects = len(nouns())
    targets = subjects + 1  # every noun, and the player
    untargeted = sum(1 for b in v.BEHAVIOURS if b not in v.TARGETED_BEHAVIOURS)
    targeted = len(v.TARGETED_BEHAVIOURS)
    behaviour_choices = untargeted + targeted * targets
    spawns = subjects * _attribute_combinations() * behaviour_choices
    behaves = subjects * (behaviour_choices - 1)  # an existing entity is never told "idle"
    changes = subjects * sum(len(values) - 1 for values in attribute_choices().values())
    removals = subjects
    camera = len(CAMERA_WITH_SUBJECT) * subjects + len(CAMERA_WITHOUT_SUBJECT)
    scene = len(v.WEATHERS) + len(v.TIMES_OF_DAY) + len(v.LIGHTINGS) + len(v.STYLES)
    return spawns + behaves + changes + removals + camera + scene


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def _target(rng: random.Random) -> tuple[str, EntityRef]:
    if rng.random() < 0.15:
        return "me", EntityRef(is_player=True)
    noun = rng.choice(nouns())
    return f"the {noun.singular}", noun.ref()


def _attributes_for(rng: random.Random, noun: Noun) -> tuple[list[str], dict[str, str]]:
    said: list[str] = []
    attributes = dict(noun.preset)
    for name, values in attribute_choices().items():
        value = rng.choice(values)
        if value is not None:
            said.append(value)
            key = "hair" if name == "colour" and noun.kind == "person" else name
            attributes[key] = value
    return said, attributes


def _sample_spawn(rng: random.Random) -> tuple[str, Action]:
    noun = rng.choice(nouns())
    said, attributes = _attributes_for(rng, noun)
    count = rng.choice((1, 1, 1, 2, 3, 4, 5))
    behaviour = rng.choice(v.BEHAVIOURS)
    noun_word = noun.singular if count == 1 else noun.plural
    words = [*said, noun_word]
    lead = _article(words[0]) if count == 1 else COUNT_WORDS[count]
    phrase = BEHAVIOUR_PHRASES[behaviour][0 if count == 1 else 1]
    target_text, target = _target(rng) if behaviour in v.TARGETED_BEHAVIOURS else ("", None)
    text = " ".join(part for part in (lead, *words, phrase.format(target=target_text)) if part)
    intent = EntityIntent(
        kind=noun.kind,
        attributes=tuple(sorted(attributes.items())),
        label=noun.singular,
        count=count,
        behaviour=behaviour,
        target=target,
    )
    return text, Spawn(intent)


def _sample_behave(rng: random.Random) -> tuple[str, Action]:
    noun = rng.choice(nouns())
    behaviour = rng.choice([b for b in v.BEHAVIOURS if b != "idle"])
    target_text, target = _target(rng) if behaviour in v.TARGETED_BEHAVIOURS else ("", None)
    phrase = BEHAVIOUR_PHRASES[behaviour][0].format(target=target_text)
    return f"the {noun.singular} {phrase}", Behave(noun.ref(), behaviour, target)


def _sample_change(rng: random.Random) -> tuple[str, Action]:
    noun = rng.choice(nouns())
    name, values = rng.choice(list(attribute_choices().items()))
    value = rng.choice([value for value in values if value is not None])
    key = "hair" if name == "colour" and noun.kind == "person" else name
    return f"make the {noun.singular} {value}", Change(noun.ref(), ((key, value),))


def _sample_other(rng: random.Random) -> tuple[str, Action]:
    choice = rng.random()
    noun = rng.choice(nouns())
    if choice < 0.25:
        return f"remove the {noun.singular}", Remove(noun.ref())
    if choice < 0.55:
        move, template = rng.choice(list(CAMERA_WITH_SUBJECT.items()))
        return template.format(subject=noun.singular), Camera(move, noun.ref())
    if choice < 0.6:
        move, text = rng.choice(list(CAMERA_WITHOUT_SUBJECT.items()))
        return text, Camera(move)
    key, text = rng.choice(list(SCENE_COMMANDS.items()))
    field, value = key.split(":")
    return text, SetScene(**{field: value})


def sample_director_commands(count: int, seed: int = 0) -> list[tuple[str, Action]]:
    """`count` (command, expected action) pairs drawn from the counted space, reproducibly."""
    rng = random.Random(seed)
    samplers = (_sample_spawn, _sample_spawn, _sample_behave, _sample_change, _sample_other)
    return [rng.choice(samplers)(rng) for _ in range(count)]
