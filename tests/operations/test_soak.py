"""The soak test of the embedded stack, short (issue 13; the 30-minute run is on demand and
reported in docs/operations.md): web, worker and beat on SQLite and the embedded broker,
under steady submissions, double-clicked approvals, website comments and publishing."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_embedded_stack_survives_a_short_soak_with_no_lost_posts_and_no_500s(
    tmp_path: Path,
) -> None:
    report_file = tmp_path / "report.json"
    run = subprocess.run(
        [
            sys.executable,
            "scripts/soak.py",
            "--minutes",
            "0.5",
            "--var-dir",
            str(tmp_path / "var"),
            "--report",
            str(report_file),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )

    assert report_file.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    report = json.loads(report_file.read_text())
    assert report["posts_submitted"] > 0 and report["lost_posts"] == [], report
    assert report["server_errors"] == [], report
    # A double-clicked Approve on SQLite: one approval, the other a clear 409, never a 500.
    assert set(report["approval_answers"]) <= {"200", "409"}, report
    assert report["approval_answers"].get("200", 0) >= 1, report
    assert report["health_failures"] == [] and report["worker_restarts"] == 0, report
    assert report["comments_screened"] == report["comments_sent"], report
    assert report["stopped_cleanly"] and report["passed"], report
