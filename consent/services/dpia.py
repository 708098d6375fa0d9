"""The DPIA gate (R19): face identification is off for a school until this is recorded."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from backend.accounts.models import School
from backend.audit.services import audit_record
from backend.common.actors import OPERATOR, Actor
from backend.common.errors import InvalidInput
from backend.common.normalise import check_dpia_signed_at, clean_text

from ..selectors import DPIA_ROLES
from .common import check_role
from .messages import DPIA_FIELDS, NOT_DPIA_ROLE


def school_dpia_record(
    *,
    school: School,
    reference: str,
    dpo_name: str,
    signed_at: datetime.datetime | None = None,
    actor: Actor,
) -> School:
    """R19: record the DPIA and the DPO's sign-off; face identification is on from now."""
    check_role(actor=actor, school=school, roles=DPIA_ROLES, message=NOT_DPIA_ROLE, system=OPERATOR)
    reference = clean_text(reference, field="reference", required=False, max_length=100)
    dpo_name = clean_text(dpo_name, field="dpo_name", required=False, max_length=200)
    if not reference or not dpo_name:
        raise InvalidInput(DPIA_FIELDS, field="reference" if not reference else "dpo_name")
    if signed_at is not None:
        check_dpia_signed_at(signed_at, field="signed_at")
    with transaction.atomic():
        school.dpia_reference = reference
        school.dpo_name = dpo_name
        school.dpia_signed_at = signed_at or timezone.now()
        school.save(update_fields=["dpia_reference", "dpo_name", "dpia_signed_at"])
        audit_record(
            action="school.dpia_recorded",
            actor=actor,
            school=school,
            target=school,
            data={
                "reference": school.dpia_reference,
                "dpo": school.dpo_name,
                "signed_at": school.dpia_signed_at.isoformat(),
            },
        )
    return school


def school_dpia_clear(*, school: School, actor: Actor) -> School:
    """Turn face identification off again (the gallery is empty from now on)."""
    check_role(actor=actor, school=school, roles=DPIA_ROLES, message=NOT_DPIA_ROLE, system=OPERATOR)
    with transaction.atomic():
        school.dpia_reference = ""
        school.dpo_name = ""
        school.dpia_signed_at = None
        school.save(update_fields=["dpia_reference", "dpo_name", "dpia_signed_at"])
        audit_record(action="school.dpia_cleared", actor=actor, school=school, target=school)
    return school
