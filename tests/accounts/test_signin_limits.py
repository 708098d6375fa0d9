"""Sign-in limits that a changed header cannot walk round (issue 16): the throttle and the
lock-out count per real client address, the lock-out per account AND address, and a trust
admin can lift a lock-out early."""

from typing import Any

import pytest
from django.test import Client, override_settings
from rest_framework.test import APIClient

from backend.audit.models import AuditEvent
from backend.common.throttling import AddressScopedRateThrottle

PASSWORD = "correct-horse-battery"
EMAIL = "teacher@oakfield.test"
HOME = "203.0.113.5"
ELSEWHERE = "198.51.100.7"


def _login(password: str, *, remote: str = HOME, forwarded: str | None = None) -> Any:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return APIClient().post(
        "/api/auth/login", {"email": EMAIL, "password": password}, format="json", **extra
    )


@pytest.fixture
def three_a_minute(monkeypatch: Any) -> None:
    monkeypatch.setattr(AddressScopedRateThrottle, "THROTTLE_RATES", {"login": "3/min"})


def test_it_keeps_throttling_when_an_untrusted_client_changes_forwarded_for(
    teacher: Any, three_a_minute: None
) -> None:
    for n in range(3):
        _login("wrong", forwarded=f"192.0.2.{n}")
    assert _login(PASSWORD, forwarded="192.0.2.99").status_code == 429


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_it_throttles_clients_behind_a_trusted_proxy_each_on_their_own(
    teacher: Any, three_a_minute: None
) -> None:
    for _ in range(3):
        _login("wrong", remote="10.0.0.2", forwarded=HOME)
    assert _login(PASSWORD, remote="10.0.0.2", forwarded=ELSEWHERE).status_code == 200


@override_settings(AXES_FAILURE_LIMIT=3)
def test_it_keeps_the_lock_out_when_an_untrusted_client_changes_forwarded_for(
    teacher: Any,
) -> None:
    for n in range(3):
        _login("wrong", forwarded=f"192.0.2.{n}")
    assert _login(PASSWORD, forwarded="192.0.2.99").status_code == 429


@override_settings(AXES_FAILURE_LIMIT=3)
def test_it_lets_a_locked_account_sign_in_from_another_address(teacher: Any) -> None:
    for _ in range(3):
        _login("wrong", remote=HOME)
    assert _login(PASSWORD, remote=HOME).status_code == 429
    assert _login(PASSWORD, remote=ELSEWHERE).status_code == 200


def _unlock(client: APIClient, school: Any, member: Any) -> Any:
    membership = member.memberships.get(school=school)
    return client.post(f"/api/schools/{school.pk}/memberships/{membership.pk}/unlock")


@override_settings(AXES_FAILURE_LIMIT=3)
def test_it_lets_a_trust_admin_lift_a_lock_out(
    teacher: Any, trust_admin: Any, school: Any, api_as: Any
) -> None:
    for _ in range(3):
        _login("wrong")

    response = _unlock(api_as(trust_admin), school, teacher)

    assert response.status_code == 200 and response.json()["cleared"] >= 1
    assert _login(PASSWORD).status_code == 200


def test_it_audits_lifting_a_lock_out(
    teacher: Any, trust_admin: Any, school: Any, api_as: Any
) -> None:
    _unlock(api_as(trust_admin), school, teacher)
    event = AuditEvent.objects.get(action="user.sign_in_unlocked")
    assert event.actor == trust_admin and event.target_id == str(teacher.pk)


@override_settings(AXES_FAILURE_LIMIT=3)
def test_it_refuses_an_unlock_by_someone_who_is_not_trust_admin(
    teacher: Any, head_teacher: Any, school: Any, api_as: Any
) -> None:
    for _ in range(3):
        _login("wrong")

    response = _unlock(api_as(head_teacher), school, teacher)

    assert response.status_code == 404
    assert _login(PASSWORD).status_code == 429


@override_settings(AXES_FAILURE_LIMIT=3)
def test_it_counts_admin_failures_in_any_case_against_the_same_account(teacher: Any) -> None:
    admin = Client(REMOTE_ADDR=HOME)
    for _ in range(3):
        admin.post("/admin/login/", {"username": EMAIL.upper(), "password": "wrong"})
    assert _login(PASSWORD).status_code == 429
