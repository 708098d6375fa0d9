"""Sign-in: email + password, TOTP for leader/dsl/consent_admin/trust_admin, lock-out,
Argon2."""

from typing import Any

import pytest
from django.contrib.auth.hashers import get_hasher
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from backend.accounts.permissions import TWO_FACTOR_NEEDED
from backend.accounts.services import OTP_REQUIRED
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"


def _code(user: Any) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _login(**body: Any) -> Any:
    return APIClient().post("/api/auth/login", body, format="json")


def test_staff_signs_in_with_email_and_password(teacher: Any) -> None:
    response = _login(email="TEACHER@oakfield.test", password=PASSWORD)
    assert response.status_code == 200
    assert response.json()["memberships"][0]["role"] == "staff"


def test_it_refuses_a_wrong_password_with_a_clear_message(teacher: Any) -> None:
    response = _login(email="teacher@oakfield.test", password="nope")
    assert response.status_code == 403
    assert response.json()["detail"] == "Email or password is not right."


def test_a_leader_needs_a_one_time_code(head_teacher: Any) -> None:
    response = _login(email="head@oakfield.test", password=PASSWORD)
    assert response.status_code == 400
    assert response.json()["otp_token"] == [OTP_REQUIRED]


def test_a_leader_signs_in_with_password_and_code(head_teacher: Any) -> None:
    client = APIClient()
    response = client.post(
        "/api/auth/login",
        {"email": "head@oakfield.test", "password": PASSWORD, "otp_token": _code(head_teacher)},
        format="json",
    )
    assert response.status_code == 200 and response.json()["two_factor_verified"] is True
    assert client.get("/api/audit").status_code == 200


def test_a_leader_without_the_second_factor_can_use_no_api(api_as: Any, head_teacher: Any) -> None:
    client = api_as(head_teacher, verified=False)
    response = client.get("/api/audit")
    assert response.status_code == 403
    assert response.json()["detail"] == TWO_FACTOR_NEEDED


def test_a_new_leader_sets_up_an_authenticator_then_gets_in(school: Any) -> None:
    from backend.accounts.models import Role
    from tests.factories import MembershipFactory

    user = UserFactory(email="newhead@oakfield.test")
    MembershipFactory(user=user, school=school, role=Role.LEADER)
    client = APIClient()
    assert (
        client.post(
            "/api/auth/login", {"email": user.email, "password": PASSWORD}, format="json"
        ).status_code
        == 200
    )
    assert client.get("/api/audit").status_code == 403
    uri = client.post("/api/auth/totp/setup").json()["otpauth_uri"]
    assert uri.startswith("otpauth://totp/")
    device = TOTPDevice.objects.get(user=user)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert (
        client.post("/api/auth/totp/confirm", {"otp_token": code}, format="json").status_code == 200
    )
    assert client.get("/api/audit").status_code == 200


def test_a_consent_admin_needs_a_one_time_code(data_manager: Any) -> None:
    """Consent administrators see reference photos and consent records (biometric and
    safeguarding data), so they sign in with a second factor like leaders do."""
    response = _login(email="data@oakfield.test", password=PASSWORD)
    assert response.status_code == 400
    assert response.json()["otp_token"] == [OTP_REQUIRED]


def test_a_consent_admin_without_the_second_factor_cannot_read_the_register(
    api_as: Any, school: Any, data_manager: Any
) -> None:
    client = api_as(data_manager, verified=False)
    response = client.get(f"/api/schools/{school.pk}/people")
    assert response.status_code == 403
    assert response.json()["detail"] == TWO_FACTOR_NEEDED
    assert api_as(data_manager).get(f"/api/schools/{school.pk}/people").status_code == 200


def test_a_new_consent_admin_is_sent_to_set_up_an_authenticator(school: Any) -> None:
    from backend.accounts.models import Role
    from tests.factories import MembershipFactory

    user = UserFactory(email="newdata@oakfield.test")
    MembershipFactory(user=user, school=school, role=Role.CONSENT_ADMIN)
    client = APIClient()
    me = client.post("/api/auth/login", {"email": user.email, "password": PASSWORD}, format="json")
    assert me.status_code == 200
    assert me.json()["two_factor_required"] is True
    assert me.json()["two_factor_verified"] is False
    assert client.get(f"/api/schools/{school.pk}/people").status_code == 403
    assert client.post("/api/auth/totp/setup").status_code == 200


@override_settings(AXES_FAILURE_LIMIT=3)
def test_it_locks_out_after_repeated_failures(teacher: Any) -> None:
    for _ in range(3):
        _login(email="teacher@oakfield.test", password="wrong")
    response = _login(email="teacher@oakfield.test", password=PASSWORD)
    assert response.status_code in (403, 429)
    assert response.status_code == 429 or "locked" in response.content.decode().lower()


def test_passwords_are_hashed_with_argon2_outside_tests(db: None) -> None:
    from backend.settings import base

    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        user = UserFactory(email="argon@oakfield.test")
        assert user.password.startswith("argon2$")
        assert get_hasher().algorithm == "argon2"


@pytest.mark.parametrize("path", ["/api/audit", "/api/auth/me"])
def test_anonymous_requests_are_refused(db: None, path: str) -> None:
    assert APIClient().get(path).status_code == 403


def test_browser_session_requires_csrf_on_unsafe_methods(teacher: Any) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(teacher)
    assert client.post("/api/auth/logout").status_code == 403
