"""Rebuild ``data/semantic_classifier.json``: ``python -m moderation.screening.train``.

Trains the semantic screener's classifier on the comments we may tune on, and only those:
``tests/fixtures/comments/dev.jsonl``, ``train_extra.jsonl`` and ``train_round4/5/6.jsonl``.
``eval.jsonl`` and ``blind*.jsonl`` are held out and the script refuses to read them.

1. Every comment is prepared exactly as ``screen_comment`` prepares it (folded, the school's
   allowed words blanked, register names replaced), using the demo school in
   ``context.json``, and embedded with all-MiniLM-L6-v2 (``encoder.py``).
2. A multinomial logistic regression learns 9 classes: ``ordinary`` and the 8 labels (a
   comment with two labels counts once for each).
3. The operating point on P(harmful) = 1 - P(ordinary) is chosen by 5-fold cross-validation:
   the value above which ``BUDGET`` of the training set's ordinary comments would be held
   when each is scored by a model that never saw it.
4. Round 3: the nearest-neighbour vote (``semantic.Neighbours``) is computed out of fold too;
   the decision value ``z(P(harmful)) + WEIGHT * z(margin)`` gets its own operating point at
   the same budget. Every training comment's embedding is stored (int8, ``quantise``) in
   ``data/semantic_exemplars.npz`` as the exemplars.
5. Round 4: a character n-gram model (``semantic.CharModel``, ``data/semantic_chars.npz``) is
   trained and scored out of fold the same way, and joins the decision value with weight
   ``CHAR_WEIGHT``.

Deterministic: the same data and weights give the same file. Takes a minute or two on one core,
nearly all of it embedding ~11,000 comments.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import time
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from moderation.screening.encoder import MODEL_PIP, encoder
from moderation.screening.semantic import (
    CHARS_PATH,
    CLASSIFIER_PATH,
    EXEMPLARS_PATH,
    ORDINARY,
    char_ngrams,
    knn_margins,
    segments,
)
from moderation.screening.types import LABELS, ScreeningConfig, Span

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "comments"
TRAINING_FILES = (
    "dev.jsonl",
    "train_extra.jsonl",
    "train_round4.jsonl",
    "train_round5.jsonl",
    "train_round6.jsonl",
)
HELD_OUT = re.compile(r"^(eval|blind)")
C = 2.0  # inverse regularisation; 2-4 were equal under cross-validation
BUDGET = 0.03  # share of ordinary training comments held, out of fold, at the operating point
FOLDS = 5
SEED = 0
CLASSES = (ORDINARY, *LABELS)
# Chosen by 5-fold cross-validation on the training data only (harmful recall at the 3% budget:
# LR alone 74.7%; LR + neighbours k=1/3/5/10, weight 0.25-1: 80-83%; k=3, weight 0.5, clauses
# included in the vote: 82.9%). Scoring clauses with the LR (max per label) lost recall (72.4%),
# as did per-label thresholds on P(label) (48%), so neither is used.
K = 3
WEIGHT = 0.5
# Round 4, cross-validated on the training data only (dev + train_extra + train_round4, 5,264
# comments; harmful recall at the 3% budget): LR + neighbours 75.8%; + character model at
# weight 0.25/0.5/1: 82.0/82.8/80.5%. Character pieces of 2-5 beat 3-6 and word 1-2-grams.
# Round 5 (8,288 comments) re-checked the grid (k 3/5/10, C 3/10/30, weights 0.25/0.5/1): the
# round-4 choice is within half a point of the best, both by 5-fold cross-validation (83.0%
# vs 83.4%) and trained on rounds 1-4 and scored on round 5's new authors (73.0% vs 74.0%).
CHAR_WEIGHT = 0.5
CHAR_C = 10.0


def load_training(files: tuple[str, ...] = TRAINING_FILES) -> list[dict[str, Any]]:
    records = []
    for name in files:
        if HELD_OUT.match(name):
            raise ValueError(f"{name} is held out and must never be trained on")
        for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                records.append(json.loads(line))
    return records


def demo_school() -> ScreeningConfig:
    """The school the fixtures were written for (``context.json``), as the bench builds it."""
    context = json.loads((FIXTURES / "context.json").read_text(encoding="utf-8"))
    names = "|".join(r"\s+".join(map(re.escape, n.split())) for n in context["register"])
    pattern = re.compile(rf"\b(?:{names})(?:'s)?\b", re.IGNORECASE)

    def find(text: str) -> list[Span]:
        return [m.span() for m in pattern.finditer(text)]

    return ScreeningConfig(
        allowed_words=context["allowed_words"],
        name_finder=find,
        staff_names=context["staff_names"],
        allowed_contacts=context["school_contacts"],
        allowed_domains=context["allowed_domains"],
    )


def model_inputs(records: list[dict[str, Any]], config: ScreeningConfig) -> list[str]:
    """Each comment as the semantic screener reads it (``screeners.semantic_input``)."""
    from moderation.screening.pipeline import prepare
    from moderation.screening.screeners import semantic_input

    return [semantic_input(prepare(r["text"], config)) for r in records]


def embed_all(texts: list[str]) -> tuple[NDArray[np.float32], list[NDArray[np.float32]]]:
    """The whole comments' embeddings, and for each comment its own and its clauses'."""
    model = encoder()
    every = [np.stack([model.embed(t)] + [model.embed(s) for s in segments(t)]) for t in texts]
    return np.stack([e[0] for e in every]), every


def membership(records: list[dict[str, Any]]) -> NDArray[np.bool_]:
    out = np.zeros((len(records), len(CLASSES)), dtype=np.bool_)
    for i, record in enumerate(records):
        for label in record["labels"] or [ORDINARY]:
            out[i, CLASSES.index(label)] = True
    return out


def _expand(
    x: NDArray[np.float32], records: list[dict[str, Any]]
) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    """One row per (comment, label); ordinary comments once as class 0."""
    rows, ys = [], []
    for vector, record in zip(x, records, strict=True):
        for label in record["labels"] or [ORDINARY]:
            rows.append(vector)
            ys.append(CLASSES.index(label))
    return np.stack(rows), np.asarray(ys)


def _fit(x: NDArray[np.float32], records: list[dict[str, Any]]) -> Any:
    from sklearn.linear_model import LogisticRegression

    rows, ys = _expand(x, records)
    model = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
    return model.fit(rows, ys)


def _harmful_probability(model: Any, x: NDArray[np.float32]) -> NDArray[np.float64]:
    ordinary = list(model.classes_).index(0)
    p: NDArray[np.float64] = 1.0 - model.predict_proba(x)[:, ordinary]
    return p


def fit_chars(texts: list[str], harmful: NDArray[np.bool_]) -> tuple[Any, Any]:
    """The character model: TF-IDF over ``char_ngrams`` and a binary logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectoriser = TfidfVectorizer(analyzer=char_ngrams, sublinear_tf=True, min_df=2)
    features = vectoriser.fit_transform(texts)
    model = LogisticRegression(C=CHAR_C, max_iter=5000, class_weight="balanced")
    return vectoriser, model.fit(features, harmful)


def cross_validate(
    x: NDArray[np.float32],
    every: list[NDArray[np.float32]],
    texts: list[str],
    records: list[dict[str, Any]],
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Out-of-fold P(harmful), neighbour margin and character P(harmful) for every comment."""
    from sklearn.model_selection import StratifiedKFold

    strata = [r["labels"][0] if r["labels"] else ORDINARY for r in records]
    members = membership(records)
    harmful = np.asarray(members[:, 1:].any(axis=1), dtype=np.bool_)
    out, margin, chars = (np.zeros(len(records)) for _ in range(3))
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED)
    for train, test in folds.split(x, strata):
        model = _fit(x[train], [records[i] for i in train])
        out[test] = _harmful_probability(model, x[test])
        for i in test:
            per_class = knn_margins((every[i] @ x[train].T).max(0), members[train], K)
            margin[i] = per_class[1:].max() - per_class[0]
        vectoriser, char_model = fit_chars([texts[i] for i in train], harmful[train])
        held = vectoriser.transform([texts[i] for i in test])
        chars[test] = char_model.predict_proba(held)[:, 1]
    return out, margin, chars


def _scale(values: NDArray[np.float64], weight: float = 1.0) -> dict[str, float]:
    """Mean and spread of ordinary comments' out-of-fold values (``semantic.Scale``)."""
    return {"mean": round(float(values.mean()), 6), "std": round(float(values.std()), 6),
            "weight": weight}  # fmt: skip


def quantise(x: NDArray[np.float32]) -> dict[str, Any]:
    """The exemplars as int8 and one scale: 3.5 MB instead of 8 for 11,000 comments, and a
    cosine similarity off by less than 0.0002 (see ``semantic.Neighbours``)."""
    scale = float(np.abs(x).max())
    return {"exemplars": np.round(x * (127 / scale)).astype(np.int8), "scale": np.float32(scale)}


def save_chars(vectoriser: Any, model: Any, out: Path) -> None:
    grams = sorted(vectoriser.vocabulary_, key=vectoriser.vocabulary_.__getitem__)
    with out.open("wb") as handle:
        np.savez_compressed(
            handle,
            grams=np.array(grams),
            idf=vectoriser.idf_.astype(np.float32),
            coef=model.coef_[0].astype(np.float32),
        )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def train(out: Path = CLASSIFIER_PATH) -> dict[str, Any]:
    import sklearn

    started = time.perf_counter()
    records = load_training()
    texts = model_inputs(records, demo_school())
    x, every = embed_all(texts)
    harmful = np.array([bool(r["labels"]) for r in records])
    oof, margin, chars = cross_validate(x, every, texts, records)
    threshold = float(np.quantile(oof[~harmful], 1.0 - BUDGET))
    scales = {
        "lr": _scale(oof[~harmful]),
        "neighbours": _scale(margin[~harmful], WEIGHT),
        "chars": _scale(chars[~harmful], CHAR_WEIGHT),
    }
    decision = np.zeros(len(records))
    for values, scale in (
        (oof, scales["lr"]),
        (margin, scales["neighbours"]),
        (chars, scales["chars"]),
    ):
        decision += scale["weight"] * (values - scale["mean"]) / scale["std"]
    combined = float(np.quantile(decision[~harmful], 1.0 - BUDGET))
    exemplars = out.with_name(EXEMPLARS_PATH.name)
    with exemplars.open("wb") as handle:
        np.savez_compressed(handle, **quantise(x), membership=membership(records))
    vectoriser, char_model = fit_chars(texts, harmful)
    char_file = out.with_name(CHARS_PATH.name)
    save_chars(vectoriser, char_model, char_file)
    model = _fit(x, records)
    order = [list(model.classes_).index(i) for i in range(len(CLASSES))]
    artifact: dict[str, Any] = {
        "about": "Semantic screener classifier; rebuild with python -m moderation.screening.train",
        "classes": list(CLASSES),
        "threshold": round(threshold, 6),
        "coef": [[round(float(v), 6) for v in model.coef_[i]] for i in order],
        "intercept": [round(float(model.intercept_[i]), 6) for i in order],
        "encoder": {"package": MODEL_PIP, "weights_sha256": encoder().weights_sha256},
        "neighbours": {"file": exemplars.name, "sha256": _sha256(exemplars), "k": K},
        "characters": {
            "file": char_file.name,
            "sha256": _sha256(char_file),
            "intercept": round(float(char_model.intercept_[0]), 6),
            "grams": len(vectoriser.vocabulary_),
        },
        "decision": {**scales, "threshold": round(combined, 6)},
        "training": {
            "files": {name: _sha256(FIXTURES / name) for name in TRAINING_FILES},
            "comments": len(records),
            "harmful": int(harmful.sum()),
            "C": C,
            "char_C": CHAR_C,
            "budget": BUDGET,
            "scikit_learn": sklearn.__version__,
            "cross_validated": {
                "harmful_recall_at_threshold": round(float((oof[harmful] >= threshold).mean()), 4),
                "ordinary_held_at_threshold": round(float((oof[~harmful] >= threshold).mean()), 4),
                "combined_harmful_recall": round(float((decision[harmful] >= combined).mean()), 4),
                "combined_ordinary_held": round(float((decision[~harmful] >= combined).mean()), 4),
            },
        },
    }
    out.write_text(json.dumps(artifact, indent=1) + "\n", encoding="utf-8")
    return {
        "wrote": str(out),
        "seconds": round(time.perf_counter() - started, 1),
        **artifact["training"],
        "threshold": artifact["threshold"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    print(json.dumps(train(), indent=2))


if __name__ == "__main__":
    main()
