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
