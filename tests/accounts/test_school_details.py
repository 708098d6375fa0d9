"""Hole 12 (issue 11): a school's own contact details are the ones R5 lets a post contain, so
they change only through `school_details_update` (trust administrator or operator, audited),
from the Django admin as from code."""

import re
from typing import Any

import pytest
from django.test import Client

from backend.accounts.models import Role, School
from backend.accounts.services import NOT_TRUST_ADMIN, school_details_update
from backend.audit.models import AuditEvent
from backend.common.errors import InvalidInput, Refused
from tests.factories import member


def test_r5_a_trust_admin_changes_the_schools_phone_and_it_is_audited(school: School) -> None:
    admin = member(school, Role.TRUST_ADMIN)
    before = school.contact_phone

    school_details_update(school=school, changes={"contact_phone": "01632 960123"}, actor=admin)

    school.refresh_from_db()
    assert school.contact_phone == "01632 960123"
    event = AuditEvent.objects.get(action="school.details_changed")
    assert event.actor == admin
    assert event.data == {"changes": {"contact_phone": {"before": before, "after": "01632 960123"}}}


def test_hole12_a_leader_cannot_change_the_schools_own_contact_details(school: School) -> None:
    leader = member(school, Role.LEADER)

    with pytest.raises(Refused) as err:
        school_details_update(
            school=school, changes={"contact_email": "someone@example.com"}, actor=leader
        )

    assert err.value.message == NOT_TRUST_ADMIN
    school.refresh_from_db()
    assert school.contact_email != "someone@example.com"
    assert not AuditEvent.objects.filter(action="school.details_changed").exists()


def test_hole12_a_field_outside_the_schools_details_is_refused_by_name(school: School) -> None:
    admin = member(school, Role.TRUST_ADMIN)

    # The service words this message inline (no constant yet).
    with pytest.raises(
        InvalidInput, match=re.escape("'dpia_reference' cannot be changed here.")
    ) as err:
        school_details_update(school=school, changes={"dpia_reference": "X"}, actor=admin)

    assert err.value.field == "dpia_reference"


def test_hole12_the_school_admin_form_saves_through_the_service(school: Any) -> None:
    operator = member(school, Role.TRUST_ADMIN)
    operator.is_staff = operator.is_superuser = True
    operator.save()
    client = Client()
    client.force_login(operator)

    response = client.post(
        f"/admin/accounts/school/{school.pk}/change/",
        {
            "name": school.name,
            "contact_email": "office@example.sch.uk",
            "contact_phone": school.contact_phone,
            "contact_address": school.contact_address,
            "contact_postcode": school.contact_postcode,
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    school.refresh_from_db()
    assert school.contact_email == "office@example.sch.uk"
    event = AuditEvent.objects.get(action="school.details_changed")
    assert event.actor == operator
    assert event.data["changes"]["contact_email"]["after"] == "office@example.sch.uk"
