"""Nearest-concept lookup over the lexicon's phrase embeddings, with an embedding cache."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

import torch

from inference.interpreter.encoder import MiniLMEncoder
from inference.interpreter.lexicon import Sense, semantic_phrases

# Below this cosine similarity a word is not taken to mean a concept. MiniLM puts unrelated
# single words at 0.2-0.45 and the synonyms we want ("downpour"/"rain") at 0.5-0.85.
SIMILARITY_THRESHOLD = 0.5
# Nouns need more: a stray adjective taken for a creature ("fluffy" -> cat at 0.53) spawns one.
CATEGORY_THRESHOLDS: dict[str, float] = {"entity": 0.6, "role": 0.6}
CACHE_LIMIT = 8192


@dataclass(frozen=True)
class Match:
    phrase: str  # the input n-gram
    sense: Sense
    similarity: float
    nearest: str  # the lexicon phrase it was closest to


class SemanticMatcher:
    """Embeds the lexicon and the example commands once; answers nearest-concept queries."""

    def __init__(self, encoder: MiniLMEncoder, example_commands: Iterable[str]) -> None:
        self.encoder = encoder
        pairs = semantic_phrases()
        self.phrases = [phrase for phrase, _ in pairs]
        self.senses = [sense for _, sense in pairs]
        self.example_commands = list(example_commands)
        # One batched encode for the whole lexicon and the suggestion commands.
        everything = encoder.encode(self.phrases + self.example_commands)
        self.phrase_matrix = everything[: len(self.phrases)]
        self.command_matrix = everything[len(self.phrases) :]
        self._cache: dict[str, torch.Tensor] = {}
        self._lock = threading.Lock()
        # The first small batch pays one-off kernel set-up; pay it here, not in a command.
        encoder.encode(["warm up"])

    def embed(self, texts: list[str]) -> torch.Tensor:
        """Embeddings for `texts`, encoding only the ones not seen before, in one call."""
        with self._lock:
            missing = sorted({text for text in texts if text not in self._cache})
        if missing:
            fresh = self.encoder.encode(missing)
            with self._lock:
                if len(self._cache) + len(missing) > CACHE_LIMIT:
                    self._cache.clear()
                for text, embedding in zip(missing, fresh, strict=True):
                    self._cache[text] = embedding
                return torch.stack([self._cache[text] for text in texts])
        with self._lock:
            return torch.stack([self._cache[text] for text in texts])

    def nearest(
        self, texts: list[str], categories: frozenset[str] | None = None
    ) -> list[Match | None]:
        """For each text, the closest concept in `categories` above the threshold, else None."""
        if not texts:
            return []
        similarities = self.embed(texts) @ self.phrase_matrix.T
        if categories is not None:
            allowed = torch.tensor([sense.category in categories for sense in self.senses])
            similarities = similarities.masked_fill(~allowed, -1.0)
        best_similarity, best_index = similarities.max(dim=1)
        matches: list[Match | None] = []
        for text, similarity, index in zip(
            texts, best_similarity.tolist(), best_index.tolist(), strict=True
        ):
            sense = self.senses[index]
            if similarity < CATEGORY_THRESHOLDS.get(sense.category, SIMILARITY_THRESHOLD):
                matches.append(None)
            else:
                matches.append(Match(text, sense, round(similarity, 4), self.phrases[index]))
        return matches

    def nearest_commands(self, text: str, count: int = 3) -> tuple[str, ...]:
        """The example commands closest in meaning to `text`, best first."""
        if not text.strip():
            return tuple(self.example_commands[:count])
        similarities = (self.embed([text]) @ self.command_matrix.T)[0]
        # Sort by similarity, then by catalogue order, so ties resolve the same way every time.
        order = sorted(
            range(len(self.example_commands)), key=lambda i: (-round(float(similarities[i]), 5), i)
        )
        return tuple(self.example_commands[i] for i in order[:count])
