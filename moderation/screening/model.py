"""The alt-profanity-check model, evaluated without scikit-learn's per-call overhead.

alt-profanity-check ships a TF-IDF vectoriser and a sigmoid-calibrated linear SVM (MIT licence,
trained on public offensive-language data). Its ``predict_prob`` costs about 4.5 ms for ONE
string, almost all of it sparse-matrix and calibration bookkeeping, which would cap screening
at ~200 comments a second. Because the model is linear, the same probability can be computed
with a dictionary lookup per word: we read the shipped weights once (loaded lazily, on first
use) and evaluate

    p = mean_k sigmoid-calibration_k( w_k . tfidf(text) + b_k )

exactly as scikit-learn does (tests compare the two). It also tells us which word pushed the
score up, which becomes the evidence span.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

_TOKEN = re.compile(r"(?u)\b\w\w+\b")


@dataclass(frozen=True)
class ProfanityModel:
    """Per-word weights of the shipped model: ``weights[word] = (idf, (w_1*idf, ..., w_k*idf))``."""

    weights: dict[str, tuple[float, tuple[float, ...]]]
    stop_words: frozenset[str]
    intercepts: tuple[float, ...]
    calibration: tuple[tuple[float, float], ...]  # (a, b): p = 1 / (1 + exp(a * f + b))

    def score(
        self, text: str, ignore: frozenset[str] = frozenset()
    ) -> tuple[float, tuple[int, int] | None]:
        """Probability that ``text`` is offensive, and the span of the word that weighs most.

        Words in ``ignore`` are treated like stop words (see ``data/model_mild.txt``).
        """
        skip = self.stop_words | ignore
        tokens = [m for m in _TOKEN.finditer(text.lower()) if m.group() not in skip]
        counts = Counter(m.group() for m in tokens if m.group() in self.weights)
        folds = len(self.intercepts)
        if not counts:
            return self._probability([0.0] * folds), None
        norm = math.sqrt(sum((n * self.weights[word][0]) ** 2 for word, n in counts.items()))
        decisions = [0.0] * folds
        strongest, strongest_weight = "", -math.inf
        for word, n in counts.items():
            word_weights = self.weights[word][1]
            for k in range(folds):
                decisions[k] += n * word_weights[k] / norm
            mean_weight = sum(word_weights) / folds
            if mean_weight > strongest_weight:
                strongest, strongest_weight = word, mean_weight
        span = next((m.span() for m in tokens if m.group() == strongest), None)
        return self._probability(decisions), span

    def _probability(self, decisions: list[float]) -> float:
        total = 0.0
        for (a, b), decision, intercept in zip(
            self.calibration, decisions, self.intercepts, strict=True
        ):
            exponent = a * (decision + intercept) + b
            total += 1.0 / (1.0 + math.exp(exponent)) if exponent < 700 else 0.0
        return total / len(self.calibration)


@cache
def profanity_model() -> ProfanityModel:
    """Load the shipped model once per process (about a second, mostly importing sklearn)."""
    from profanity_check import profanity_check as shipped  # imported late: slow (sklearn)

    vectorizer, calibrated = shipped.vectorizer, shipped.model
    idf = vectorizer.idf_
    classifiers = calibrated.calibrated_classifiers_
    coefs = [c.estimator.coef_[0] for c in classifiers]
    weights = {
        word: (float(idf[i]), tuple(float(coef[i] * idf[i]) for coef in coefs))
        for word, i in vectorizer.vocabulary_.items()
    }
    return ProfanityModel(
        weights=weights,
        stop_words=frozenset(vectorizer.get_stop_words() or ()),
        intercepts=tuple(float(c.estimator.intercept_[0]) for c in classifiers),
        calibration=tuple(
            (float(c.calibrators[0].a_), float(c.calibrators[0].b_)) for c in classifiers
        ),
    )
