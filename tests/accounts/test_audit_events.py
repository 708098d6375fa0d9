"""Sign-in events in the audit log (issue 16): TOTP set-up, sign-out and failed sign-ins,
never with a secret or a password."""

import json
from typing import Any

from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from backend.audit.models import AuditEvent
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"


def _event_text(event: AuditEvent) -> str:
    return json.dumps(event.data)


def test_it_audits_starting_two_factor_set_up_without_the_secret(db: None, api_as: Any) -> None:
    user = UserFactory(email="new@oakfield.test")
    api_as(user).post("/api/auth/totp/setup")

    event = AuditEvent.objects.get(action="user.two_factor_setup_started")
    key = TOTPDevice.objects.get(user=user).key
    assert event.actor == user
    assert key not in _event_text(event)


def test_it_audits_signing_out(teacher: Any, api_as: Any) -> None:
    response = api_as(teacher).post("/api/auth/logout")

    assert response.status_code == 204
    assert AuditEvent.objects.get(action="user.logout").actor == teacher


def test_it_audits_a_wrong_password_without_the_password(teacher: Any) -> None:
    APIClient().post(
        "/api/auth/login",
        {"email": "teacher@oakfield.test", "password": "guess-Secret-123"},
        format="json",
        REMOTE_ADDR="203.0.113.5",
    )

    event = AuditEvent.objects.get(action="user.login_failed")
    assert event.target_id == str(teacher.pk)
    assert event.data["email"] == "teacher@oakfield.test"
    assert event.data["address"] == "203.0.113.5"
    assert "guess-Secret-123" not in _event_text(event)


def test_it_audits_a_sign_in_for_an_unknown_email(db: None) -> None:
    APIClient().post("/api/auth/login", {"email": "nobody@x.test", "password": "x"}, format="json")
    event = AuditEvent.objects.get(action="user.login_failed")
    assert event.target_id == "" and event.data["email"] == "nobody@x.test"


def test_it_audits_a_wrong_one_time_code(head_teacher: Any) -> None:
    response = APIClient().post(
        "/api/auth/login",
        {"email": "head@oakfield.test", "password": PASSWORD, "otp_token": "000000"},
        format="json",
    )

    assert response.status_code == 403
    assert AuditEvent.objects.get(action="user.login_failed").target_id == str(head_teacher.pk)


@override_settings(AXES_FAILURE_LIMIT=2)
def test_it_audits_a_sign_in_refused_by_the_lock_out(teacher: Any) -> None:
    for password in ("wrong", "wrong", PASSWORD):
        APIClient().post(
            "/api/auth/login",
            {"email": "teacher@oakfield.test", "password": password},
            format="json",
        )

    last = AuditEvent.objects.filter(action="user.login_failed").latest("seq")
    assert last.data["locked_out"] is True
