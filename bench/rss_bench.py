"""``worker_rss_growth_mb``: resident memory of a checking process after 100 photos minus
after the first (a leak shows as growth; models and caches loaded by the first stay).

The process does what a check worker does for each photo (bench/face_bench.py's
``product_check``: gallery read with consent look-up, decode, detect, encode, match, rules)
for a school of 2,000 enrolments, on 10 generated photos (1 MP crowds of 3-11 faces and
one-face 1 MP frames, from the committed fixtures) taken in turn, 100 checks in all.
A photo a check: the task's own process, without Celery's machinery around it.
"""

from __future__ import annotations

import ctypes
import gc
import json
import os
import sys
import time
from typing import Any

from .metrics import metric, rss_mb

M_ARENA_MAX = -8  # mallopt parameter (glibc malloc.h)
CHECKS = int(os.environ.get("BENCH_RSS_CHECKS", "100"))


def _photos() -> list[bytes]:
    from tests.faces.realistic import crowd, portrait_on_canvas

    photos = [
        crowd(width=1200, height=900, count=3 + seed, published_heights=(30, 90), seed=seed).jpeg
        for seed in range(0, 10, 2)
    ]
    photos += [
        portrait_on_canvas(name, width=1200, height=900).jpeg
        for name in ("obama.jpg", "obama2.jpg", "biden.jpg", "astronaut.jpg", "hopper.jpg")
    ]
    return photos


def _cap_malloc_arenas() -> str:
    """glibc's MALLOC_ARENA_MAX=2, the deployed default (Dockerfile ENV, the embedded
    runner's worker): mallopt before any thread starts is what glibc does with the variable
    at start-up. Without it each detector thread gets its own arena: ~40 MB more, once."""
    if os.environ.get("MALLOC_ARENA_MAX"):  # read by glibc at start-up
        return f"MALLOC_ARENA_MAX={os.environ['MALLOC_ARENA_MAX']} (from the environment)"
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return "glibc arenas not capped (no glibc)"
    libc.mallopt(M_ARENA_MAX, 2)
    return "glibc arenas capped at 2 (mallopt, as MALLOC_ARENA_MAX=2)"


def run() -> dict[str, Any]:
    arenas = _cap_malloc_arenas()  # before any thread starts
    from django.utils import timezone

    from bench.django_setup import setup
    from bench.face_bench import _known_encodings, _register, product_check

    setup()
    from backend.accounts.models import School

    school = School.objects.create(
        slug="rss-bench", name="RSS Bench School", dpia_reference="D", dpo_name="DPO",
        dpia_signed_at=timezone.now(),
    )  # fmt: skip
    check = product_check(school, _register(school, _known_encodings()))
    photos = _photos()
    check(photos[0])
    gc.collect()
    after_first = rss_mb()
    samples = [after_first]
    started = time.perf_counter()
    for n in range(1, CHECKS):
        check(photos[n % len(photos)])
        if n % 10 == 9:
            gc.collect()
            samples.append(rss_mb())
    after_all = samples[-1]
    from backend.faces.libface_process import RECYCLE_AFTER, _helper

    helper_pid = _helper().pid
    helper = f"{rss_mb(helper_pid):.0f} MiB" if helper_pid else "not running"
    per_check = (time.perf_counter() - started) / max(1, CHECKS - 1)
    return {
        "metrics": [
            metric(
                "worker_rss_growth_mb",
                after_all - after_first,
                "MB",
                n=CHECKS,
                notes=(
                    f"{arenas}; RSS after the first check {after_first:.0f} MiB, after {CHECKS} "
                    f"{after_all:.0f} MiB; from the 10th check to the last "
                    f"{after_all - samples[min(1, len(samples) - 1)]:+.1f} MiB (what a leak "
                    "would grow: the first ten photos warm the allocator and runtimes); "
                    "after the first and every 10th: "
                    + ", ".join(f"{s:.0f}" for s in samples)
                    + f"; {per_check * 1000:.0f} ms a check; libfacedetection helper process "
                    f"(replaced every {RECYCLE_AFTER} photos) {helper} at the end; "
                    "target < 50 MB"
                ),
            )
        ]
    }


if __name__ == "__main__":
    json.dump(run(), sys.stdout, indent=2)
    print()
