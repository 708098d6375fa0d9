"""Comment-screening benchmark: recall on harmful comments, false holds on ordinary ones, speed.

    .venv/bin/python -m bench.screening_bench            # held-out eval.jsonl, JSON report
    .venv/bin/python -m bench.screening_bench --split dev --misses   # tuning set, with misses

The held-out set (tests/fixtures/comments/eval.jsonl) was written before the screeners and is
never used to tune word lists or rules; dev.jsonl is. See tests/fixtures/comments/PROVENANCE.md.
Throughput is measured in this single thread (screening uses no threads or native parallelism);
run from the command line it is also pinned to one CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time
from pathlib import Path
from typing import Any

from moderation.screening import LABELS, ScreeningConfig, screen_comment
from moderation.screening.types import ESCALATE_LABELS, NameFinder, Span

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "comments"
TARGET_RECALL = 0.90
TARGET_FALSE_HOLD = 0.05


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


def evaluate(records: list[dict[str, Any]], config: ScreeningConfig) -> dict[str, Any]:
    """Overall numbers, the same per ``source`` of the records, and every wrong comment."""
    rows = []
    misses: list[dict[str, Any]] = []
    for record in records:
        result = screen_comment(record["text"], config)
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


def run(split: str = "eval", *, seconds: float = 2.0) -> dict[str, Any]:
    config = school_config()
    records = load(split)
    report = evaluate(records, config)
    report["split"] = split
    report["comments_per_second_one_core"] = throughput(
        [r["text"] for r in records], config, seconds
    )
    report["meets_targets"] = (
        report["recall_harmful_held"] >= TARGET_RECALL
        and report["false_hold_rate"] < TARGET_FALSE_HOLD
    )
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="eval", choices=["eval", "dev"])
    parser.add_argument("--misses", action="store_true", help="list every wrong comment")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    report = run(args.split)
    if not args.misses:
        report["misses"] = len(report["misses"])
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
