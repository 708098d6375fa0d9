"""Erasure (R15): a person erased, keeping only what the law needs, reduced."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from backend.accounts.models import School, User
from backend.audit.services import audit_record
from backend.common.errors import InvalidInput

from ..models import ConsentEvidence, ConsentRecord, Contact, Person, SafeguardingFlag
from ..selectors import MANAGE_ROLES
from .common import check_live, check_role, delete_files_on_commit, local_today
from .consent_ends import REASON_ERASED, consent_end_dispatch
from .enrolment import face_enrolments_purge
from .messages import ERASE_CONFIRM, NOT_CONSENT_ADMIN


def person_erase(*, person: Person, confirm: str, actor: User) -> Person:
    """Erase a person (right to erasure), keeping what the law needs, reduced.

    1. Check: consent administrator; `confirm` is the MIS id (or the id) of this person.
    2. Delete: face enrolments and photos, evidence files, contacts, safeguarding flags.
    3. Reduce: consent records keep only what shows consent was lawfully held and when
       (purpose, decision, who in general, method, dates); notes and references cleared.
       The audit trail is kept as it is: it names people by id only, never by data.
    4. Tombstone: every personal field of the person cleared; the row stays (other apps
       point at it) with `erased_at`, never on roll, with no consent for anything.
    5. After commit: the consent-ended handlers run (reason "erased") so published posts
       featuring them are taken down and other apps erase their part.
    """
    school = School.objects.get(pk=person.school_id)
    check_role(actor=actor, school=school, roles=MANAGE_ROLES, message=NOT_CONSENT_ADMIN)
    check_live(person)
    if confirm.strip() not in {person.mis_id or str(person.pk), str(person.pk)}:
        raise InvalidInput(ERASE_CONFIRM, field="confirm")
    with transaction.atomic():
        person = Person.objects.select_for_update(of=("self",)).get(pk=person.pk)
        enrolments = face_enrolments_purge(person=person, reason=REASON_ERASED, actor=actor)
        evidence = list(ConsentEvidence.objects.filter(person=person))
        delete_files_on_commit([e.file.name for e in evidence])
        ConsentRecord.objects.filter(person=person).update(
            evidence=None, evidence_reference="", notes="", contact=None
        )
        ConsentEvidence.objects.filter(person=person).delete()
        contacts, _ = Contact.objects.filter(person=person).delete()
        flags, _ = SafeguardingFlag.objects.filter(person=person).delete()
        now = timezone.now()
        Person.objects.filter(pk=person.pk).update(
            mis_id="",
            legal_first_name="",
            preferred_first_name="",
            last_name="",
            year_group="",
            registration_group="",
            date_of_birth=None,
            on_roll=False,
            left_on=person.left_on or local_today(),
            consent_void_before=now,
            erased_at=now,
            updated_at=now,
        )
        audit_record(
            action="person.erased",
            actor=actor,
            school=school,
            target=person,
            data={
                "enrolments": enrolments,
                "evidence": len(evidence),
                "contacts": contacts,
                "flags": flags,
            },
        )
        consent_end_dispatch(person_ids=[person.pk], reason=REASON_ERASED)
    person.refresh_from_db()
    return person
