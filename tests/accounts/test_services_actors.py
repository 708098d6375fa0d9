"""Hole 12 (issue 11): account services take a required actor; the system is named.

A person is checked for their role; a system actor passes only where the service lists
it, and the audit log records its name (R14)."""

from typing import Any

import pytest
from django.core.management import call_command

from backend.accounts.models import Device, Membership, Role
from backend.accounts.services import (
    NOT_MEMBERSHIP_GRANTER,
    NOT_OPERATOR,
    NOT_TRUST_ADMIN,
    device_enrol,
    membership_grant,
    school_create,
    user_create,
)
from backend.audit.models import AuditEvent
from backend.common.actors import SYSTEM_COMMENT_SCREENING, SYSTEM_SHELL
from backend.common.errors import Refused


def test_hole12_a_member_of_staff_cannot_give_themselves_the_leader_role(
    school: Any, teacher: Any
) -> None:
    with pytest.raises(Refused) as err:
        membership_grant(user=teacher, school=school, role=Role.LEADER, actor=teacher)
    assert err.value.message == NOT_MEMBERSHIP_GRANTER
    assert not Membership.objects.filter(user=teacher, role=Role.LEADER).exists()
    assert not AuditEvent.objects.filter(action="membership.granted").exists()


def test_hole12_a_trust_admin_gives_roles_at_their_school_and_is_named(
    school: Any, teacher: Any, trust_admin: Any
) -> None:
    membership_grant(user=teacher, school=school, role=Role.CONSENT_ADMIN, actor=trust_admin)
    event = AuditEvent.objects.get(action="membership.granted")
    assert event.actor == trust_admin and event.actor_label == trust_admin.email


def test_hole12_only_the_operator_creates_schools_and_users(trust_admin: Any) -> None:
    for create in (
        lambda: school_create(slug="new", name="New School", actor=trust_admin),
        lambda: user_create(email="x@new.test", password=None, actor=trust_admin),
        lambda: user_create(email="x@new.test", password=None, actor=SYSTEM_COMMENT_SCREENING),
    ):
        with pytest.raises(Refused) as err:
            create()
        assert err.value.message == NOT_OPERATOR


def test_r7_a_system_actor_the_service_does_not_list_cannot_enrol_a_device(school: Any) -> None:
    with pytest.raises(Refused) as err:
        device_enrol(school=school, name="iPad", actor=SYSTEM_COMMENT_SCREENING)
    assert err.value.message == NOT_TRUST_ADMIN
    assert not Device.objects.exists()


def test_r14_a_command_at_the_shell_is_named_in_the_audit_log(school: Any, capsys: Any) -> None:
    call_command("enrol_device", "Hall iPad", "--school", school.slug)
    event = AuditEvent.objects.get(action="device.enrolled")
    assert event.actor is None and event.actor_label == SYSTEM_SHELL.name == "system:shell"
    assert Device.objects.get().enrolled_by is None


def test_hole12_the_user_admin_cannot_hand_out_roles_past_the_service(
    school: Any, teacher: Any
) -> None:
    from django.test import Client

    from tests.factories import UserFactory

    operator = UserFactory(email="ops@trust.test", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(operator)
    url = f"/admin/accounts/user/{teacher.pk}/change/"
    staff = Membership.objects.get(user=teacher)
    page = client.get(url)
    assert page.status_code == 200
    form = {
        "email": teacher.email,
        "full_name": "Promoted by a free edit",
        "is_active": "on",
        "memberships-TOTAL_FORMS": "2",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": str(staff.pk),
        "memberships-0-user": str(teacher.pk),
        "memberships-0-school": str(school.pk),
        "memberships-0-role": Role.LEADER,
        "memberships-1-user": str(teacher.pk),
        "memberships-1-school": str(school.pk),
        "memberships-1-role": Role.DSL,
        **{
            f"memberships-{n}-created_at_{part}": value
            for n in (0, 1)
            for part, value in ((0, "2026-01-05"), (1, "09:00:00"))
        },
    }

    response = client.post(url, form)

    assert response.status_code == 302

    assert set(Membership.objects.filter(user=teacher).values_list("role", flat=True)) == {
        Role.STAFF
    }
