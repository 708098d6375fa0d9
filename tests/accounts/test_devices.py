"""R7: only enrolled school devices; credential shown once, stored hashed, revocable."""

from typing import Any

import pytest
from django.core.management import call_command

from backend.accounts.models import Device
from backend.accounts.services import (
    DEVICE_MISSING,
    DEVICE_REVOKED,
    DEVICE_UNKNOWN,
    NOT_TRUST_ADMIN,
    device_authenticate,
    device_enrol,
    device_revoke,
)
from backend.common.actors import SYSTEM_SHELL
from backend.common.errors import Refused


def test_it_stores_only_a_hash_of_the_device_credential(school: Any) -> None:
    device, token = device_enrol(school=school, name="Year 3 iPad", actor=SYSTEM_SHELL)
    device.refresh_from_db()
    assert token not in device.token_hash
    assert device.token_matches(token)


def test_it_authenticates_an_enrolled_device_and_records_last_seen(school: Any) -> None:
    device, token = device_enrol(school=school, name="Year 3 iPad", actor=SYSTEM_SHELL)
    assert device_authenticate(token=token) == device
    device.refresh_from_db()
    assert device.last_seen_at is not None


@pytest.mark.parametrize(
    "token,message",
    [
        (None, DEVICE_MISSING),
        ("dev_000000000000.guess", DEVICE_UNKNOWN),
        ("not-a-credential", DEVICE_UNKNOWN),
    ],
)
def test_it_refuses_missing_or_unknown_credentials(school: Any, token: Any, message: str) -> None:
    with pytest.raises(Refused) as err:
        device_authenticate(token=token)
    assert err.value.message == message


def test_it_refuses_a_credential_with_the_right_prefix_but_wrong_secret(school: Any) -> None:
    _, token = device_enrol(school=school, name="Year 3 iPad", actor=SYSTEM_SHELL)
    with pytest.raises(Refused) as err:
        device_authenticate(token=token[:-4] + "AAAA")
    assert err.value.message == DEVICE_UNKNOWN


def test_it_refuses_a_revoked_device(school: Any, trust_admin: Any) -> None:
    device, token = device_enrol(school=school, name="Year 3 iPad", actor=trust_admin)
    device_revoke(device=device, actor=trust_admin)
    with pytest.raises(Refused) as err:
        device_authenticate(token=token)
    assert err.value.message == DEVICE_REVOKED


def test_only_a_trust_admin_of_the_school_enrols_devices(
    school: Any, head_teacher: Any, outsider: Any
) -> None:
    for actor in (head_teacher, outsider):
        with pytest.raises(Refused) as err:
            device_enrol(school=school, name="iPad", actor=actor)
        assert err.value.message == NOT_TRUST_ADMIN
    assert not Device.objects.exists()


def test_enrol_device_command_prints_the_credential_once(school: Any, capsys: Any) -> None:
    call_command("enrol_device", "Library iPad", school="oakfield")
    out = capsys.readouterr().out
    token = out.strip().splitlines()[-1]
    assert token.startswith("dev_")
    assert device_authenticate(token=token).name == "Library iPad"


def test_api_enrols_a_device_and_returns_the_credential_once(
    api_as: Any, school: Any, trust_admin: Any
) -> None:
    client = api_as(trust_admin)
    response = client.post(f"/api/schools/{school.pk}/devices", {"name": "Hall iPad"})
    assert response.status_code == 201
    assert device_authenticate(token=response.json()["credential"]).name == "Hall iPad"
    listed = client.get(f"/api/schools/{school.pk}/devices").json()
    assert "credential" not in listed[0] and "token_hash" not in listed[0]


def test_api_revokes_a_device(api_as: Any, school: Any, trust_admin: Any) -> None:
    device, token = device_enrol(school=school, name="Hall iPad", actor=SYSTEM_SHELL)
    response = api_as(trust_admin).post(f"/api/schools/{school.pk}/devices/{device.pk}/revoke")
    assert response.status_code == 200 and response.json()["revoked_at"]


def test_api_hides_devices_of_another_school(
    api_as: Any, school: Any, trust_admin: Any, outsider: Any
) -> None:
    device, _ = device_enrol(school=school, name="Hall iPad", actor=SYSTEM_SHELL)
    client = api_as(outsider)
    assert client.get(f"/api/schools/{school.pk}/devices").status_code == 404
    assert client.post(f"/api/schools/{school.pk}/devices", {"name": "x"}).status_code == 404
    assert client.post(f"/api/schools/{school.pk}/devices/{device.pk}/revoke").status_code == 404
    assert Device.objects.count() == 1 and Device.objects.get().revoked_at is None


def test_api_refuses_device_enrolment_by_a_leader(
    api_as: Any, school: Any, head_teacher: Any
) -> None:
    response = api_as(head_teacher).post(f"/api/schools/{school.pk}/devices", {"name": "x"})
    assert response.status_code == 404
    assert not Device.objects.exists()


def test_a_tablet_checks_its_credential(api_as: Any, school: Any, teacher: Any) -> None:
    _, token = device_enrol(school=school, name="Hall iPad", actor=SYSTEM_SHELL)
    client = api_as(teacher)
    client.credentials(HTTP_X_DEVICE_TOKEN=token)
    response = client.get("/api/devices/current")
    assert response.status_code == 200 and response.json()["name"] == "Hall iPad"
    client.credentials(HTTP_X_DEVICE_TOKEN=token[:-3] + "xyz")
    assert client.get("/api/devices/current").status_code == 403


def test_a_tablet_of_another_school_is_not_shown(api_as: Any, school: Any, outsider: Any) -> None:
    _, token = device_enrol(school=school, name="Hall iPad", actor=SYSTEM_SHELL)
    client = api_as(outsider)
    client.credentials(HTTP_X_DEVICE_TOKEN=token)
    assert client.get("/api/devices/current").status_code == 404
