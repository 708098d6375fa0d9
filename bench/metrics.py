"""The one shape every benchmark reports in (issue 19), and the small statistics they share.

A metric is a dict with exactly these keys: name, value, unit, baseline (what the value is
compared with, or None), baseline_value (measured in the same process and run), ratio
(baseline_value / value for times, value / baseline_value for rates; None without a
baseline), n (how many measurements the value summarises) and notes (the workload, recall
and anything a reader needs to trust the number). A metric whose service is missing has
value None and says why in notes; it never stops the other benchmarks.
"""

from __future__ import annotations

import math
import os
import platform
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

Metric = dict[str, Any]
HIGHER_IS_BETTER_UNITS = {"per_s", "rows_per_s", "req_per_s"}


def metric(
    name: str,
    value: float | None,
    unit: str,
    *,
    n: int,
    notes: str,
    baseline: str | None = None,
    baseline_value: float | None = None,
    digits: int = 1,
) -> Metric:
    """One row of results.json; ratio says how many times better the value is than the
    baseline (so above 1 is an improvement whichever way the unit points)."""
    ratio = None
    if value is not None and baseline_value is not None and value > 0 and baseline_value > 0:
        better = (
            value / baseline_value if unit in HIGHER_IS_BETTER_UNITS else baseline_value / value
        )
        ratio = round(better, 2)
    return {
        "name": name,
        "value": None if value is None else round(value, digits),
        "unit": unit,
        "baseline": baseline,
        "baseline_value": None if baseline_value is None else round(baseline_value, digits),
        "ratio": ratio,
        "n": n,
        "notes": notes,
    }


def skipped(name: str, unit: str, why: str) -> Metric:
    """A metric that could not be measured here (a service is missing): value None."""
    return metric(name, None, unit, n=0, notes=f"not measured: {why}")


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (pct in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory of a process (Linux /proc), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def machine() -> dict[str, Any]:
    """What the numbers were measured on; the load average says how shared it was."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory_gb = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        first = meminfo.read_text().splitlines()[0].split()
        memory_gb = round(int(first[1]) / 1024 / 1024, 1)
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gb": memory_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def table(metrics: Sequence[Metric]) -> str:
    """The metrics as a fixed-width table for stdout and docs/performance.md."""
    rows = [("metric", "value", "unit", "baseline", "ratio", "n")]
    for m in metrics:
        rows.append(
            (
                m["name"],
                "-" if m["value"] is None else f"{m['value']:g}",
                m["unit"],
                "-" if m["baseline_value"] is None else f"{m['baseline_value']:g}",
                "-" if m["ratio"] is None else f"{m['ratio']:g}x",
                str(m["n"]),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
