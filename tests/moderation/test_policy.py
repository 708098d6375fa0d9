"""Hole 12 (issue 11): the school's approval policy changes only through
`approvals.school_policy_update`, from the Django admin as from code: a leader or trust
administrator of the school, each setting checked, every change audited."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from backend.accounts.models import Role, User
from backend.audit.models import AuditEvent
from backend.common.errors import InvalidInput, Refused
from moderation import approvals
from tests.factories import member


def _operator(user: User) -> User:
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def _admin_post(user: User, policy: Any, **values: Any) -> Any:
    client = Client()
    client.force_login(user)
    form = {"approvals_required": 1, "approvals_required_identifiable_pupils": 1, **values}
    return client.post(f"/admin/moderation/schoolpolicy/{policy.pk}/change/", form)


def test_hole12_a_member_of_staff_cannot_loosen_the_approval_policy(
    school: Any, teacher: Any
) -> None:
    with pytest.raises(Refused) as err:
        approvals.school_policy_update(
            school=school, actor=teacher, changes={"dsl_clearance_required": False}
        )
    assert err.value.message == approvals.NOT_POLICY_EDITOR
    assert not AuditEvent.objects.filter(action="policy.changed").exists()


def test_r8_the_policy_needs_at_least_one_approval(school: Any, head_teacher: Any) -> None:
    with pytest.raises(InvalidInput, match=re.escape(approvals.POLICY_APPROVALS_MINIMUM)) as err:
        approvals.school_policy_update(
            school=school, actor=head_teacher, changes={"approvals_required": 0}
        )
    assert err.value.field == "approvals_required"
    assert approvals.school_policy_get_or_create(school).approvals_required == 1


def test_hole12_the_admin_refuses_a_superuser_without_a_role_at_the_school(
    school: Any, other_school: Any
) -> None:
    operator = _operator(member(other_school, Role.TRUST_ADMIN, email="ops@elmwood.test"))
    policy = approvals.school_policy_get_or_create(school)

    response = _admin_post(operator, policy, approvals_required=3, dsl_clearance_required="on")

    assert response.status_code == 403
    policy.refresh_from_db()
    assert policy.approvals_required == 1 and not policy.dsl_clearance_required
    assert not AuditEvent.objects.filter(action="policy.changed").exists()


def test_hole12_the_admin_records_a_leaders_change_as_the_service_does(
    school: Any, head_teacher: Any
) -> None:
    leader = _operator(head_teacher)
    policy = approvals.school_policy_get_or_create(school)

    response = _admin_post(leader, policy, approvals_required=2, dsl_clearance_required="on")

    assert response.status_code == 302, response.content.decode()[:2000]
    policy.refresh_from_db()
    assert policy.approvals_required == 2 and policy.dsl_clearance_required
    event = AuditEvent.objects.get(action="policy.changed")
    assert event.actor == leader
    assert event.data == {
        "changed": {"approvals_required": 2, "dsl_clearance_required": True},
        "before": {"approvals_required": 1, "dsl_clearance_required": False},
    }


def test_r8_the_admin_refuses_zero_approvals_on_the_field(school: Any, head_teacher: Any) -> None:
    leader = _operator(head_teacher)
    policy = approvals.school_policy_get_or_create(school)

    response = _admin_post(leader, policy, approvals_required=0)

    assert response.status_code == 200
    assert approvals.POLICY_APPROVALS_MINIMUM in response.content.decode()
    policy.refresh_from_db()
    assert policy.approvals_required == 1
    assert not AuditEvent.objects.filter(action="policy.changed").exists()
