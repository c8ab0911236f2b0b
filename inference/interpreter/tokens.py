"""Turns normalised words into tokens: function words, exact lexicon hits, semantic matches."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from inference.interpreter.function_words import FUNCTION_WORDS
from inference.interpreter.lexicon import Sense, exact_lexicon

if TYPE_CHECKING:  # the matcher pulls in torch, which only loading the model needs
    from inference.interpreter.matcher import Match, SemanticMatcher

MAX_NGRAM = 3  # the longest unknown n-gram sent to the encoder
MAX_PHRASE_WORDS = 4
# Long runs of unknown words are mostly noise: match them word by word, and bound the encode.
LONG_RUN_WORDS = 6
MAX_ENCODED_SPANS = 64


def _longest_ngram(run_length: int) -> int:
    return 1 if run_length > LONG_RUN_WORDS else MAX_NGRAM


@dataclass(frozen=True)
class Token:
    text: str
    function: str | None = None  # a FUNCTION_WORDS role, for closed-class words
    sense: Sense | None = None  # for content words that name a concept
    similarity: float = 1.0
    nearest: str = ""  # the lexicon phrase a semantic match came from

    @property
    def category(self) -> str | None:
        return self.sense.category if self.sense else None


def _exact_tokens(words: list[str]) -> list[Token | str]:
    """Greedy longest match of known phrases; unknown words stay as plain strings."""
    lexicon = exact_lexicon()
    result: list[Token | str] = []
    position = 0
    while position < len(words):
        for length in range(min(MAX_PHRASE_WORDS, len(words) - position), 0, -1):
            phrase = " ".join(words[position : position + length])
            if phrase in lexicon:  # content words win ties: "clear" is weather
                result.append(Token(phrase, sense=lexicon[phrase]))
                break
            if phrase in FUNCTION_WORDS:
                result.append(Token(phrase, function=FUNCTION_WORDS[phrase]))
                break
        else:
            result.append(words[position])
            length = 1
        position += length
    return result


def _unknown_runs(items: list[Token | str]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for index, item in enumerate([*items, None]):
        if isinstance(item, str):
            start = index if start is None else start
        elif start is not None:
            runs.append((start, index))
            start = None
    return runs


def tokenize(
    words: list[str],
    matcher: SemanticMatcher | None,
    categories: frozenset[str] | None = None,
) -> list[Token]:
    """Tokens for `words`. Unknown words are matched by meaning (one batched encode);
    those that match nothing come back as tokens with neither function nor sense."""
    items = _exact_tokens(words)
    runs = _unknown_runs(items)
    spans = [
        (start, end)
        for run_start, run_end in runs
        for start in range(run_start, run_end)
        for end in range(start + 1, min(start + _longest_ngram(run_end - run_start), run_end) + 1)
    ][:MAX_ENCODED_SPANS]
    texts = [" ".join(str(item) for item in items[start:end]) for start, end in spans]
    matches = matcher.nearest(texts, categories) if matcher and texts else [None] * len(spans)

    chosen: dict[int, tuple[int, Match]] = {}
    covered: set[int] = set()
    ranked = sorted(
        (
            (-match.similarity, -(end - start), start, end, match)
            for (start, end), match in zip(spans, matches, strict=True)
            if match is not None
        ),
        key=lambda entry: entry[:4],
    )
    for _, _, start, end, match in ranked:
        if covered.isdisjoint(range(start, end)):
            chosen[start] = (end, match)
            covered.update(range(start, end))

    tokens: list[Token] = []
    index = 0
    while index < len(items):
        item = items[index]
        if isinstance(item, Token):
            tokens.append(item)
            index += 1
        elif index in chosen:
            end, match = chosen[index]
            tokens.append(Token(match.phrase, None, match.sense, match.similarity, match.nearest))
            index = end
        else:
            tokens.append(Token(item))
            index += 1
    return tokens
