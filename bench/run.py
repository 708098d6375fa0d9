"""`make bench`: run every benchmark in its own process and write bench/results.json."""

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHES = [
    "check_bench",
    "queue_bench",
    "names_bench",
    "screening_bench",
    "import_bench",
    "faces_recall",
    "faces_realistic",
]


def main() -> int:
    results: dict[str, object] = {"measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    failed = 0
    for name in BENCHES:
        if not (ROOT / "bench" / f"{name}.py").exists():
            continue
        code = (
            f"import json, bench.{name} as m; r = m.run(); "
            "print('BENCH-RESULT ' + json.dumps(r, default=str))"
        )
        print(f"running {name} ...", flush=True)
        proc = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=1800
        )
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH-RESULT ")]
        if proc.returncode != 0 or not lines:
            failed += 1
            results[name] = {"error": (proc.stderr or proc.stdout)[-2000:]}
            print(f"  {name} FAILED", flush=True)
            continue
        results[name] = json.loads(lines[-1].removeprefix("BENCH-RESULT "))
        print(f"  {json.dumps(results[name])[:300]}", flush=True)
    out = ROOT / "bench" / "results.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
