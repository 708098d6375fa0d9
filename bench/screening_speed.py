"""Comment screening speed on one core: ``screen_comments_per_s`` through the batched public
entry point (``screen_comments``, as the ``screen_comments`` command and a backlog read them),
``screen_comments_single_per_s`` with ``screen_comment`` one at a time in the same process (as
a webhook delivers them), and ``screen_comment_p95_ms`` for a single comment.

Workload: every comment of the committed fixtures (tests/fixtures/comments/*.jsonl: eval,
dev and the blind sets), screened with the demo school's configuration. The screener's
memo caches are emptied before each pass, so a repeated text is never free. The process
is pinned to one CPU and numpy's BLAS to one thread (set before numpy loads).
Recall and false holds: ``screening_accuracy`` (``bench/screening_accuracy.py``).
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from bench.metrics import metric, percentile  # noqa: E402

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "comments"


def _texts() -> list[str]:
    texts = []
    for path in sorted(FIXTURES.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    return list(dict.fromkeys(texts))


def _forget_memos() -> None:
    """Empty every functools cache of the screener's modules (repeats would be free)."""
    for name, module in list(sys.modules.items()):
        if not name.startswith("moderation.screening") or module is None:
            continue
        for value in vars(module).values():
            clear = getattr(value, "cache_clear", None)
            if callable(clear) and hasattr(value, "cache_info"):
                clear()


def run() -> dict[str, Any]:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from moderation.screening import screen_comment, screen_comments
    from moderation.screening.corpus import demo_school

    config = demo_school()
    texts = _texts()
    screen_comment(texts[0], config)  # load the models, as a running worker has
    _forget_memos()
    singles = []
    started = time.perf_counter()
    for text in texts:
        began = time.perf_counter()
        screen_comment(text, config)
        singles.append((time.perf_counter() - began) * 1000)
    one_by_one = len(texts) / (time.perf_counter() - started)
    _forget_memos()
    started = time.perf_counter()
    screen_comments(texts, config)
    rate = len(texts) / (time.perf_counter() - started)
    workload = f"{len(texts)} distinct fixture comments, one core"
    rated = metric(
        "screen_comments_per_s",
        rate,
        "per_s",
        n=len(texts),
        baseline="screen_comment one by one, same comments, same process",
        baseline_value=one_by_one,
        notes=(
            f"{workload}, screen_comments (batched); a backlog of 10,000 comments takes "
            f"{10_000 / rate:.1f} s"
        ),
    )
    single = metric(
        "screen_comments_single_per_s",
        one_by_one,
        "per_s",
        n=len(texts),
        notes=f"{workload}, screen_comment one at a time (memo caches emptied first)",
    )
    return {
        "metrics": [
            rated,
            single,
            metric(
                "screen_comment_p95_ms",
                percentile(singles, 95),
                "ms",
                n=len(singles),
                notes=(
                    f"one comment at a time, one core; p50 {percentile(singles, 50):.1f} ms, "
                    f"max {max(singles):.1f} ms"
                ),
                digits=2,
            ),
        ]
    }


if __name__ == "__main__":
    json.dump(run(), sys.stdout, indent=2)
    print()
