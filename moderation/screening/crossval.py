"""Choose the semantic screener's design on training-side data only: ``python -m
moderation.screening.crossval``.

Compares, on the calibration part (never fitted on by any head) and by k-fold
cross-validation within the training part, the harmful comments held at fixed shares of
ordinary comments held (rules included on the calibration part):

* ``v1``: per-label logistic heads on TF-IDF character pieces and words (``train.fit_heads``);
* ``minilm``: per-label logistic heads on the MiniLM sentence embedding;
* ``stacked``: per label, a logistic regression over the two heads' logits, fitted on the
  calibration part (cross-validated there, so its figures are out-of-sample).

Held-out comments are read only to drop their near copies from training (as
``train.training_data`` does), never embedded or scored. Embeddings come from the on-disk
cache (``embeddings``). The figures in docs/screening.md came from ``--folds 3 --c 2`` and a
run with the default C values.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from moderation.screening import corpus, train
from moderation.screening.types import LABELS

BUDGETS = (0.02, 0.04, 0.05, 0.08, 0.10)
MINILM_C = (0.5, 2.0, 8.0)  # C=2 carried to the k-fold run
FOLDS = 5


def fit_meaning_heads(vectors: NDArray[np.float32], y: NDArray[np.bool_], c: float) -> MeaningHeads:
    """One logistic regression per label on the MiniLM embeddings."""
    from sklearn.linear_model import LogisticRegression

    models = [
        LogisticRegression(C=c, class_weight="balanced", max_iter=3000).fit(vectors, y[:, i])
        for i in range(len(LABELS))
    ]
    coef = np.stack([m.coef_[0] for m in models], axis=1).astype(np.float64)
    return MeaningHeads(coef, np.array([m.intercept_[0] for m in models], dtype=np.float64))


@dataclass(frozen=True)
class MeaningHeads:
    coef: NDArray[np.float64]  # (384, labels)
    intercept: NDArray[np.float64]

    def logits(self, vectors: NDArray[np.float32]) -> NDArray[np.float64]:
        out: NDArray[np.float64] = vectors.astype(np.float64) @ self.coef + self.intercept
        return out


def minilm_logits(
    vectors: NDArray[np.float32], y: NDArray[np.bool_], c: float, test: NDArray[np.float32]
) -> NDArray[np.float64]:
    """The MiniLM heads fitted on ``vectors``, applied to ``test``."""
    return fit_meaning_heads(vectors, y, c).logits(test)


def stacked_out_of_fold(
    parts: Sequence[NDArray[np.float64]], y: NDArray[np.bool_], folds: int = FOLDS
) -> NDArray[np.float64]:
    """Per label, the stacker's out-of-fold logit over the given heads' logits."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    out = np.zeros(y.shape)
    for i in range(len(LABELS)):
        features = np.stack([p[:, i] for p in parts], axis=1)
        if y[:, i].sum() < folds:
            out[:, i] = features.mean(axis=1)
            continue
        for fit_rows, test_rows in StratifiedKFold(folds, shuffle=True, random_state=0).split(
            features, y[:, i]
        ):
            model = LogisticRegression(C=1e4, max_iter=1000)
            model.fit(features[fit_rows], y[fit_rows, i])
            out[test_rows, i] = model.decision_function(features[test_rows])
    return out


def figures(
    scores: NDArray[np.float64],
    y: NDArray[np.bool_],
    rules: NDArray[np.bool_],
    real: NDArray[np.bool_],
) -> dict[str, Any]:
    """Harmful held at each budget (thresholds as ``train.choose_thresholds`` on Platt-scaled
    logits, the worse of real and school), hate recall, and real-only curves."""
    scores = train.calibrated(scores, train.fit_calibration(scores, y))  # Platt, as shipped
    out: dict[str, Any] = {}
    harmful = np.asarray(y.any(axis=1), dtype=np.bool_)
    for budget in BUDGETS:
        thresholds = train.choose_thresholds(scores, y, rules, real, budget)
        point = train.operating_point(scores, y, rules, real, thresholds)
        held = rules | (scores >= thresholds).any(axis=1)
        point["real_hate_recall"] = round(float(held[real & y[:, LABELS.index("hate")]].mean()), 4)
        # Real comments only (the goal): thresholds chosen on real ordinary comments.
        only = train.choose_thresholds(scores[real], y[real], rules[real], real[real], budget)
        real_held = rules[real] | (scores[real] >= only).any(axis=1)
        point["real_only_recall"] = round(float(real_held[harmful[real]].mean()), 4)
        point["real_only_false_hold"] = round(float(real_held[~harmful[real]].mean()), 4)
        out[f"{budget:.2f}"] = point
    out["auc"] = _aucs(scores, y, real)
    return out


def _aucs(
    scores: NDArray[np.float64], y: NDArray[np.bool_], real: NDArray[np.bool_]
) -> dict[str, float]:
    """Threshold-free: per label (a label's comments against ordinary ones) and harmful
    against ordinary by the highest calibrated probability, on real and school comments."""
    from sklearn.metrics import roc_auc_score

    ordinary = ~y.any(axis=1)
    out: dict[str, float] = {}
    for kind, mask in (("real", real), ("school", ~real)):
        rows = mask & ordinary
        harmful = mask & ~ordinary
        if rows.any() and harmful.any():
            top = scores.max(axis=1)
            keep = rows | harmful
            out[f"{kind}_harmful"] = round(float(roc_auc_score(harmful[keep], top[keep])), 4)
        for i, label in enumerate(LABELS):
            positive = mask & y[:, i]
            if positive.sum() >= 10:
                keep = rows | positive
                auc = roc_auc_score(positive[keep], scores[keep, i])
                out[f"{kind}_{label}"] = round(float(auc), 4)
    return out


def run(folds: int, c_values: Sequence[float] = MINILM_C) -> dict[str, Any]:
    from moderation.screening.embeddings import embeddings

    config = corpus.demo_school()
    data = train.training_data()
    train_texts = train.model_inputs([e.text for e in data.train], config)
    cal_texts = train.model_inputs([e.text for e in data.calibrate], config)
    y_train, y_cal = train.targets(data.train), train.targets(data.calibrate)
    real_cal, real_train = train.is_real(data.calibrate), train.is_real(data.train)
    e_train, e_cal = embeddings(train_texts), embeddings(cal_texts)
    rules = train.rules_held([e.text for e in data.calibrate], config)
    report: dict[str, Any] = {"calibration_part": {}, "training_cv": {}}
    heads = train.fit_heads(train_texts, y_train)
    v1_cal = heads.logits(cal_texts)
    cal = report["calibration_part"]
    cal["v1"] = figures(v1_cal, y_cal, rules, real_cal)
    for c in c_values:
        mini_cal = minilm_logits(e_train, y_train, c, e_cal)
        cal[f"minilm_C{c}"] = figures(mini_cal, y_cal, rules, real_cal)
        stacked = stacked_out_of_fold([v1_cal, mini_cal], y_cal)
        cal[f"stacked_C{c}"] = figures(stacked, y_cal, rules, real_cal)
        print(json.dumps({k: v["0.05"] for k, v in cal.items()}, indent=1), flush=True)
    if folds:
        report["training_cv"] = training_cv(train_texts, e_train, y_train, real_train, folds)
    return report


def training_cv(
    texts: Sequence[str],
    vectors: NDArray[np.float32],
    y: NDArray[np.bool_],
    real: NDArray[np.bool_],
    folds: int,
) -> dict[str, Any]:
    """Out-of-fold logits of v1 and the best MiniLM heads on the training part; the stacker
    is then cross-validated over those (no rules: they are the same for every design)."""
    from sklearn.model_selection import KFold

    v1 = np.zeros(y.shape)
    mini = np.zeros(y.shape)
    for fit_rows, test_rows in KFold(folds, shuffle=True, random_state=0).split(texts):
        heads = train.fit_heads([texts[i] for i in fit_rows], y[fit_rows])
        v1[test_rows] = heads.logits([texts[i] for i in test_rows])
        mini[test_rows] = minilm_logits(vectors[fit_rows], y[fit_rows], 2.0, vectors[test_rows])
        print("fold done", flush=True)
    none = np.zeros(len(y), dtype=np.bool_)
    return {
        "v1": figures(v1, y, none, real),
        "minilm_C2.0": figures(mini, y, none, real),
        "stacked_C2.0": figures(stacked_out_of_fold([v1, mini], y), y, none, real),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--folds", type=int, default=0, help="also k-fold CV on training")
    parser.add_argument("--c", type=float, nargs="*", help="MiniLM C values (default MINILM_C)")
    args = parser.parse_args()
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    print(json.dumps(run(args.folds, tuple(args.c or MINILM_C)), indent=1))


if __name__ == "__main__":
    main()
