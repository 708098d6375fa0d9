"""Comment-screening benchmark: recall on harmful comments, false holds on ordinary ones, speed.

    .venv/bin/python -m bench.screening_bench            # every held-out set
    .venv/bin/python -m bench.screening_bench --split dev --misses   # tuning set, with misses

Held out: the real, human-labelled corpus's held-out part (``real_heldout``, see
moderation/screening/corpus.py; needs ../shared/data beside the repository) and the school's
own held-out sets (eval.jsonl, blind*.jsonl). For each: the shipped verdicts (balanced
sensitivity), the rules alone, each operating point, and harmful recall at 1%, 5% and 10% of
ordinary comments held (overall and per label).

The held-out sets (tests/fixtures/comments/eval.jsonl, blind*.jsonl) are never
used to tune word lists, rules or the semantic classifier; dev.jsonl and train_extra.jsonl are. See
tests/fixtures/comments/PROVENANCE.md. Every held-out figure is reported twice: for the whole
screener, and for the rules alone (the same run with the semantic screener's labels left out),
so the semantic model's contribution is visible. Misses on the blind sets are never listed.

Throughput is measured in this single thread, with numpy's BLAS limited to one thread; run
from the command line the process is also pinned to one CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from moderation.screening import (
    LABELS,
    ScreeningConfig,
    ScreenResult,
    corpus,
    screen_comment,
    screen_comments,
)
from moderation.screening.pipeline import prepare, verdict_for
from moderation.screening.screeners import SEMANTIC, semantic_input
from moderation.screening.semantic import SENSITIVITIES, semantic_model
from moderation.screening.types import ESCALATE_LABELS

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "comments"
TARGET_RECALL = 0.90
TARGET_FALSE_HOLD = 0.05
BLIND_SETS = ("blind3", "blind4", "blind5", "blind6", "blind7", "blind8")
FALSE_HOLD_POINTS = (0.01, 0.05, 0.10)


def load(split: str) -> list[dict[str, Any]]:
    lines = (FIXTURES / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def school_config() -> ScreeningConfig:
    """The demo school the fixtures are written for (tests/fixtures/comments/context.json)."""
    return corpus.demo_school()


def _summary(rows: list[tuple[dict[str, Any], str, set[str]]]) -> dict[str, Any]:
    """Recall and false holds for (record, verdict, fired labels) rows."""
    harmful = [(r, v) for r, v, _ in rows if r["harmful"]]
    ordinary = [v for r, v, _ in rows if not r["harmful"]]
    escalating = [v for r, v in harmful if ESCALATE_LABELS & set(r["labels"])]
    per_label = {}
    for label in LABELS:
        expected = [fired for r, _, fired in rows if label in r["labels"]]
        if expected:
            found = sum(label in fired for fired in expected)
            per_label[label] = {"found": found, "of": len(expected),
                                "recall": round(found / len(expected), 4)}  # fmt: skip

    def share(hits: int, total: int) -> float | None:
        return round(hits / total, 4) if total else None

    return {
        "comments": len(rows),
        "harmful": len(harmful),
        "ordinary": len(ordinary),
        "recall_harmful_held": share(sum(v != "ok" for _, v in harmful), len(harmful)),
        "recall_escalation": share(sum(v == "escalate" for v in escalating), len(escalating)),
        "false_hold_rate": share(sum(v != "ok" for v in ordinary), len(ordinary)),
        "recall_per_label": per_label,
    }


def pooled(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """The blind sets taken together: every comment counts once, whichever set it is in."""
    harmful = sum(r["harmful"] for r in reports)
    ordinary = sum(r["ordinary"] for r in reports)
    held = round(sum(r["recall_harmful_held"] * r["harmful"] for r in reports))
    false_holds = round(sum(r["false_hold_rate"] * r["ordinary"] for r in reports))
    return {
        "harmful": harmful,
        "ordinary": ordinary,
        "recall_harmful_held": round(held / harmful, 4),
        "false_hold_rate": round(false_holds / ordinary, 4),
    }


def rules_only(result: ScreenResult) -> ScreenResult:
    """The result without the semantic screener's labels: what the rules alone decide."""
    labels = [label for label in result.labels if label.screener != SEMANTIC]
    return ScreenResult(verdict_for(labels), labels)


def evaluate(
    records: list[dict[str, Any]],
    config: ScreeningConfig,
    *,
    rules: bool = False,
    curves: bool = False,
    results: list[ScreenResult] | None = None,
) -> dict[str, Any]:
    """Overall numbers, the same per ``source`` of the records, and every wrong comment.

    ``rules=True`` scores the rules alone (the semantic screener's labels left out)."""
    rows = []
    misses: list[dict[str, Any]] = []
    scores: list[tuple[bool, dict[str, float]]] = []
    if results is None:
        results = [screen_comment(record["text"], config) for record in records]
    for record, result in zip(records, results, strict=True):
        if curves:
            scores.append((rules_only(result).verdict != "ok", probabilities(record, config)))
        if rules:
            result = rules_only(result)
        fired = {label.label for label in result.labels}
        rows.append((record, result.verdict, fired))
        wrong = (result.verdict == "ok") == record["harmful"] or not set(record["labels"]) <= fired
        if wrong:
            misses.append({"text": record["text"], "source": record["source"],
                           "expected": record["labels"], "verdict": result.verdict,
                           "fired": sorted(fired)})  # fmt: skip
    sources = sorted({record["source"] for record in records})
    report = _summary(rows)
    report["by_source"] = {
        source: {k: v for k, v in _summary([row for row in rows if row[0]["source"] == source])
                 .items() if k != "recall_per_label"}
        for source in sources
    }  # fmt: skip
    report["misses"] = misses
    if curves:
        report |= operating_curves(records, scores)
    return report


def probabilities(record: dict[str, Any], config: ScreeningConfig) -> dict[str, float]:
    """The semantic heads' calibrated probabilities, as the screener computes them."""
    return semantic_model().probabilities(semantic_input(prepare(record["text"], config)))


def _recall_per_label(records: list[dict[str, Any]], held: Any) -> dict[str, Any]:
    out = {}
    for label in LABELS:
        mask = np.array([label in r["labels"] for r in records])
        if mask.any():
            out[label] = {"found": int(held[mask].sum()), "of": int(mask.sum()),
                          "recall": round(float(held[mask].mean()), 4)}  # fmt: skip
    return out


def operating_curves(
    records: list[dict[str, Any]], scores: list[tuple[bool, dict[str, float]]]
) -> dict[str, Any]:
    """Each sensitivity's figures, and harmful recall at 1%, 5% and 10% of ordinary comments
    held: the rules' holds stay, and the model's per-label thresholds are scaled together
    (a comment's model score is its highest probability over its label's balanced threshold)."""
    model = semantic_model()
    harmful = np.array([r["harmful"] for r in records])
    rules = np.array([ruled for ruled, _ in scores])
    p = np.array([[probs[label] for label in LABELS] for _, probs in scores])
    out: dict[str, Any] = {"operating_points": {}}
    for sensitivity in SENSITIVITIES:
        t = np.array([model.threshold(label, sensitivity) for label in LABELS])
        held = rules | (p >= t).any(axis=1)
        out["operating_points"][sensitivity] = {
            "recall_harmful_held": round(float(held[harmful].mean()), 4),
            "false_hold_rate": round(float(held[~harmful].mean()), 4),
            "recall_per_label": _recall_per_label(records, held),
        }
    balanced = np.array([model.threshold(label, "balanced") for label in LABELS])
    ratio = (p / balanced).max(axis=1)
    rules_rate = float(rules[~harmful].mean())
    out["recall_at_false_hold"] = {}
    for point in FALSE_HOLD_POINTS:
        key = f"{round(point * 100)}%"
        if rules_rate > point:
            out["recall_at_false_hold"][key] = None  # the rules alone hold more than this
            continue
        cutoffs = np.sort(np.unique(ratio))[::-1]
        best = np.inf
        for cutoff in cutoffs:
            held = rules | (ratio >= cutoff)
            if held[~harmful].mean() > point:
                break
            best = cutoff
        held = rules | (ratio >= best)
        out["recall_at_false_hold"][key] = {
            "recall_harmful_held": round(float(held[harmful].mean()), 4),
            "false_hold_rate": round(float(held[~harmful].mean()), 4),
            "recall_per_label": _recall_per_label(records, held),
        }
    return out


def real_heldout() -> list[dict[str, Any]]:
    """The real corpus's held-out part as bench records."""
    return [
        {"text": e.text, "labels": list(e.labels), "harmful": e.harmful, "source": e.source}
        for e in corpus.corpus_parts()[corpus.HELDOUT]
    ]


def throughput(texts: list[str], config: ScreeningConfig, seconds: float = 2.0) -> dict[str, float]:
    """Comments screened per second in this thread, one at a time (``screen_comment``, as a
    webhook delivers them) and all at once (``screen_comments``, a backlog or the command),
    after one warm-up pass (model loading)."""
    screen_comments(texts, config)
    rates = {}
    for kind, screen in (
        ("single", lambda: [screen_comment(text, config) for text in texts]),
        ("batched", lambda: screen_comments(texts, config)),
    ):
        done, started = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - started) < seconds:
            screen()
            done += len(texts)
        rates[kind] = round(done / elapsed, 1)
    return rates


def _rss_mb() -> float:
    """Resident memory of this process (Linux), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def model_cost() -> dict[str, Any]:
    """Load time and memory of the semantic model (first use in this process) and the disk
    space its files take."""
    from moderation.screening.semantic import CLASSIFIER_PATH, FEATURES_PATH

    before, started = _rss_mb(), time.perf_counter()
    semantic_model()
    size = CLASSIFIER_PATH.stat().st_size + FEATURES_PATH.stat().st_size
    return {
        "semantic_model_load_seconds": round(time.perf_counter() - started, 2),
        "semantic_model_rss_mb": round(_rss_mb() - before, 1),
        "semantic_model_install_mb": round(size / 2**20, 1),
    }


def _held_out(split: str, config: ScreeningConfig) -> dict[str, Any]:
    return _held_out_records(load(split), config)


def _held_out_records(
    records: list[dict[str, Any]], config: ScreeningConfig, *, curves: bool = False
) -> dict[str, Any]:
    results = screen_comments([record["text"] for record in records], config)
    both = evaluate(records, config, curves=curves, results=results)
    rules = evaluate(records, config, rules=True, results=results)
    for report in (both, rules):
        report["misses"] = len(report["misses"])  # blind misses are never printed
    both["rules_only"] = {k: v for k, v in rules.items() if k != "by_source"}
    return both


def run(split: str = "eval", *, seconds: float = 2.0) -> dict[str, Any]:
    """``eval``: the held-out sets (eval and ``BLIND_SETS``); ``dev``: the tuning set."""
    from threadpoolctl import threadpool_limits  # comes with scikit-learn

    threadpool_limits(1)  # one core: numpy's BLAS would otherwise use every CPU
    config = school_config()
    report: dict[str, Any] = {"split": split, **model_cost()}
    if split == "dev":
        report |= evaluate(load("dev"), config)
        texts = [r["text"] for r in load("dev")]
    else:
        report["eval"] = _held_out("eval", config)
        for blind in BLIND_SETS:
            report[blind] = _held_out(blind, config)
        school = [r for name in ("eval", *BLIND_SETS) for r in load(name)]
        pooled_report = _held_out_records(school, config, curves=True)
        report["school_heldout_curves"] = {
            k: pooled_report[k] for k in ("operating_points", "recall_at_false_hold")
        }
        if corpus.corpus_path().is_file():
            report["real_heldout"] = _held_out_records(real_heldout(), config, curves=True)
            report["real_heldout"].pop("by_source", None)
        texts = [r["text"] for r in load("eval")]
    report["screen_comments_per_s"] = throughput(texts, config, seconds)
    scored = report if split == "dev" else report["eval"]
    # On the split scored (eval, which the rules were partly written against): the honest
    # figures for unseen comments are the blind sets' below.
    report[f"meets_targets_on_{split}"] = (
        scored["recall_harmful_held"] >= TARGET_RECALL
        and scored["false_hold_rate"] < TARGET_FALSE_HOLD
    )
    if split != "dev":
        report["blind_pooled"] = pooled([report[blind] for blind in BLIND_SETS])
        report["meets_targets_on_blind_pooled"] = (
            report["blind_pooled"]["recall_harmful_held"] >= TARGET_RECALL
            and report["blind_pooled"]["false_hold_rate"] < TARGET_FALSE_HOLD
        )
        for blind in BLIND_SETS:
            report[f"meets_targets_on_{blind}"] = (
                report[blind]["recall_harmful_held"] >= TARGET_RECALL
                and report[blind]["false_hold_rate"] < TARGET_FALSE_HOLD
            )
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="eval", choices=["eval", "dev"])
    parser.add_argument("--misses", action="store_true", help="list every wrong dev comment")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    report = run(args.split)
    if args.split == "dev" and not args.misses:
        report["misses"] = len(report["misses"])
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
