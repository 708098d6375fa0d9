"""The head teacher (R13): a leader membership a trust administrator marks, through the API,
the admin's actions, `create_user --head-teacher` or the demo seeder; always checked and
audited."""

import re
from typing import Any

import pytest
from django.core.management import call_command

from backend.accounts.demo import seed_accounts
from backend.accounts.models import Membership, Role, School, User
from backend.accounts.services import (
    HEAD_TEACHER_NOT_LEADER,
    NOT_TRUST_ADMIN,
    membership_head_teacher_set,
)
from backend.audit.models import AuditEvent
from backend.common.errors import InvalidInput, Refused


def _leader_membership(user: User, school: School) -> Membership:
    return Membership.objects.get(user=user, school=school, role=Role.LEADER)


def test_r13_a_trust_admin_marks_a_leader_as_head_teacher(
    api_as: Any, school: School, trust_admin: User, deputy_head: User
) -> None:
    membership = _leader_membership(deputy_head, school)
    url = f"/api/schools/{school.pk}/memberships/{membership.pk}/head-teacher"

    response = api_as(trust_admin).post(url, {"is_head_teacher": True}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["is_head_teacher"] is True
    membership.refresh_from_db()
    assert membership.is_head_teacher
    event = AuditEvent.objects.get(action="membership.head_teacher_set")
    assert event.actor_id == trust_admin.pk and event.target_id == str(deputy_head.pk)


def test_r13_a_trust_admin_lists_the_school_s_roles_with_the_head_teacher(
    api_as: Any, school: School, trust_admin: User, head_teacher: User, deputy_head: User
) -> None:
    response = api_as(trust_admin).get(f"/api/schools/{school.pk}/memberships")

    assert response.status_code == 200
    leaders = {
        row["email"]: row["is_head_teacher"] for row in response.json() if row["role"] == "leader"
    }
    assert leaders == {head_teacher.email: True, deputy_head.email: False}


def test_r13_a_leader_cannot_make_themselves_head_teacher(
    api_as: Any, school: School, deputy_head: User
) -> None:
    membership = _leader_membership(deputy_head, school)
    url = f"/api/schools/{school.pk}/memberships/{membership.pk}/head-teacher"

    assert (
        api_as(deputy_head).post(url, {"is_head_teacher": True}, format="json").status_code == 404
    )
    with pytest.raises(Refused) as refused:
        membership_head_teacher_set(membership=membership, is_head_teacher=True, actor=deputy_head)
    assert refused.value.message == NOT_TRUST_ADMIN
    membership.refresh_from_db()
    assert not membership.is_head_teacher


def test_r13_only_a_leader_membership_can_be_the_head_teacher(
    api_as: Any, school: School, trust_admin: User, teacher: User
) -> None:
    membership = Membership.objects.get(user=teacher, school=school)
    url = f"/api/schools/{school.pk}/memberships/{membership.pk}/head-teacher"

    response = api_as(trust_admin).post(url, {"is_head_teacher": True}, format="json")

    assert response.status_code == 400
    assert response.json()["is_head_teacher"] == [HEAD_TEACHER_NOT_LEADER]
    with pytest.raises(InvalidInput, match=re.escape(HEAD_TEACHER_NOT_LEADER)):
        membership_head_teacher_set(membership=membership, is_head_teacher=True, actor=trust_admin)
    assert not Membership.objects.filter(is_head_teacher=True, role=Role.STAFF).exists()


def test_r13_the_sign_in_answer_says_who_is_the_head_teacher(
    api_as: Any, head_teacher: User, deputy_head: User
) -> None:
    def leader_flags(user: User) -> list[bool]:
        me = api_as(user).get("/api/auth/me").json()
        return [m["is_head_teacher"] for m in me["memberships"] if m["role"] == "leader"]

    assert leader_flags(head_teacher) == [True]
    assert leader_flags(deputy_head) == [False]


def test_r13_create_user_marks_the_head_teacher(school: School) -> None:
    call_command(
        "create_user", "newhead@oakfield.test", "--school", school.slug, "--role", "leader",
        "--head-teacher", "--password", "correct-horse-battery",
    )  # fmt: skip

    membership = Membership.objects.get(user__email="newhead@oakfield.test", school=school)
    assert membership.is_head_teacher
    assert AuditEvent.objects.filter(action="membership.head_teacher_set").exists()


def test_r13_the_demo_head_is_the_head_teacher_and_the_deputy_is_not(db: None) -> None:
    demo = seed_accounts()

    def is_head(local: str) -> bool:
        return _leader_membership(demo.users[local], demo.school).is_head_teacher

    assert is_head("head") and not is_head("deputy")


def test_r13_the_admin_marks_the_head_teacher_through_the_audited_service(
    client: Any, school: School, deputy_head: User
) -> None:
    superuser = User.objects.create_superuser("root@oakfield.test", "correct-horse-battery")
    client.force_login(superuser)
    membership = _leader_membership(deputy_head, school)

    response = client.post(
        "/admin/accounts/membership/",
        {"action": "mark_head_teacher", "_selected_action": [membership.pk]},
    )

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.is_head_teacher
    assert AuditEvent.objects.filter(
        action="membership.head_teacher_set", actor=superuser
    ).exists()  # fmt: skip
