"""alt-profanity-check's shipped model (TF-IDF + calibrated linear SVM), scored directly.

The package's `predict_prob` goes through scikit-learn's generic machinery, about 20 ms a
call here. The model is linear, so this module reads its vocabulary, IDF weights, the
five cross-validated SVMs and their sigmoid calibrations once, and scores a text with a
dictionary lookup and a few dot products: the same probability (tested against the
package to 1e-9) in tens of microseconds.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from dataclasses import dataclass

TOKEN = re.compile(r"(?u)\b\w\w+\b")

_lock = threading.Lock()
_model: ProfanityModel | None = None


@dataclass(frozen=True)
class ProfanityModel:
    index: dict[str, int]
    idf: list[float]
    stop_words: frozenset[str]
    # One (coefficients by term index, intercept, a, b) per calibrated fold.
    folds: tuple[tuple[dict[int, float], float, float, float], ...]

    def probability(self, text: str) -> float:
        tokens = [t for t in TOKEN.findall(text.lower()) if t not in self.stop_words]
        counts = Counter(self.index[t] for t in tokens if t in self.index)
        if not counts:
            weights: dict[int, float] = {}
        else:
            raw = {i: n * self.idf[i] for i, n in counts.items()}
            norm = math.sqrt(sum(v * v for v in raw.values())) or 1.0
            weights = {i: v / norm for i, v in raw.items()}
        total = 0.0
        for coefficients, intercept, a, b in self.folds:
            decision = intercept + sum(coefficients.get(i, 0.0) * v for i, v in weights.items())
            total += 1.0 / (1.0 + math.exp(a * decision + b))
        return total / len(self.folds)


def load() -> ProfanityModel:
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = _build()
    return _model


def _build() -> ProfanityModel:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-learn version notes about the pickles
        from profanity_check import profanity_check as package
    vectorizer, model = package.vectorizer, package.model
    stop = vectorizer.get_stop_words() or frozenset()
    folds = []
    for calibrated in model.calibrated_classifiers_:
        svm = calibrated.estimator
        coef = svm.coef_.ravel()
        nonzero = {int(i): float(coef[i]) for i in coef.nonzero()[0]}
        calibrator = calibrated.calibrators[0]
        folds.append(
            (nonzero, float(svm.intercept_[0]), float(calibrator.a_), float(calibrator.b_))
        )
    return ProfanityModel(
        index={term: int(i) for term, i in vectorizer.vocabulary_.items()},
        idf=[float(v) for v in vectorizer.idf_],
        stop_words=frozenset(stop),
        folds=tuple(folds),
    )


def profanity(text: str) -> float:
    """Probability that `text` is offensive, 0..1."""
    return load().probability(text)
