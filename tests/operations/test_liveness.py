"""Liveness everyone can see (issue 13): heartbeats, /healthz and the banner's API."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from backend.audit.models import AuditEvent
from backend.common.actors import SYSTEM_BACKGROUND
from backend.operations import services, tasks
from backend.operations.models import Heartbeat

PERIOD = 10.0


@pytest.fixture
def real_worker_expected(settings: Any) -> None:
    """As deployed: tasks go to a worker (tests otherwise run them inline)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.HEARTBEAT_SECONDS = PERIOD


def _beat(component: str, seconds_ago: float) -> None:
    Heartbeat.objects.update_or_create(
        component=component,
        defaults={"last_seen": timezone.now() - timedelta(seconds=seconds_ago)},
    )


def test_healthz_is_200_when_worker_and_beat_beat_within_two_periods(
    db: None, real_worker_expected: None
) -> None:
    _beat("worker", PERIOD)
    _beat("beat", PERIOD)

    response = Client().get("/healthz")

    body = response.json()
    assert response.status_code == 200, body
    assert body["worker"]["ok"] and body["beat"]["ok"]


def test_healthz_is_503_naming_the_worker_when_it_missed_two_heartbeats(
    db: None, real_worker_expected: None
) -> None:
    _beat("worker", 2 * PERIOD + 1)
    _beat("beat", 1)

    response = Client().get("/healthz")

    body = response.json()
    assert response.status_code == 503
    assert body["failing"] == ["worker"]
    assert body["worker"]["ok"] is False and body["beat"]["ok"] is True
    assert body["database"]["ok"] and body["broker"]["ok"]


def test_healthz_is_503_naming_beat_when_no_scheduler_ever_ran(
    db: None, real_worker_expected: None
) -> None:
    _beat("worker", 1)

    response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.json()["failing"] == ["beat"]


def test_the_heartbeat_task_records_a_live_worker(db: None, real_worker_expected: None) -> None:
    _beat("worker", 3 * PERIOD)

    tasks.heartbeat()

    assert timezone.now() - Heartbeat.objects.get(component="worker").last_seen < timedelta(
        seconds=5
    )


def test_a_worker_back_after_a_gap_is_audited_with_when_it_stopped(
    db: None, real_worker_expected: None
) -> None:
    _beat("worker", 600)
    stopped = Heartbeat.objects.get(component="worker").last_seen

    services.heartbeat_record(actor=SYSTEM_BACKGROUND, component="worker", detail="w1")
    services.heartbeat_record(actor=SYSTEM_BACKGROUND, component="worker", detail="w1")

    event = AuditEvent.objects.get(action="operations.worker_started")
    assert event.data["stopped_since"] == stopped.isoformat()


def test_the_status_api_tells_a_leader_since_when_work_stopped(
    db: None, real_worker_expected: None, api_as: Any, head_teacher: Any
) -> None:
    _beat("worker", 300)
    _beat("beat", 1)
    stopped = Heartbeat.objects.get(component="worker").last_seen

    response = api_as(head_teacher).get("/api/operations/status")

    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False and body["worker_ok"] is False and body["beat_ok"] is True
    assert body["stopped_since"] == stopped.isoformat().replace("+00:00", "Z")


def test_the_status_api_needs_a_signed_in_user(db: None) -> None:
    assert Client().get("/api/operations/status").status_code == 403
