"""The people register: people and their contacts (parents, carers).

A change that can end someone's consent (a date of birth that makes a pupil's own answer
count or not, a contact losing parental responsibility, leaving) dispatches the
consent-ended work in the same transaction (`consent_ends`).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from backend.accounts.models import School, User
from backend.audit.services import audit_record
from backend.common.actors import OPERATOR, Actor
from backend.common.errors import Conflict, InvalidInput
from backend.common.normalise import check_date_of_birth, clean_text
from backend.common.textfold import has_invisible

from ..models import Contact, FaceEnrolment, Person, PersonKind
from ..selectors import MANAGE_ROLES, allowed_purposes
from .common import check_live, check_role, local_today
from .consent_ends import (
    REASON_CHANGED,
    REASON_LEFT,
    consent_end_dispatch_if_ended,
)
from .messages import (
    ALREADY_LEFT,
    LEFT_IN_FUTURE,
    MIS_ID_TAKEN,
    NAME_INVISIBLE,
    NAME_REQUIRED,
    NOT_CONSENT_ADMIN,
    UNKNOWN_FIELD,
)

PERSON_EDITABLE = (
    "kind",
    "mis_id",
    "legal_first_name",
    "preferred_first_name",
    "last_name",
    "year_group",
    "registration_group",
    "date_of_birth",
)


NAME_FIELDS = ("legal_first_name", "preferred_first_name", "last_name")


def _check_names_visible(**names: str | None) -> None:
    """R4/R20: a name with format characters (a zero-width space, a direction mark) in the
    register would match nothing the names check reads, so the register refuses it."""
    for field, value in names.items():
        if value and has_invisible(value):
            raise InvalidInput(NAME_INVISIBLE.format(field=field), field=field)


PERSON_TEXT_FIELDS = (*NAME_FIELDS, "mis_id", "year_group", "registration_group")


def _cleaned_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """`changes` with every text normalised (issue 16 item 4) and the date of birth checked."""
    cleaned = dict(changes)
    for field in PERSON_TEXT_FIELDS:
        if field in cleaned:
            cleaned[field] = clean_text(cleaned[field], field=field, required=False)
    if cleaned.get("date_of_birth") is not None:
        check_date_of_birth(cleaned["date_of_birth"])
    return cleaned


def person_create(
    *,
    school: School,
    legal_first_name: str,
    last_name: str,
    kind: str = PersonKind.PUPIL,
    mis_id: str = "",
    preferred_first_name: str = "",
    year_group: str = "",
    registration_group: str = "",
    date_of_birth: datetime.date | None = None,
    actor: Actor,
) -> Person:
    check_role(
        actor=actor, school=school, roles=MANAGE_ROLES, message=NOT_CONSENT_ADMIN, system=OPERATOR
    )
    _check_names_visible(
        legal_first_name=legal_first_name,
        preferred_first_name=preferred_first_name,
        last_name=last_name,
    )
    cleaned = _cleaned_changes(
        {
            "legal_first_name": legal_first_name,
            "preferred_first_name": preferred_first_name,
            "last_name": last_name,
            "year_group": year_group,
            "registration_group": registration_group,
            "mis_id": mis_id,
            "date_of_birth": date_of_birth,
        }
    )
    for field in ("legal_first_name", "last_name"):
        if not cleaned[field]:
            raise InvalidInput(NAME_REQUIRED, field=field)
    if (
        cleaned["mis_id"]
        and Person.objects.filter(school=school, mis_id=cleaned["mis_id"]).exists()
    ):
        raise Conflict(MIS_ID_TAKEN, field="mis_id")
    with transaction.atomic():
        person = Person.objects.create(school=school, kind=kind, **cleaned)
        audit_record(action="person.created", actor=actor, school=school, target=person)
    return person


def person_update(*, person: Person, changes: dict[str, Any], actor: User) -> Person:
    """Change register details (not leaving: person_leave). A new date of birth can change
    whether a pupil's own consent counts, so consent end is checked too."""
    check_role(actor=actor, school=person.school_id, roles=MANAGE_ROLES, message=NOT_CONSENT_ADMIN)
    check_live(person)
    for name in changes:
        if name not in PERSON_EDITABLE:
            raise InvalidInput(UNKNOWN_FIELD.format(field=name), field=name)
    _check_names_visible(**{k: v for k, v in changes.items() if k in NAME_FIELDS})
    changes = _cleaned_changes(changes)
    if "mis_id" in changes:
        if (
            changes["mis_id"]
            and Person.objects.filter(school_id=person.school_id, mis_id=changes["mis_id"])
            .exclude(pk=person.pk)
            .exists()
        ):
            raise Conflict(MIS_ID_TAKEN, field="mis_id")
    for name in ("legal_first_name", "last_name"):
        if name in changes and not changes[name]:
            raise InvalidInput(NAME_REQUIRED, field=name)
    changed = [name for name, value in changes.items() if getattr(person, name) != value]
    if not changed:
        return person
    with transaction.atomic():
        before = allowed_purposes(person_ids=[person.pk])
        for name in changed:
            setattr(person, name, changes[name])
        person.updated_at = timezone.now()
        person.save(update_fields=[*changed, "updated_at"])
        audit_record(
            action="person.updated",
            actor=actor,
            school=School(pk=person.school_id),
            target=person,
            data={"fields": changed},
        )
        consent_end_dispatch_if_ended(before=before, reason=REASON_CHANGED)
    return person


def person_leave(*, person: Person, left_on: datetime.date | None = None, actor: Actor) -> Person:
    """R17/R10: leaving ends every consent (and grants from before stay void if they come
    back); their encodings are deleted and takedown handlers run."""
    check_role(
        actor=actor,
        school=person.school_id,
        roles=MANAGE_ROLES,
        message=NOT_CONSENT_ADMIN,
        system=OPERATOR,
    )
    check_live(person)
    left_on = left_on or local_today()
    if left_on > local_today():
        raise InvalidInput(LEFT_IN_FUTURE, field="left_on")
    with transaction.atomic():
        person = Person.objects.select_for_update(of=("self",)).get(pk=person.pk)
        if not person.on_roll:
            raise Conflict(ALREADY_LEFT)
        before = allowed_purposes(person_ids=[person.pk])
        now = timezone.now()
        person.on_roll = False
        person.left_on = left_on
        person.consent_void_before = now
        person.updated_at = now
        person.save(update_fields=["on_roll", "left_on", "consent_void_before", "updated_at"])
        audit_record(
            action="person.left",
            actor=actor,
            school=School(pk=person.school_id),
            target=person,
            data={"left_on": left_on.isoformat()},
        )
        enrolled = FaceEnrolment.objects.filter(person=person).exists()
        consent_end_dispatch_if_ended(
            before=before, reason=REASON_LEFT, always=[person.pk] if enrolled else []
        )
    return person


def contact_create(
    *,
    person: Person,
    name: str,
    relationship: str = "",
    has_parental_responsibility: bool = False,
    court_order: bool = False,
    actor: Actor,
) -> Contact:
    check_role(
        actor=actor,
        school=person.school_id,
        roles=MANAGE_ROLES,
        message=NOT_CONSENT_ADMIN,
        system=OPERATOR,
    )
    check_live(person)
    name = clean_text(name, field="name")
    relationship = clean_text(relationship, field="relationship", required=False)
    with transaction.atomic():
        contact = Contact.objects.create(
            person=person,
            name=name,
            relationship=relationship,
            has_parental_responsibility=has_parental_responsibility,
            court_order=court_order,
        )
        audit_record(
            action="contact.created",
            actor=actor,
            school=School(pk=person.school_id),
            target=contact,
            data={"person_id": person.pk},
        )
    return contact


CONTACT_EDITABLE = ("name", "relationship", "has_parental_responsibility", "court_order")


def contact_update(*, contact: Contact, changes: dict[str, Any], actor: User) -> Contact:
    """A contact who loses parental responsibility, or gains a court order, no longer gives
    consent that counts (R18): their grants stop counting at once."""
    person = contact.person
    check_role(actor=actor, school=person.school_id, roles=MANAGE_ROLES, message=NOT_CONSENT_ADMIN)
    check_live(person)
    for name in changes:
        if name not in CONTACT_EDITABLE:
            raise InvalidInput(UNKNOWN_FIELD.format(field=name), field=name)
    changes = dict(changes)
    for field, required in (("name", True), ("relationship", False)):
        if field in changes:
            changes[field] = clean_text(changes[field], field=field, required=required)
    changed = [name for name, value in changes.items() if getattr(contact, name) != value]
    if not changed:
        return contact
    with transaction.atomic():
        before = allowed_purposes(person_ids=[person.pk])
        for name in changed:
            setattr(contact, name, changes[name])
        contact.save(update_fields=changed)
        audit_record(
            action="contact.updated",
            actor=actor,
            school=School(pk=person.school_id),
            target=contact,
            data={"person_id": person.pk, "fields": changed},
        )
        consent_end_dispatch_if_ended(before=before, reason=REASON_CHANGED)
    return contact
