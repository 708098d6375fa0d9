"""R15 (and every sweep): one beat schedule, assembled from each app's tasks.BEAT_SCHEDULE.

"Periodic" is defined so a test can find it: a task of ours that needs no arguments. Every
other task is handed ids by a service; a task that takes none can only be started by beat,
so without a schedule entry it never runs (comments.retention_purge did not)."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from backend.celery import beat_schedule_from_apps

ROOT = Path(__file__).resolve().parent.parent

# Run the way `celery -A backend beat` starts: a fresh process, task modules discovered by
# the app (nothing imported as a side effect of the test run counts).
FRESH_WORKER = """
import inspect, json
import django
django.setup()
from backend.celery import app
app.loader.import_default_modules()
periodic = []
for name, task in sorted(app.tasks.items()):
    if name.startswith("celery."):
        continue
    params = inspect.signature(task.run).parameters.values()
    required = [
        p for p in params
        if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    if not required:
        periodic.append(name)
beat = {key: entry["task"] for key, entry in app.conf.beat_schedule.items()}
print(json.dumps({"periodic": periodic, "beat": beat, "registered": sorted(app.tasks)}))
"""


def _fresh_worker() -> dict[str, Any]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.settings.test"}
    out = subprocess.run(
        [sys.executable, "-c", FRESH_WORKER],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def test_r15_every_periodic_task_has_a_beat_entry() -> None:
    found = _fresh_worker()
    scheduled = set(found["beat"].values())
    unscheduled = [name for name in found["periodic"] if name not in scheduled]
    assert found["periodic"], "no periodic task found: the definition no longer matches"
    assert unscheduled == [], f"periodic tasks without a beat entry: {unscheduled}"
    assert "comments.retention_purge" in scheduled


def test_r15_the_beat_schedule_is_the_union_of_the_apps_declarations() -> None:
    found = _fresh_worker()
    assert found["beat"] == {key: e["task"] for key, e in beat_schedule_from_apps().items()}
    assert all(task in found["registered"] for task in found["beat"].values())


def test_r15_a_beat_entry_declared_by_two_apps_is_refused() -> None:
    # backend.audit and itself again: the same key twice is a mistake, not an override.
    with pytest.raises(ImproperlyConfigured, match="audit-heartbeat"):
        beat_schedule_from_apps(["backend.audit", "backend.audit"])
