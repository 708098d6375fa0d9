"""Safeguarding flags (R16): "do not publish", whatever the consent says."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from backend.accounts.models import School, User
from backend.audit.services import audit_record
from backend.common.errors import Conflict, InvalidInput
from backend.common.normalise import clean_text

from ..models import FlagKind, Person, SafeguardingFlag
from ..selectors import SENSITIVE_ROLES, allowed_purposes
from .common import check_live, check_role
from .consent_ends import REASON_DO_NOT_PUBLISH, consent_end_dispatch_if_ended
from .messages import FLAG_ACTIVE, FLAG_ENDED, NOT_SENSITIVE_ROLE, UNKNOWN_FLAG


def flag_add(*, person: Person, kind: str, note: str = "", actor: User) -> SafeguardingFlag:
    """R16: from now on the person is "do not publish"; anything published that features
    them is handed to the takedown handlers."""
    check_role(
        actor=actor, school=person.school_id, roles=SENSITIVE_ROLES, message=NOT_SENSITIVE_ROLE
    )
    check_live(person)
    if kind not in FlagKind.values:
        raise InvalidInput(
            UNKNOWN_FLAG.format(value=kind, choices=", ".join(FlagKind.values)), field="kind"
        )
    with transaction.atomic():
        Person.objects.select_for_update(of=("self",)).filter(pk=person.pk).first()
        if SafeguardingFlag.objects.filter(
            person=person, kind=kind, ended_at__isnull=True
        ).exists():
            raise Conflict(FLAG_ACTIVE, field="kind")
        before = allowed_purposes(person_ids=[person.pk])
        flag = SafeguardingFlag.objects.create(
            person=person,
            kind=kind,
            note=clean_text(note, field="note", required=False, multiline=True),
            recorded_by=actor,
        )
        # The kind is not written to the audit data: the trail is readable by trust admins.
        audit_record(
            action="flag.added",
            actor=actor,
            school=School(pk=person.school_id),
            target=flag,
            data={"person_id": person.pk},
        )
        consent_end_dispatch_if_ended(before=before, reason=REASON_DO_NOT_PUBLISH)
    return flag


def flag_end(*, flag: SafeguardingFlag, actor: User) -> SafeguardingFlag:
    person = flag.person
    check_role(
        actor=actor, school=person.school_id, roles=SENSITIVE_ROLES, message=NOT_SENSITIVE_ROLE
    )
    with transaction.atomic():
        updated = SafeguardingFlag.objects.filter(pk=flag.pk, ended_at__isnull=True).update(
            ended_at=timezone.now(), ended_by=actor
        )
        if not updated:
            raise Conflict(FLAG_ENDED)
        audit_record(
            action="flag.ended",
            actor=actor,
            school=School(pk=person.school_id),
            target=flag,
            data={"person_id": person.pk},
        )
    flag.refresh_from_db()
    return flag
