"""World prompts: a prompt, a character description and a style pick become a SceneIntent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from inference import vocabulary as v
from inference.intents import EntityIntent, SceneIntent
from inference.interpreter.function_words import FUNCTION_WORDS
from inference.interpreter.lexicon import (
    ADJECTIVE_CATEGORIES,
    NOUN_CATEGORIES,
    SCENE_PHRASES,
    exact_lexicon,
)
from inference.interpreter.normalise import normalise, words
from inference.interpreter.noun_phrases import (
    NounPhrase,
    ParseError,
    adjective_attribute,
    read_noun_phrase,
    sorted_attributes,
)
from inference.interpreter.tokens import Token, tokenize

if TYPE_CHECKING:
    from inference.interpreter.matcher import SemanticMatcher

MAX_PROMPT_WORDS = 120
# Prompts are long and loose, so a word must be closer to a concept than in a command.
PROMPT_THRESHOLD = 0.55
ENTITY_THRESHOLD = 0.7
# Whole-prompt similarity to a biome description, used when no word names a biome.
BIOME_FALLBACK_THRESHOLD = 0.4
ERA_STYLES: dict[str, str] = {"1980s": "film80s", "1920s": "sepia"}
PROP_STOPWORDS = frozenset({"style", "look", "with", "full", "quiet", "very", "lots"})


def _prompt_tokens(matcher: SemanticMatcher, text: str) -> list[Token]:
    found = words(normalise(text))[:MAX_PROMPT_WORDS]
    tokens = tokenize([word for word in found if word != ","], matcher)
    return [
        token for token in tokens if token.sense is None or token.similarity >= PROMPT_THRESHOLD
    ]


def _strongest(tokens: list[Token], category: str) -> Token | None:
    """The best-matching token of a category; on a tie the first one said."""
    candidates = [token for token in tokens if token.category == category]
    return max(candidates, key=lambda token: token.similarity, default=None)


def _value(tokens: list[Token], category: str) -> str | None:
    token = _strongest(tokens, category)
    return token.sense.value if token and token.sense else None


def _scene_phrase_field(tokens: list[Token], field: str) -> str | None:
    for token in tokens:
        if token.category == "scene" and token.sense:
            return SCENE_PHRASES[token.sense.value].get(field)
    return None


def _biome(matcher: SemanticMatcher, tokens: list[Token], prompt: str) -> str | None:
    named = _value(tokens, "biome")
    if named or not prompt.strip():
        return named
    fallback = matcher.nearest([normalise(prompt)], frozenset({"biome"}))[0]
    if fallback and fallback.similarity >= BIOME_FALLBACK_THRESHOLD:
        return fallback.sense.value
    return None


def _noun_phrase_around(tokens: list[Token], noun_at: int) -> NounPhrase | None:
    start = noun_at
    while start > 0 and (
        tokens[start - 1].category in ADJECTIVE_CATEGORIES
        or FUNCTION_WORDS.get(tokens[start - 1].text) in ("definite", "indefinite", "number")
    ):
        start -= 1
    try:
        phrase, _ = read_noun_phrase(tokens, start)
    except ParseError:
        return None
    return phrase


def _entities(tokens: list[Token]) -> list[EntityIntent]:
    entities: list[EntityIntent] = []
    for index, token in enumerate(tokens):
        if token.category in NOUN_CATEGORIES and token.similarity >= ENTITY_THRESHOLD:
            phrase = _noun_phrase_around(tokens, index)
            if phrase is not None:
                entities.append(phrase.intent())
    return entities


def _character(tokens: list[Token]) -> EntityIntent | None:
    """The character is a person unless the description names another kind."""
    if not tokens:
        return None
    found = _entities(tokens)
    if found:
        return found[0]
    attributes: dict[str, str] = {}
    for token in tokens:
        if token.category in ADJECTIVE_CATEGORIES:
            name, value = adjective_attribute(token, "person")
            attributes[name] = value
    return EntityIntent(kind="person", attributes=sorted_attributes(attributes), label="person")


def _picked_style(style: str) -> str | None:
    """The creator's style pick as a STYLES name; "auto" or an unknown pick gives None."""
    name = normalise(style).strip()
    if name in v.STYLES:
        return name
    sense = exact_lexicon().get(name)
    return sense.value if sense and sense.category == "style" else None


def read_prompt(matcher: SemanticMatcher, prompt: str, character: str, style: str) -> SceneIntent:
    tokens = _prompt_tokens(matcher, prompt)
    character_tokens = _prompt_tokens(matcher, character)

    time_of_day = _value(tokens, "time") or _scene_phrase_field(tokens, "time_of_day")
    lighting = _value(tokens, "lighting") or _scene_phrase_field(tokens, "lighting")
    chosen_style = _value(tokens, "style")
    biome = _biome(matcher, tokens, prompt) or "meadow"
    if biome == "city" and (
        time_of_day == "night" or lighting == "neon" or chosen_style == "cyberpunk"
    ):
        biome = "night_city"
    if biome == "night_city":
        time_of_day = time_of_day or "night"
        lighting = lighting or "neon"
    time_of_day = time_of_day or "noon"
    if lighting is None:
        lighting = "golden" if time_of_day == "sunset" else "natural"
    era = _value(tokens, "era") or "present"
    picked = _picked_style(style)
    if picked is not None:
        chosen_style = picked
    chosen_style = chosen_style or ERA_STYLES.get(era) or "realistic"

    entities = _entities(tokens)
    person = _character(character_tokens)
    if person is not None:
        entities.insert(0, person)
    props = tuple(
        dict.fromkeys(
            token.text
            for token in tokens
            if token.sense is None
            and token.text not in FUNCTION_WORDS
            and token.text not in PROP_STOPWORDS
            and len(token.text) > 2
            and token.text.isalpha()
        )
    )
    matched = tuple(
        (f"{token.sense.category}:{token.sense.value}", token.text, round(token.similarity, 3))
        for token in tokens + character_tokens
        if token.sense is not None
    )
    return SceneIntent(
        biome=biome,
        time_of_day=time_of_day,
        weather=_value(tokens, "weather") or "clear",
        style=chosen_style,
        lighting=lighting,
        era=era,
        props=props,
        entities=tuple(entities),
        matched=matched,
    )
