"""The Interpreter: world prompts become a SceneIntent, commands become actions."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from inference.intents import (
    Action,
    NotUnderstood,
    ParseResult,
    SceneIntent,
    SetScene,
    Understood,
)
from inference.interpreter.examples import example_commands
from inference.interpreter.grammar import ClauseReader, split_clauses
from inference.interpreter.normalise import MAX_COMMAND_CHARS, normalise, words
from inference.interpreter.noun_phrases import ParseError
from inference.interpreter.prompt import read_prompt
from inference.interpreter.tokens import tokenize

if TYPE_CHECKING:
    from inference.interpreter.encoder import MiniLMEncoder
    from inference.interpreter.matcher import SemanticMatcher

# Biomes and eras are set by the world prompt, not by commands.
COMMAND_CATEGORIES: frozenset[str] = frozenset(
    {
        "entity", "role", "colour", "size", "mood", "gender", "age", "verb",
        "weather", "time", "lighting", "style", "camera", "scene",
    }
)  # fmt: skip
EMPTY_REASON = "The command is empty. Try something like 'make it rain' or 'add a cat'."
TOO_LONG_REASON = f"Commands are limited to {MAX_COMMAND_CHARS} characters."
NO_WORDS_REASON = "I couldn't find any words in that command."


def merge_scene_changes(actions: list[Action]) -> list[Action]:
    """All scene changes of one command become one SetScene, where the first one was."""
    scenes = [action for action in actions if isinstance(action, SetScene)]
    if len(scenes) < 2:
        return actions
    fields: dict[str, str] = {}
    for scene in scenes:
        fields |= {name: value for name, value in vars(scene).items() if value is not None}
    merged: list[Action] = []
    for action in actions:
        if not isinstance(action, SetScene):
            merged.append(action)
        elif action is scenes[0]:
            merged.append(SetScene(**fields))
    return merged


class Interpreter:
    """Reads prompts and commands. MiniLM loads on first use (or on `warm()`)."""

    def __init__(self, device: str = "cpu") -> None:
        self.device = device
        self._matcher: SemanticMatcher | None = None
        self._load_lock = threading.Lock()
        self.load_seconds: float | None = None  # model load plus lexicon encode, once loaded

    def warm(self) -> Interpreter:
        self._get_matcher()
        return self

    @property
    def encoder(self) -> MiniLMEncoder:
        """The loaded MiniLM encoder, for other text checks that want the same embeddings."""
        return self._get_matcher().encoder

    def _get_matcher(self) -> SemanticMatcher:
        if self._matcher is None:
            with self._load_lock:
                if self._matcher is None:
                    # torch is imported here, not at module import, so web processes stay light.
                    from inference.interpreter.encoder import MiniLMEncoder
                    from inference.interpreter.matcher import SemanticMatcher

                    started = time.perf_counter()
                    encoder = MiniLMEncoder(self.device)
                    self._matcher = SemanticMatcher(encoder, example_commands())
                    self.load_seconds = time.perf_counter() - started
        return self._matcher

    def parse_prompt(self, prompt: str, character: str = "", style: str = "auto") -> SceneIntent:
        return read_prompt(self._get_matcher(), prompt or "", character or "", style or "auto")

    def parse_command(self, text: str) -> ParseResult:
        if not isinstance(text, str) or not text.strip():
            return NotUnderstood(EMPTY_REASON, example_commands()[:3])
        if len(text) > MAX_COMMAND_CHARS:
            return NotUnderstood(TOO_LONG_REASON)
        normalised = normalise(text)
        command_words = [word for word in words(normalised) if word != ","]
        if not command_words:
            return NotUnderstood(NO_WORDS_REASON, example_commands()[:3])
        matcher = self._get_matcher()
        tokens = tokenize(words(normalised), matcher, COMMAND_CATEGORIES)
        actions: list[Action] = []
        try:
            for clause in split_clauses(tokens):
                actions.extend(ClauseReader(clause).read())
        except ParseError as error:
            return NotUnderstood(str(error), matcher.nearest_commands(" ".join(command_words)))
        if not actions:
            reason = f"I couldn't find anything I know how to do in '{' '.join(command_words)}'."
            return NotUnderstood(reason, matcher.nearest_commands(" ".join(command_words)))
        actions = merge_scene_changes(actions)
        confidence = min((token.similarity for token in tokens if token.sense), default=1.0)
        return Understood(tuple(actions), round(confidence, 3))


_shared: Interpreter | None = None
_shared_lock = threading.Lock()


def shared_interpreter() -> Interpreter:
    """One interpreter per process, so the MiniLM weights load once for everyone."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Interpreter()
        return _shared
