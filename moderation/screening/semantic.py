"""The semantic screener's model: per-label heads on character pieces and words, calibrated.

Rules and word lists catch what they were written for; this reads how a comment is written,
learned from tens of thousands of real, human-labelled comments and the school's own sets.

1. **Features** (``text_features``): TF-IDF weighted 2-5 character pieces of each word (they
   keep spellings a word list misses: "n0nce", "thicc", "sh4gger") and the words and word pairs.
2. **Heads**: one binary logistic regression per label (``python -m
   moderation.screening.train``; ``data/semantic_classifier.json`` and
   ``data/semantic_features.npz``).
3. **Calibration**: each head's logit is mapped to a probability by a Platt fit on a
   calibration part that no head was trained on.
4. **Thresholds**: per label, chosen on the calibration part for a stated false-hold budget
   (the rules' holds included) at three operating points, ``strict``, ``balanced`` and
   ``relaxed`` (``SENSITIVITIES``); a school picks one.

The pipeline thresholds scores, not probabilities: ``score`` rescales a probability so the
label's threshold at the school's sensitivity lands on the label's default threshold (0.5, or
0.9 for profanity). A school that raises a label's threshold makes the model stricter for that
label too.

A school's corrections (``adaptation.py``) adjust this per school: thresholds refitted from
moderators' reclassifications, and a similar comment taking the verdict a moderator gave.

The sentence encoder (``encoder.py``, all-MiniLM-L6-v2 in numpy) was this screener's reader
until issue 15; see docs/screening.md for why the heads read characters and words instead.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import NDArray

from moderation.screening.encoder import SemanticModelMissing
from moderation.screening.types import DEFAULT_THRESHOLDS

if TYPE_CHECKING:
    from moderation.screening.adaptation import SchoolAdaptation

CLASSIFIER_PATH = Path(__file__).resolve().parent / "data" / "semantic_classifier.json"
FEATURES_PATH = CLASSIFIER_PATH.with_name("semantic_features.npz")
NGRAMS = (2, 5)  # character piece lengths the heads read
_WORD = re.compile(r"[a-z0-9']+|[^\sa-z0-9']")
Sensitivity = Literal["strict", "balanced", "relaxed"]
SENSITIVITIES: tuple[Sensitivity, ...] = ("strict", "balanced", "relaxed")
DEFAULT_SENSITIVITY: Sensitivity = "balanced"


def char_ngrams(text: str) -> list[str]:
    """Every 2-5 character piece of every word, each word padded with a space either side
    (" k1", "k1l", "ll "). As in scikit-learn's ``char_wb``, a padded word shorter than a piece
    stands for that piece too. The training script feeds this very function to scikit-learn,
    so the features cannot drift apart."""
    grams: list[str] = []
    low, high = NGRAMS
    for word in text.lower().split():
        padded = f" {word} "
        for n in range(low, high + 1):
            grams.extend(padded[i : i + n] for i in range(max(1, len(padded) - n + 1)))
    return grams


def text_features(text: str) -> list[str]:
    """What the heads read: ``char_ngrams`` plus each word and word pair (prefixed ``w:``,
    so a word and a character piece never share a column). The training script feeds this
    very function to scikit-learn, so the features cannot drift apart."""
    words = _WORD.findall(text.lower())
    pairs = [f"w:{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    return [*char_ngrams(text), *(f"w:{word}" for word in words), *pairs]


def rescale(probability: float, threshold: float, bar: float) -> float:
    """Piecewise linear: ``threshold`` lands on ``bar``, 0 on 0 and 1 on 1."""
    if probability < threshold:
        return bar * probability / threshold
    return bar + (1.0 - bar) * (probability - threshold) / (1.0 - threshold)


@dataclass(frozen=True)
class TextFeatures:
    """TF-IDF over ``text_features`` (scikit-learn's ``TfidfVectorizer`` with ``sublinear_tf``
    and l2 norm), computed with a dictionary lookup per feature."""

    index: dict[str, int]
    idf: NDArray[np.float64]

    def weights(self, text: str) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        counts = Counter(g for g in text_features(text) if g in self.index)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        columns = np.fromiter((self.index[g] for g in counts), dtype=np.int64, count=len(counts))
        tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
        weights = tf * self.idf[columns]
        return columns, weights / float(np.linalg.norm(weights))


@dataclass(frozen=True)
class SemanticClassifier:
    labels: tuple[str, ...]
    coef: NDArray[np.float64]  # (features, labels)
    intercept: NDArray[np.float64]  # (labels,)
    calibration: NDArray[np.float64]  # (labels, 2): p = sigmoid(a * logit + b)
    thresholds: Mapping[str, Mapping[str, float]]  # sensitivity -> label -> probability
    features: TextFeatures

    @classmethod
    def load(cls, path: Path = CLASSIFIER_PATH) -> SemanticClassifier:
        if not path.is_file():
            raise SemanticModelMissing(
                f"{path} is missing: rebuild it with python -m moderation.screening.train"
            )
        data = json.loads(path.read_text(encoding="utf-8"))
        with np.load(_companion(path, data["features"])) as arrays:
            features = TextFeatures(
                index={str(g): i for i, g in enumerate(arrays["grams"].tolist())},
                idf=arrays["idf"].astype(np.float64),
            )
            coef = arrays["coef"].astype(np.float64)
        return cls(
            labels=tuple(data["labels"]),
            coef=coef,
            intercept=np.asarray(data["intercept"], dtype=np.float64),
            calibration=np.asarray(data["calibration"], dtype=np.float64),
            thresholds=data["thresholds"],
            features=features,
        )

    def vector(self, text: str) -> dict[int, float]:
        """The comment's l2-normalised feature vector (what ``adaptation`` compares)."""
        columns, weights = self.features.weights(text)
        return dict(zip(columns.tolist(), weights.tolist(), strict=True))

    def probabilities(self, text: str) -> dict[str, float]:
        """Calibrated P(label) for every label."""
        return self.probabilities_batch([text])[0]

    def probabilities_batch(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """``probabilities`` of many texts, calibrated together (``pipeline.screen_comments``).
        Each row is a dictionary lookup per feature and a small gather, so there is no matrix
        to build: one text costs what it cost alone."""
        if not texts:
            return []
        logits = np.array(
            [
                self.intercept + (weights @ self.coef[columns] if len(columns) else 0.0)
                for columns, weights in map(self.features.weights, texts)
            ]
        )
        z = self.calibration[:, 0] * logits + self.calibration[:, 1]
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))
        return [dict(zip(self.labels, row, strict=True)) for row in p.tolist()]

    def threshold(self, label: str, sensitivity: str) -> float:
        return float(self.thresholds[sensitivity][label])

    def score(self, probability: float, label: str, threshold: float) -> float:
        """The probability rescaled so ``threshold`` lands on the label's default threshold."""
        return rescale(probability, threshold, DEFAULT_THRESHOLDS.get(label, 0.5))

    def labels_for(
        self, text: str, *, sensitivity: str, adaptation: SchoolAdaptation | None = None
    ) -> list[SemanticLabel]:
        """Every label with its score (for the pipeline's thresholds), its calibrated
        probability, the threshold it was held to, and a note when a school's correction
        decided it."""
        return self.labels_for_batch([text], sensitivity=sensitivity, adaptation=adaptation)[0]

    def labels_for_batch(
        self, texts: Sequence[str], *, sensitivity: str, adaptation: SchoolAdaptation | None = None
    ) -> list[list[SemanticLabel]]:
        """``labels_for`` of many texts, the model run once over all of them."""
        base = {label: self.threshold(label, sensitivity) for label in self.labels}
        thresholds = {**base, **(adaptation.thresholds if adaptation is not None else {})}
        return [
            self._labels(text, probabilities, thresholds, adaptation)
            for text, probabilities in zip(texts, self.probabilities_batch(texts), strict=True)
        ]

    def _labels(
        self,
        text: str,
        probabilities: dict[str, float],
        thresholds: Mapping[str, float],
        adaptation: SchoolAdaptation | None,
    ) -> list[SemanticLabel]:
        notes = dict.fromkeys(probabilities, "")
        if adaptation is not None:
            nearest = adaptation.nearest(self.vector(text), _exemplar_vector)
            if nearest is not None:
                corrected, similarity = nearest
                if not corrected:
                    return []  # a moderator here called a comment just like it ordinary
                for label in corrected:
                    probabilities[label] = max(probabilities[label], thresholds[label])
                    notes[label] = (
                        f"; a moderator here labelled a similar comment {label} "
                        f"(similarity {similarity:.2f})"
                    )
        return [
            SemanticLabel(label, self.score(p, label, thresholds[label]), p,
                          thresholds[label], notes[label])
            for label, p in probabilities.items()
        ]  # fmt: skip


@dataclass(frozen=True)
class SemanticLabel:
    label: str
    score: float  # rescaled: the threshold lands on the label's default threshold
    probability: float  # calibrated
    threshold: float  # the probability it had to reach
    note: str


def _companion(path: Path, entry: dict[str, str]) -> Path:
    """A data file the classifier names, checked against the hash it was trained with."""
    companion = path.with_name(entry["file"])
    if not companion.is_file():
        raise SemanticModelMissing(
            f"{companion} is missing: rebuild it with python -m moderation.screening.train"
        )
    if hashlib.sha256(companion.read_bytes()).hexdigest() != entry["sha256"]:
        raise SemanticModelMissing(
            f"{companion} does not match {path.name}: "
            "rebuild both with python -m moderation.screening.train"
        )
    return companion


OPERATING_POINTS_MEASURED_ON = (
    "the calibration part of the training data (real comments and the school's own sets), "
    "never trained on; held-out figures are in docs/screening.md"
)


@cache
def operating_points() -> list[dict[str, float | str]]:
    """What each sensitivity means in numbers: the share of harmful and of ordinary comments
    held (rules included), on real comments and on the school's own, as the training script
    measured them on its calibration part."""
    data = json.loads(CLASSIFIER_PATH.read_text(encoding="utf-8"))
    points = data["operating_points_on_calibration"]
    return [{"name": name, **points[name]} for name in SENSITIVITIES]


@lru_cache(maxsize=4096)
def _exemplar_vector(text: str) -> dict[int, float]:
    """A corrected comment's vector, computed once per process (see ``adaptation``)."""
    return semantic_model().vector(text)


@cache
def semantic_model() -> SemanticClassifier:
    """Load the classifier once per process; fail loudly if it is missing or malformed."""
    classifier = SemanticClassifier.load()
    for sensitivity in SENSITIVITIES:
        for label in classifier.labels:
            value = classifier.threshold(label, sensitivity)
            if not math.isfinite(value) or not 0 < value < 1:
                raise SemanticModelMissing(f"bad {sensitivity} threshold {value} for {label}")
    return classifier
