"""Consent decisions: record, withdraw, and a pupil's own objection (R17, R18)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from backend.accounts.models import School
from backend.audit.services import audit_record
from backend.common.actors import OPERATOR, Actor, actor_user
from backend.common.errors import Conflict, InvalidInput, Refused
from backend.common.normalise import clean_text

from ..derivation import BIOMETRIC_ADULT_AGE, age_on, default_expiry
from ..models import (
    WRITTEN_METHODS,
    ConsentEvidence,
    ConsentRecord,
    Contact,
    Decision,
    GivenBy,
    Method,
    Person,
    PersonKind,
    Purpose,
)
from ..selectors import MANAGE_ROLES, STATUS_ROLES, allowed_purposes
from .common import check_live, check_role, local_today
from .consent_ends import (
    REASON_OBJECTION,
    REASON_REFUSED,
    REASON_WITHDRAWN,
    consent_end_dispatch_if_ended,
)
from .messages import (
    ADULTS_DECIDE,
    BIOMETRIC_NEEDS_EVIDENCE,
    BIOMETRIC_NEEDS_WRITING,
    CONTACT_NO_PR,
    CONTACT_NOT_THEIRS,
    CONTACT_REQUIRED,
    CONTACT_WITH_SELF,
    EVIDENCE_NOT_THEIRS,
    EXPIRY_BEFORE_GIVEN,
    EXPIRY_ONLY_GRANTS,
    GIVEN_IN_FUTURE,
    MIS_RESERVED,
    NO_PURPOSES,
    NOT_CONSENT_ADMIN,
    NOT_MEMBER,
    PERSON_LEFT,
    PUPIL_BIOMETRIC,
    PUPIL_NOT_COMPETENT,
    UNKNOWN_DECISION,
    UNKNOWN_METHOD,
    UNKNOWN_PURPOSE,
)


@dataclass(frozen=True)
class _Form:
    """One decision as given on one form (it may cover several purposes)."""

    decision: str
    given_by: str
    contact: Contact | None
    method: str
    given_on: datetime.date
    expires_on: datetime.date | None
    evidence: ConsentEvidence | None
    evidence_reference: str
    notes: str


def _validate_decision(*, person: Person, purpose: str, form: _Form) -> datetime.date | None:
    """R17/R18 checks on one decision; returns the expiry to store."""
    decision, given_by, contact, method = form.decision, form.given_by, form.contact, form.method
    given_on, expires_on, evidence = form.given_on, form.expires_on, form.evidence
    if purpose not in Purpose.values:
        raise InvalidInput(
            UNKNOWN_PURPOSE.format(value=purpose, choices=", ".join(Purpose.values)),
            field="purposes",
        )
    if decision not in Decision.values:
        raise InvalidInput(UNKNOWN_DECISION.format(value=decision), field="decision")
    if method == Method.MIS_IMPORT or given_by == GivenBy.MIS:
        raise InvalidInput(MIS_RESERVED, field="method")
    if method not in Method.values:
        raise InvalidInput(UNKNOWN_METHOD.format(value=method), field="method")
    if given_by not in (GivenBy.CONTACT, GivenBy.SELF):
        raise InvalidInput(CONTACT_REQUIRED, field="given_by")
    if given_on > local_today():
        raise InvalidInput(GIVEN_IN_FUTURE, field="given_on")
    if evidence is not None and evidence.person_id != person.pk:
        raise InvalidInput(EVIDENCE_NOT_THEIRS, field="evidence_id")
    granted = decision == Decision.GRANTED
    biometric = purpose == Purpose.BIOMETRIC

    if given_by == GivenBy.CONTACT:
        if person.kind != PersonKind.PUPIL:
            raise InvalidInput(ADULTS_DECIDE, field="given_by")
        if contact is None:
            raise InvalidInput(CONTACT_REQUIRED, field="contact_id")
        if contact.person_id != person.pk:
            raise InvalidInput(CONTACT_NOT_THEIRS, field="contact_id")
        if not contact.may_give_consent:
            raise Refused(CONTACT_NO_PR, field="contact_id")
    else:
        if contact is not None:
            raise InvalidInput(CONTACT_WITH_SELF, field="contact_id")
        if granted and person.kind == PersonKind.PUPIL:
            age = age_on(person.date_of_birth, given_on)
            if biometric and (age is None or age < BIOMETRIC_ADULT_AGE):
                raise Refused(PUPIL_BIOMETRIC, field="given_by")
            competence = settings.CONSENT_COMPETENCE_AGE
            if not biometric and (age is None or age < competence):
                raise Refused(PUPIL_NOT_COMPETENT.format(age=competence), field="given_by")

    if not granted:
        if expires_on is not None:
            raise InvalidInput(EXPIRY_ONLY_GRANTS, field="expires_on")
        return None
    if not person.on_roll:
        raise Conflict(PERSON_LEFT)
    if biometric:
        if method not in WRITTEN_METHODS:
            raise InvalidInput(BIOMETRIC_NEEDS_WRITING, field="method")
        if evidence is None and not form.evidence_reference.strip():
            raise InvalidInput(BIOMETRIC_NEEDS_EVIDENCE, field="evidence_id")
    expiry = expires_on or default_expiry(given_on)
    if expiry < given_on:
        raise InvalidInput(EXPIRY_BEFORE_GIVEN, field="expires_on")
    return expiry


def _end_reason(*, decision: str, given_by: str, person: Person) -> str:
    if given_by == GivenBy.SELF and person.kind == PersonKind.PUPIL and decision != "granted":
        return REASON_OBJECTION
    return REASON_WITHDRAWN if decision == Decision.WITHDRAWN else REASON_REFUSED


def consent_record_many(
    *,
    person: Person,
    purposes: Sequence[str],
    decision: str,
    given_by: str,
    method: str,
    contact: Contact | None = None,
    given_on: datetime.date | None = None,
    expires_on: datetime.date | None = None,
    evidence: ConsentEvidence | None = None,
    evidence_reference: str = "",
    notes: str = "",
    actor: Actor,
    _roles: Iterable[str] = MANAGE_ROLES,
    _role_message: str = NOT_CONSENT_ADMIN,
) -> list[ConsentRecord]:
    """Record one decision (one form) covering one or more purposes.

    1. Check the actor (consent administrator) and every purpose against R17/R18.
    2. Lock the person, note what they may do now, append the records, audit each.
    3. If anything that was allowed no longer is, queue the consent-ended work.
    """
    check_role(
        actor=actor, school=person.school_id, roles=_roles, message=_role_message, system=OPERATOR
    )
    check_live(person)
    purposes = list(dict.fromkeys(purposes))
    if not purposes:
        raise InvalidInput(NO_PURPOSES, field="purposes")
    given_on = given_on or local_today()
    with transaction.atomic():
        # Validate against the locked, current row (it may have left a moment ago).
        person = Person.objects.select_for_update(of=("self",)).get(pk=person.pk)
        check_live(person)
        if contact is not None:
            contact = Contact.objects.get(pk=contact.pk)
        form = _Form(
            decision=decision,
            given_by=given_by,
            contact=contact,
            method=method,
            given_on=given_on,
            expires_on=expires_on,
            evidence=evidence,
            evidence_reference=clean_text(
                evidence_reference, field="evidence_reference", required=False
            ),
            notes=clean_text(notes, field="notes", required=False, multiline=True),
        )
        expiries = {p: _validate_decision(person=person, purpose=p, form=form) for p in purposes}
        before = allowed_purposes(person_ids=[person.pk])
        now = timezone.now()  # one form, one moment: every record of it shares it
        records = [
            _record_append(
                person=person,
                purpose=purpose,
                form=form,
                expires_on=expiries[purpose],
                recorded_at=now,
                actor=actor,
            )
            for purpose in purposes
        ]
        if decision != Decision.GRANTED:
            reason = _end_reason(decision=decision, given_by=given_by, person=person)
            consent_end_dispatch_if_ended(before=before, reason=reason)
    return records


def _record_append(
    *,
    person: Person,
    purpose: str,
    form: _Form,
    expires_on: datetime.date | None,
    recorded_at: datetime.datetime,
    actor: Actor,
) -> ConsentRecord:
    """Append one validated record (records are never changed: the latest one counts)."""
    record = ConsentRecord.objects.create(
        person=person,
        purpose=purpose,
        decision=form.decision,
        given_by=form.given_by,
        contact=form.contact,
        method=form.method,
        given_on=form.given_on,
        expires_on=expires_on,
        evidence=form.evidence,
        evidence_reference=form.evidence_reference,
        notes=form.notes,
        recorded_by=actor_user(actor),
        recorded_at=recorded_at,
    )
    audit_record(
        action="consent.recorded",
        actor=actor,
        school=School(pk=person.school_id),
        target=record,
        data={
            "person_id": person.pk,
            "purpose": purpose,
            "decision": form.decision,
            "given_by": form.given_by,
            "contact_id": form.contact.pk if form.contact else None,
            "method": form.method,
            "given_on": form.given_on.isoformat(),
        },
    )
    return record


def consent_record(
    *,
    person: Person,
    purpose: str,
    decision: str,
    given_by: str,
    method: str,
    contact: Contact | None = None,
    given_on: datetime.date | None = None,
    expires_on: datetime.date | None = None,
    evidence: ConsentEvidence | None = None,
    evidence_reference: str = "",
    notes: str = "",
    actor: Actor,
) -> ConsentRecord:
    """Record one decision for one purpose (see consent_record_many)."""
    [record] = consent_record_many(
        person=person,
        purposes=[purpose],
        decision=decision,
        given_by=given_by,
        method=method,
        contact=contact,
        given_on=given_on,
        expires_on=expires_on,
        evidence=evidence,
        evidence_reference=evidence_reference,
        notes=notes,
        actor=actor,
    )
    return record


def consent_withdraw(
    *,
    person: Person,
    purposes: Sequence[str],
    given_by: str,
    method: str,
    contact: Contact | None = None,
    notes: str = "",
    actor: Actor,
) -> list[ConsentRecord]:
    """A withdrawal (any method: a "no" is always honoured at once)."""
    return consent_record_many(
        person=person,
        purposes=purposes,
        decision=Decision.WITHDRAWN,
        given_by=given_by,
        method=method,
        contact=contact,
        notes=notes,
        actor=actor,
    )


def objection_record(
    *,
    person: Person,
    purposes: Sequence[str] | None = None,
    method: str = Method.VERBAL,
    notes: str = "",
    actor: Actor,
) -> list[ConsentRecord]:
    """R18: a pupil's (or adult's) own objection, however made, logged by any member of
    staff of their school. It wins over every grant (R17) and ends biometric processing
    at once (PoFA 2012 s.26(5))."""
    return consent_record_many(
        person=person,
        purposes=list(purposes or Purpose.values),
        decision=Decision.REFUSED,
        given_by=GivenBy.SELF,
        method=method,
        notes=notes,
        actor=actor,
        _roles=STATUS_ROLES,
        _role_message=NOT_MEMBER,
    )
