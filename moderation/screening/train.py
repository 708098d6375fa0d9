"""Rebuild the semantic screener: ``python -m moderation.screening.train`` (``make screening``).

1. **Data** (``corpus.py``): the real corpus's training part plus the school's own training
   sets (``corpus.SCHOOL_TRAINING_FILES``) and a few hundred neutral sentences naming
   identity groups (``identity_examples``). One school comment in ``SCHOOL_CALIBRATION_EVERY``
   (by text hash) and the corpus's calibration part are kept for calibration. Anything that is
   a near copy of an evaluation comment (the corpus's held-out part, ``eval.jsonl``,
   ``blind*.jsonl``) is dropped first.
2. **Features**: each comment as the screener reads it (folded, the demo school's allowed
   words blanked, register names as "the child"), as TF-IDF character pieces, words and word
   pairs (``semantic.text_features``).
3. **Heads**: one logistic regression per label (``semantic.SemanticClassifier``).
4. **Calibration**: a Platt fit per label on the calibration part.
5. **Thresholds**: per label, at ``BUDGETS`` (the share of ordinary calibration comments held,
   the rules' holds included, taking the worse of the real and the school comments): the
   budget is spent label by label where it holds the most harmful comments
   (``choose_thresholds``).

Deterministic: the same data and weights give the same files. The held-out parts are never
read here except to drop their near copies from training.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from moderation.screening import corpus
from moderation.screening.corpus import Example
from moderation.screening.semantic import (
    CLASSIFIER_PATH,
    FEATURES_PATH,
    SENSITIVITIES,
    text_features,
)
from moderation.screening.types import LABELS, ScreeningConfig

C = 4.0  # inverse regularisation of each head
MIN_DF = 3
MAX_FEATURES = 60_000
SCHOOL_CALIBRATION_EVERY = 5
# Share of ordinary comments held (rules included) at each operating point, on calibration data.
BUDGETS = {"strict": 0.08, "balanced": 0.04, "relaxed": 0.02}
THRESHOLD_CAP = 0.999  # a label the budget cannot afford is left here (next to never fires)
THRESHOLD_STEPS = 60  # candidate thresholds per label: quantiles of its ordinary scores
LOOKAHEAD = 8  # candidate steps down a label is tried at once
IDENTITY_SOURCE = "identity-neutral-augmentation"
# Neutral sentences naming a group, so a group's name alone does not read as hate (the real
# hate data names groups far more often in attacks than in passing). Different frames from
# the templated pairs in the tests.
IDENTITY_GROUPS = (
    "gay", "lesbian", "trans", "muslim", "moslem", "jewish", "christian", "sikh", "hindu",
    "black", "white", "asian", "mexican", "polish", "romanian", "african", "pakistani",
    "indian", "chinese", "irish", "disabled", "deaf", "autistic", "immigrant", "refugee",
    "traveller", "bisexual",
)  # fmt: skip
IDENTITY_FRAMES = (
    "{g} support group meets on tuesdays",
    "the {g} parents network has organised a coffee morning",
    "thank you to the {g} community for the donations to the food bank",
    "my husband is {g} and he loved the assembly",
    "we are a {g} family and feel very welcome here",
    "there is a {g} history display in the library this week",
    "is the {g} club still running after half term?",
    "my daughter's best friend is {g}",
    "{g} people are part of this town too",
    "great article about {g} footballers",
)


def identity_examples() -> list[Example]:
    return [
        Example(frame.format(g=group), (), IDENTITY_SOURCE)
        for group in IDENTITY_GROUPS
        for frame in IDENTITY_FRAMES
    ]


def model_inputs(texts: Sequence[str], config: ScreeningConfig) -> list[str]:
    """Each comment as the semantic screener reads it (``screeners.semantic_input``)."""
    from moderation.screening.pipeline import prepare
    from moderation.screening.screeners import semantic_input

    return [semantic_input(prepare(text, config)) for text in texts]


def evaluation_texts() -> list[str]:
    """Every comment any measurement reads: never trained on, nor anything like it."""
    parts = corpus.corpus_parts()
    school = [
        e for name in corpus.SCHOOL_HELDOUT_FILES for e in corpus.read_school(f"{name}.jsonl")
    ]
    return [e.text for e in parts[corpus.HELDOUT]] + [e.text for e in school]


@dataclass(frozen=True)
class TrainingData:
    train: list[Example]
    calibrate: list[Example]
    dropped: dict[str, int]


def training_data() -> TrainingData:
    parts = corpus.corpus_parts()
    school = [e for name in corpus.SCHOOL_TRAINING_FILES for e in corpus.read_school(name)]
    school += identity_examples()
    calibrating = [int(corpus.row_hash(e.text), 16) % SCHOOL_CALIBRATION_EVERY == 0 for e in school]
    school_calibrate = [e for e, c in zip(school, calibrating, strict=True) if c]
    school_train = [e for e, c in zip(school, calibrating, strict=True) if not c]
    index = corpus.NearCopyIndex(evaluation_texts())
    kept: dict[str, list[Example]] = {}
    dropped: dict[str, int] = {}
    for name, examples in (
        ("real_train", parts[corpus.TRAIN]),
        ("real_calibrate", parts[corpus.CALIBRATE]),
        ("school_train", school_train),
        ("school_calibrate", school_calibrate),
    ):
        kept[name], gone = corpus.drop_near_copies(examples, index)
        dropped[name] = len(gone)
    return TrainingData(
        train=kept["real_train"] + kept["school_train"],
        calibrate=kept["real_calibrate"] + kept["school_calibrate"],
        dropped=dropped,
    )


def targets(examples: Sequence[Example]) -> NDArray[np.bool_]:
    """(comments, labels): which labels each comment carries."""
    return np.array([[label in e.labels for label in LABELS] for e in examples], dtype=np.bool_)


def is_real(examples: Sequence[Example]) -> NDArray[np.bool_]:
    return np.array([e.source in corpus.REAL_SOURCES for e in examples], dtype=np.bool_)


@dataclass
class Heads:
    vectoriser: Any
    models: list[Any]  # one binary logistic regression per label

    def logits(self, texts: Sequence[str]) -> NDArray[np.float64]:
        features = self.vectoriser.transform(texts)
        out: NDArray[np.float64] = np.stack(
            [model.decision_function(features) for model in self.models], axis=1
        )
        return out


def fit_heads(texts: Sequence[str], y: NDArray[np.bool_]) -> Heads:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectoriser = TfidfVectorizer(
        analyzer=text_features, sublinear_tf=True, min_df=MIN_DF, max_features=MAX_FEATURES,
        dtype=np.float32,
    )  # fmt: skip
    features = vectoriser.fit_transform(texts)
    models = [
        LogisticRegression(C=C, solver="liblinear", class_weight="balanced").fit(features, y[:, i])
        for i in range(len(LABELS))
    ]
    return Heads(vectoriser, models)


def fit_calibration(logits: NDArray[np.float64], y: NDArray[np.bool_]) -> NDArray[np.float64]:
    """Per label (a, b) with P = sigmoid(a * logit + b), fitted on calibration comments."""
    from sklearn.linear_model import LogisticRegression

    out = np.zeros((len(LABELS), 2))
    for i in range(len(LABELS)):
        model = LogisticRegression(C=1e4, max_iter=1000).fit(logits[:, [i]], y[:, i])
        out[i] = model.coef_[0, 0], model.intercept_[0]
    return out


def calibrated(
    logits: NDArray[np.float64], calibration: NDArray[np.float64]
) -> NDArray[np.float64]:
    z = logits * calibration[:, 0] + calibration[:, 1]
    out: NDArray[np.float64] = 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))
    return out


def rules_held(texts: Sequence[str], config: ScreeningConfig) -> NDArray[np.bool_]:
    from moderation.screening.pipeline import screen_rules

    return np.array([screen_rules(text, config).verdict != "ok" for text in texts])


def false_hold(
    held: NDArray[np.bool_], ordinary: NDArray[np.bool_], real: NDArray[np.bool_]
) -> float:
    """The worse of the real and the school comments' false-hold rates (of those present)."""
    groups = (ordinary & real, ordinary & ~real)
    return max(float(held[group].mean()) for group in groups if group.any())


def choose_thresholds(
    probabilities: NDArray[np.float64],
    y: NDArray[np.bool_],
    rules: NDArray[np.bool_],
    real: NDArray[np.bool_],
    budget: float,
) -> NDArray[np.float64]:
    """Per-label thresholds that spend the false-hold ``budget`` where it holds the most harm.

    Every threshold starts at ``THRESHOLD_CAP``; the comments the rules hold count as held
    already. Each step lowers the one label's threshold whose move holds the most harmful
    calibration comments per ordinary comment it adds (looking up to ``LOOKAHEAD`` candidate
    steps down, since a single step may add nothing), while the worse of the real and the
    school false-hold rates stays within ``budget``. It stops when no label's next steps hold
    another harmful comment within the budget, so a little budget may go unspent. A label
    whose extra holds are mostly ordinary comments (hate, on real comments) keeps a high
    threshold and leaves the budget to labels that use it well (profanity), which one common
    quantile for every label could not do."""
    ordinary = np.asarray(~y.any(axis=1), dtype=np.bool_)
    harmful = ~ordinary
    shares = np.linspace(0.0, budget * 1.5, THRESHOLD_STEPS)
    candidates = [
        np.unique(
            np.clip(np.quantile(probabilities[ordinary, j], 1.0 - shares), 0.02, THRESHOLD_CAP)
        )
        for j in range(probabilities.shape[1])
    ]
    thresholds = np.full(probabilities.shape[1], THRESHOLD_CAP)
    held = rules | (probabilities >= thresholds).any(axis=1)
    while True:
        best: tuple[float, int, float] | None = None
        for j, steps in enumerate(candidates):
            for threshold in steps[steps < thresholds[j]][::-1][:LOOKAHEAD]:
                moved = held | (probabilities[:, j] >= threshold)
                if false_hold(moved, ordinary, real) > budget:
                    break
                gained = int((moved & harmful).sum() - (held & harmful).sum())
                cost = int((moved & ordinary).sum() - (held & ordinary).sum())
                ratio = gained / (cost + 0.5)
                if best is None or ratio > best[0]:
                    best = (ratio, j, float(threshold))
        if best is None or best[0] <= 0:
            return thresholds
        _, j, thresholds[j] = best
        held |= probabilities[:, j] >= thresholds[j]


def operating_point(
    probabilities: NDArray[np.float64],
    y: NDArray[np.bool_],
    rules: NDArray[np.bool_],
    real: NDArray[np.bool_],
    thresholds: NDArray[np.float64],
) -> dict[str, float]:
    held = rules | (probabilities >= thresholds).any(axis=1)
    harmful = y.any(axis=1)
    return {
        f"{kind}_{metric}": round(float(held[mask & want].mean()), 4)
        for kind, mask in (("real", real), ("school", ~real))
        for metric, want in (("recall", harmful), ("false_hold", ~harmful))
    }


def save_features(heads: Heads, out: Path) -> None:
    vocabulary = heads.vectoriser.vocabulary_
    grams = sorted(vocabulary, key=vocabulary.__getitem__)
    coef = np.stack([model.coef_[0] for model in heads.models], axis=1)
    with out.open("wb") as handle:
        np.savez_compressed(
            handle,
            grams=np.array(grams),
            idf=heads.vectoriser.idf_.astype(np.float32),
            coef=coef.astype(np.float16),
        )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _progress(started: float, what: str) -> None:
    print(f"{time.perf_counter() - started:7.1f}s {what}", file=sys.stderr, flush=True)


def train(out: Path = CLASSIFIER_PATH) -> dict[str, Any]:
    """Steps 1-5 of the module docstring; writes the two model files."""
    import sklearn

    started = time.perf_counter()
    config = corpus.demo_school()
    data = training_data()
    _progress(started, f"data: {len(data.train)} train, {len(data.calibrate)} calibrate")
    heads = fit_heads(model_inputs([e.text for e in data.train], config), targets(data.train))
    _progress(started, "heads fitted")
    cal_texts = model_inputs([e.text for e in data.calibrate], config)
    y_cal = targets(data.calibrate)
    calibration = fit_calibration(heads.logits(cal_texts), y_cal)
    p_cal = calibrated(heads.logits(cal_texts), calibration)
    rules = rules_held([e.text for e in data.calibrate], config)
    _progress(started, "rules run on the calibration part")
    real = is_real(data.calibrate)
    thresholds = {
        s: choose_thresholds(p_cal, y_cal, rules, real, BUDGETS[s]) for s in SENSITIVITIES
    }
    features_file = out.with_name(FEATURES_PATH.name)
    save_features(heads, features_file)
    artifact: dict[str, Any] = {
        "about": "Semantic screener heads; rebuild with python -m moderation.screening.train",
        "labels": list(LABELS),
        "intercept": [round(float(m.intercept_[0]), 6) for m in heads.models],
        "calibration": [[round(float(v), 6) for v in row] for row in calibration],
        "thresholds": {
            s: {label: round(float(t), 6) for label, t in zip(LABELS, thresholds[s], strict=True)}
            for s in SENSITIVITIES
        },
        "operating_points_on_calibration": {
            s: {"budget": BUDGETS[s], **operating_point(p_cal, y_cal, rules, real, thresholds[s])}
            for s in SENSITIVITIES
        },
        "features": {
            "file": features_file.name,
            "sha256": _sha256(features_file),
            "count": len(heads.vectoriser.vocabulary_),
        },  # fmt: skip
        "training": {
            "corpus_sha256": corpus.file_sha256(corpus.corpus_path()),
            "split_sha256": _sha256(corpus.SPLIT_PATH),
            "school_files": {
                name: _sha256(corpus.FIXTURES / name) for name in corpus.SCHOOL_TRAINING_FILES
            },
            "train_comments": len(data.train),
            "calibration_comments": len(data.calibrate),
            "near_copies_dropped": data.dropped,
            "C": C,
            "budgets": BUDGETS,
            "scikit_learn": sklearn.__version__,
        },
    }
    out.write_text(json.dumps(artifact, indent=1) + "\n", encoding="utf-8")
    return {
        "wrote": str(out),
        "seconds": round(time.perf_counter() - started, 1),
        **artifact["training"],
        "operating_points_on_calibration": artifact["operating_points_on_calibration"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.parse_args()
    from threadpoolctl import threadpool_limits  # comes with scikit-learn

    threadpool_limits(1)  # one core, shared politely
    print(json.dumps(train(), indent=2))


if __name__ == "__main__":
    main()
