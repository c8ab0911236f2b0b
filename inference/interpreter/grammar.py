"""The command grammar: clauses of tokens become intents.

One clause is one of
  scene        "make it rain", "golden hour", "stop the rain", "darker"
  camera       "close-up on the cat", "aerial view", "follow the dog", "back to first person"
  remove       "remove the car"
  change       "make the cat black", "the dog gets bigger"
  spawn        "add a horse", "three birds", "a cute cat runs to the girl"
  behave       "the dog follows the girl", "the cat runs away from the dog", "come to me"
Scene words inside an entity clause ("a dog runs in the rain") give a scene change too.
"""

from __future__ import annotations

from collections.abc import Callable

from inference.intents import (
    Action,
    Behave,
    Camera,
    Change,
    EntityRef,
    Remove,
    SetScene,
    Spawn,
)
from inference.interpreter import function_words as fw
from inference.interpreter.lexicon import SCENE_CATEGORIES, SCENE_PHRASES
from inference.interpreter.noun_phrases import (
    NounPhrase,
    ParseError,
    adjective_attribute,
    is_adjective,
    is_noun,
    read_noun_phrase,
    sorted_attributes,
    starts_noun_phrase,
)
from inference.interpreter.tokens import Token

INTRANSITIVE = {
    "sit": "sit",
    "jump": "jump",
    "dance": "dance",
    "sleep": "sleep",
    "wander": "wander",
}
# Targeted behaviours said without a target aim at the player ("the cat runs away").
PLAYER_DEFAULT = frozenset({"follow", "flee", "circle"})
SOMEONE = EntityRef()  # "come to me": the subject is whoever was directed last


def split_clauses(tokens: list[Token]) -> list[list[Token]]:
    clauses: list[list[Token]] = [[]]
    for token in tokens:
        if token.function == fw.CONJUNCTION:
            clauses.append([])
        elif token.function != fw.FILLER:
            clauses[-1].append(token)
    return _share_verb_phrases([clause for clause in clauses if clause])


def _verb_phrase_after_subject(clause: list[Token]) -> list[Token] | None:
    """The tokens after the leading noun phrase, if the clause is "noun phrase, verb ..."."""
    if not starts_noun_phrase(clause[0]):
        return None
    try:
        _, end = read_noun_phrase(clause, 0)
    except ParseError:
        return None
    rest = clause[end:]
    return rest if rest and rest[0].category == "verb" else None


def _is_bare_noun_phrase(clause: list[Token]) -> bool:
    if not starts_noun_phrase(clause[0]) or clause[0].function == fw.PLAYER:
        return False
    try:
        _, end = read_noun_phrase(clause, 0)
    except ParseError:
        return False
    return end == len(clause)


def _share_verb_phrases(clauses: list[list[Token]]) -> list[list[Token]]:
    """ "the dog and the cat follow me": each subject gets the verb phrase of the last one."""
    for index in range(len(clauses) - 2, -1, -1):
        if _is_bare_noun_phrase(clauses[index]):
            shared = _verb_phrase_after_subject(clauses[index + 1])
            if shared is not None:
                clauses[index] = clauses[index] + shared
    return clauses


def behaviour_for(lemma: str, preposition: str | None, has_target: bool) -> str:
    if lemma in INTRANSITIVE:
        return INTRANSITIVE[lemma]
    if lemma == "flee" or preposition == "from":
        return "flee"
    if lemma == "follow" or preposition == "after":
        return "follow"
    if lemma == "circle" or preposition == "around":
        return "circle"
    if has_target:
        return "run_to" if lemma == "run" else "go_to"
    return "fly" if lemma == "fly" else "wander"


def scene_change(tokens: list[Token], entity_clause: bool) -> SetScene | None:
    fields: dict[str, str] = {}
    stopping = any(token.function in (fw.STOP, fw.REMOVE) for token in tokens)
    for token in tokens:
        if token.sense is None:
            continue
        category, value = token.sense.category, token.sense.value
        if category == "weather":
            fields["weather"] = "clear" if stopping else value
        elif category == "time":
            fields["time_of_day"] = value
        elif category == "lighting":
            fields["lighting"] = value
        elif category == "style":
            fields["style"] = value
        elif category == "scene":
            fields.update(SCENE_PHRASES[value])
        elif category == "colour" and value == "golden" and not entity_clause:
            fields["lighting"] = "golden"
    return SetScene(**fields) if fields else None


class ClauseReader:
    """Reads one clause (filler words already dropped)."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens

    def read(self) -> list[Action]:
        entity_clause = any(
            is_noun(token) or token.function == fw.PLAYER or token.category in ("verb", "camera")
            for token in self.tokens
        )
        actions: list[Action] = []
        scene = scene_change(self.tokens, entity_clause)
        if scene is not None:
            actions.append(scene)
        self.tokens = [
            token
            for token in self.tokens
            if token.category not in SCENE_CATEGORIES
            and not (scene is not None and not entity_clause and token.category == "colour")
        ]
        if entity_clause:
            actions.append(self._entity_action())
        elif any(is_adjective(token) for token in self.tokens):
            raise ParseError("Say which creature or person that describes, e.g. 'a big red dog'.")
        if not actions:
            said = " ".join(token.text for token in self.tokens)
            raise ParseError(f"I couldn't find anything I know how to do in '{said}'.")
        return actions

    def _first(self, predicate: Callable[[Token], bool]) -> int | None:
        return next((i for i, token in enumerate(self.tokens) if predicate(token)), None)

    def _entity_action(self) -> Action:
        tokens = self.tokens
        camera_at = self._first(lambda token: token.category == "camera")
        if camera_at is not None:
            return self._camera(tokens[camera_at].sense.value, camera_at + 1)  # type: ignore[union-attr]
        first = tokens[0]
        if first.function == fw.REMOVE:
            phrase, _ = read_noun_phrase(tokens, self._skip_prepositions(1))
            return Remove(phrase.ref())
        if first.function == fw.STOP:
            return self._stop()
        if first.function == fw.ADD:
            return self._spawn_or_behave(1, must_spawn=True)
        if first.function in (fw.CHANGE, fw.GROW, fw.SHRINK):
            return self._change_imperative(first.function)
        if first.category == "verb":
            return self._imperative_verb()
        if first.function == fw.CAMERA_NOUN:
            return self._camera_subject_clause()
        if starts_noun_phrase(first):
            return self._spawn_or_behave(0, must_spawn=False)
        raise ParseError(f"I don't know how to start with '{first.text}'.")

    def _skip_prepositions(self, position: int) -> int:
        while position < len(self.tokens) and self.tokens[position].function in (
            fw.PREPOSITION,
            fw.CAMERA_NOUN,
        ):
            position += 1
        return position

    def _camera(self, move: str, position: int) -> Camera:
        position = self._skip_prepositions(position)
        if position >= len(self.tokens) or not starts_noun_phrase(self.tokens[position]):
            return Camera(move)
        phrase, _ = read_noun_phrase(self.tokens, position)
        return Camera(move, None if phrase.is_player else phrase.ref())

    def _camera_subject_clause(self) -> Camera:
        """ "camera follows the dog"."""
        verb_at = self._first(lambda token: token.category == "verb")
        if verb_at is None or self.tokens[verb_at].sense.value != "follow":  # type: ignore[union-attr]
            raise ParseError("Camera moves are close-up, aerial, orbit, follow and first person.")
        return self._camera("follow", verb_at + 1)

    def _stop(self) -> Behave:
        position = 1
        if position < len(self.tokens) and starts_noun_phrase(self.tokens[position]):
            phrase, _ = read_noun_phrase(self.tokens, position)
            return Behave(phrase.ref(), "idle")
        return Behave(SOMEONE, "idle")

    def _imperative_verb(self) -> Behave | Camera:
        lemma = self.tokens[0].sense.value  # type: ignore[union-attr]
        behaviour, target, _ = self._verb_phrase(0)
        if lemma == "follow" and target is not None and not target.is_player:
            return Camera("follow", target)  # "follow the dog" moves the camera
        return Behave(SOMEONE, behaviour, target)

    def _change_imperative(self, verb: str) -> Action:
        """ "make the cat black", "turn the dog blue", "make a dog" (a spawn)."""
        position = 1
        if position >= len(self.tokens) or not starts_noun_phrase(self.tokens[position]):
            raise ParseError("Say what to change, e.g. 'make the cat black'.")
        phrase, position = read_noun_phrase(self.tokens, position)
        attributes = self._trailing_attributes(phrase, position, verb)
        if not phrase.definite:
            merged = dict(phrase.attributes) | dict(attributes)
            return Spawn(
                NounPhrase(
                    phrase.kind, sorted_attributes(merged), phrase.label, phrase.count, False
                ).intent()
            )
        if not attributes:
            raise ParseError(f"Say how to change the {phrase.label}, e.g. 'make it bigger'.")
        return Change(phrase.ref(), attributes)

    def _trailing_attributes(
        self, phrase: NounPhrase, position: int, verb: str | None
    ) -> tuple[tuple[str, str], ...]:
        attributes: dict[str, str] = {}
        if verb == fw.GROW:
            attributes["size"] = "big"
        elif verb == fw.SHRINK:
            attributes["size"] = "small"
        for token in self.tokens[position:]:
            if token.function in (fw.GROW, fw.SHRINK):
                attributes["size"] = "big" if token.function == fw.GROW else "small"
            elif is_adjective(token):
                name, value = adjective_attribute(token, phrase.kind)
                attributes[name] = value
        return sorted_attributes(attributes)

    def _verb_phrase(self, verb_at: int) -> tuple[str, EntityRef | None, int]:
        """(behaviour, target, index past the phrase) for the verb at `verb_at`."""
        lemma = self.tokens[verb_at].sense.value  # type: ignore[union-attr]
        position = verb_at + 1
        preposition: str | None = None
        while position < len(self.tokens) and self.tokens[position].function in (
            fw.PREPOSITION,
            fw.ADD,
        ):
            if self.tokens[position].function == fw.PREPOSITION:
                preposition = fw.PREPOSITIONS[self.tokens[position].text]
            position += 1
        target: EntityRef | None = None
        has_target = position < len(self.tokens) and starts_noun_phrase(self.tokens[position])
        if lemma not in INTRANSITIVE and has_target:
            phrase, position = read_noun_phrase(self.tokens, position)
            target = phrase.ref()
        behaviour = behaviour_for(lemma, preposition, target is not None)
        if behaviour in PLAYER_DEFAULT and target is None:
            target = EntityRef(is_player=True)
        return behaviour, target, position

    def _spawn_or_behave(self, position: int, must_spawn: bool) -> Action:
        phrase, position = read_noun_phrase(self.tokens, position)
        rest = self.tokens[position:]
        verb_at = next((i for i, token in enumerate(rest) if token.category == "verb"), None)
        change_at = next(
            (i for i, t in enumerate(rest) if t.function in (fw.CHANGE, fw.GROW, fw.SHRINK)),
            None,
        )
        if phrase.is_player:
            raise ParseError("Say what should happen, e.g. 'the dog follows me'.")
        if phrase.definite and any(token.function == fw.STOP for token in rest):
            return Behave(phrase.ref(), "idle")  # "the cat stops"
        if verb_at is not None:
            behaviour, target, _ = self._verb_phrase(position + verb_at)
            if must_spawn or not phrase.definite:
                return Spawn(phrase.intent(behaviour, target))
            return Behave(phrase.ref(), behaviour, target)
        if change_at is not None and phrase.definite and not must_spawn:
            verb = rest[change_at].function
            attributes = self._trailing_attributes(phrase, position + change_at + 1, verb)
            if attributes:
                return Change(phrase.ref(), attributes)
        if must_spawn or not phrase.definite:
            return Spawn(phrase.intent())
        raise ParseError(f"What should the {phrase.label} do? e.g. 'the {phrase.label} sits'.")
