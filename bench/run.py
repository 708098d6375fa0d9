"""`make bench`: every benchmark in its own process, one after another, written to
bench/results.json in one shape (issue 19) and printed as a table.

    {"measured_at", "machine": {...}, "metrics": [{name, value, unit, baseline,
     baseline_value, ratio, n, notes}, ...], "details": {bench: {...}}, "wall_seconds": {...}}

Services: DATABASE_URL (PostgreSQL; the benchmarks' own database, see bench/services.py)
and REDIS_URL, with local defaults. A bench whose service is missing reports its metrics
with value None and the reason; a bench that fails or overruns BENCH_TIMEOUT (default 240 s)
is listed under "failed" and the others still run. `python bench/run.py face_bench ...`
runs only the benches named.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.metrics import machine, table  # noqa: E402
from bench.services import ServiceMissing, database_url, reset_database  # noqa: E402

BENCHES = [
    "face_bench",
    "names_check_bench",
    "screening_speed",
    "screening_accuracy",
    "queue_bench",
    "submit_bench",
    "publish_bench",
    "import_bench",
    "rss_bench",
]


def _run_one(name: str, timeout: float) -> tuple[dict[str, Any] | None, str]:
    code = (
        f"import json, bench.{name} as m; r = m.run(); "
        "print('BENCH-RESULT ' + json.dumps(r, default=str))"
    )
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return None, f"over {timeout:g} s"
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH-RESULT ")]
    if proc.returncode != 0 or not lines:
        return None, (proc.stderr or proc.stdout)[-2000:]
    return json.loads(lines[-1].removeprefix("BENCH-RESULT ")), ""


def main(names: list[str]) -> int:
    timeout = float(os.environ.get("BENCH_TIMEOUT", "240"))
    try:
        reset_database(database_url(), drop=True)  # a clean database for every full run
    except ServiceMissing as exc:
        print(f"PostgreSQL: {exc} (its metrics will say not measured)", flush=True)
    results: dict[str, Any] = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        "metrics": [],
        "details": {},
        "wall_seconds": {},
        "failed": {},
    }
    started = time.perf_counter()
    for name in names or BENCHES:
        print(f"running {name} ...", flush=True)
        began = time.perf_counter()
        result, error = _run_one(name, timeout)
        results["wall_seconds"][name] = round(time.perf_counter() - began, 1)
        if result is None:
            results["failed"][name] = error
            print(f"  {name} FAILED: {error[-300:]}", flush=True)
            continue
        results["metrics"].extend(result["metrics"])
        if result.get("details"):
            results["details"][name] = result["details"]
        for m in result["metrics"]:
            print(f"  {m['name']}: {m['value']} {m['unit']}", flush=True)
    results["wall_seconds"]["total"] = round(time.perf_counter() - started, 1)
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    out = ROOT / "bench" / "results.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print()
    print(table(results["metrics"]))
    print(
        f"\n{len(results['metrics'])} metrics in {results['wall_seconds']['total']} s; wrote {out}"
    )
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
