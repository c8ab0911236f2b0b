"""Noun phrases: determiner, number, adjectives and a noun, read from a token stream."""

from __future__ import annotations

from dataclasses import dataclass

from inference import vocabulary as v
from inference.intents import EntityIntent, EntityRef
from inference.interpreter import function_words as fw
from inference.interpreter.lexicon import ADJECTIVE_CATEGORIES, NOUN_CATEGORIES, singular_noun
from inference.interpreter.tokens import Token

Attributes = tuple[tuple[str, str], ...]


class ParseError(Exception):
    """A clause the grammar cannot read; the message is shown to the user."""


def sorted_attributes(attributes: dict[str, str]) -> Attributes:
    return tuple(sorted(attributes.items()))


def adjective_attribute(token: Token, kind: str | None) -> tuple[str, str]:
    """(attribute, value) for an adjective token; a person's colour is their hair colour."""
    assert token.sense is not None
    category = token.sense.category
    if category == "colour" and kind == "person":
        return "hair", token.sense.value
    return category, token.sense.value


@dataclass(frozen=True)
class NounPhrase:
    kind: str | None
    attributes: Attributes
    label: str | None
    count: int
    definite: bool
    is_player: bool = False

    def ref(self) -> EntityRef:
        if self.is_player:
            return EntityRef(is_player=True)
        return EntityRef(kind=self.kind, attributes=self.attributes, label=self.label)

    def intent(self, behaviour: str = "idle", target: EntityRef | None = None) -> EntityIntent:
        assert self.kind is not None
        return EntityIntent(
            kind=self.kind,
            attributes=self.attributes,
            label=self.label,
            count=self.count,
            behaviour=behaviour,
            target=target,
        )


def is_adjective(token: Token) -> bool:
    return token.category in ADJECTIVE_CATEGORIES


def is_unknown(token: Token) -> bool:
    return token.sense is None and token.function is None and not token.text.isdigit()


def is_noun(token: Token) -> bool:
    return token.category in NOUN_CATEGORIES


def starts_noun_phrase(token: Token) -> bool:
    return (
        token.function in (fw.DEFINITE, fw.INDEFINITE, fw.NUMBER, fw.PLAYER)
        or is_noun(token)
        or is_adjective(token)
        or (token.text.isdigit() and token.function is None)
    )


def _noun_meaning(token: Token) -> tuple[str, dict[str, str], str, bool]:
    """(kind, preset attributes, label, plural) for a noun token."""
    assert token.sense is not None
    singular, plural = singular_noun(token.text)
    if token.sense.category == "role":
        role = token.sense.value
        label = role if singular == role else token.text
        return "person", dict(v.PERSON_ROLES[role]), label, plural
    kind = token.sense.value
    label = singular if token.similarity >= 1.0 else token.text
    return kind, {}, label, plural


def read_noun_phrase(tokens: list[Token], start: int) -> tuple[NounPhrase, int]:
    """Reads a noun phrase at `start`; returns it and the index just past it."""
    position = start
    definite: bool | None = None
    count: int | None = None
    while position < len(tokens):
        token = tokens[position]
        if token.function == fw.PLAYER:
            return NounPhrase(None, (), None, 1, True, is_player=True), position + 1
        if token.function == fw.DEFINITE:
            definite = True
        elif token.function == fw.INDEFINITE:
            definite = False if definite is None else definite
            if token.text == "some":
                count = count or fw.DEFAULT_PLURAL_COUNT
        elif token.function == fw.NUMBER:
            count = fw.NUMBER_WORDS[token.text]
            definite = False if definite is None else definite
        elif token.text.isdigit() and token.function is None:
            count = int(token.text)
            definite = False if definite is None else definite
        else:
            break
        position += 1

    adjectives: list[Token] = []
    # Unknown words before the noun ("the fluffy dog") are passed over, not fatal.
    while position < len(tokens) and (
        is_adjective(tokens[position]) or is_unknown(tokens[position])
    ):
        if is_adjective(tokens[position]):
            adjectives.append(tokens[position])
        position += 1

    if position >= len(tokens) or not is_noun(tokens[position]):
        said = " ".join(token.text for token in tokens[start:position])
        if any(is_unknown(token) for token in tokens[start:position]):
            raise ParseError(f"I don't know what '{said}' is.")
        raise ParseError(f"Expected a creature, person or thing after '{said}'.")
    # In a run of nouns the last is the head: "police dog" is a dog.
    while position + 1 < len(tokens) and is_noun(tokens[position + 1]):
        position += 1
    kind, attributes, label, plural = _noun_meaning(tokens[position])
    position += 1
    for adjective in adjectives:
        name, value = adjective_attribute(adjective, kind)
        attributes[name] = value
    if count is None:
        count = fw.DEFAULT_PLURAL_COUNT if plural else 1
    if definite is None:
        # A bare plural ("birds circle") introduces new ones; a bare singular ("dog sits")
        # points at one that is already there.
        definite = not plural
    count = max(1, min(count, fw.MAX_COUNT))
    return NounPhrase(kind, sorted_attributes(attributes), label, count, definite), position
