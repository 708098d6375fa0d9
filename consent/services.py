"""Operations that change the register. Check first (role, school, the law), then change,
then audit; one function per use case, so the API, the admin, the management commands and
Celery all go through the same checks.

Every service takes a required actor (backend/common/actors.py). A person must hold the
right role at the person's school; a system actor (management commands, the demo seeder,
the consent-ended task and the expiry sweep) passes only where the service lists it, and
services that read or erase sensitive data take a `User` only.

Whenever someone's consent for anything ends (withdrawal, refusal, a pupil's objection,
expiry, leaving, a safeguarding flag, erasure), `consent.consent_ended` is queued after
commit: it deletes their face encodings if biometric consent ended (R10, R3) and calls
every handler in settings.CONSENT_ENDED_HANDLERS (the publishers' takedown, R10).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import logging
import zipfile
from collections.abc import Collection, Iterable, Sequence
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from backend.accounts.models import School, User
from backend.accounts.selectors import user_has_role
from backend.audit.models import AuditEvent
from backend.audit.services import audit_record
from backend.common.actors import (
    OPERATOR,
    SYSTEM_CONSENT_ENDED,
    SYSTEM_CONSENT_EXPIRY,
    SYSTEM_SHELL,
    Actor,
    SystemActor,
    actor_user,
    require_role,
)
from backend.common.crypto import encrypt_bytes
from backend.common.errors import Conflict, InvalidInput, NotFound, Refused
from moderation.checks.textfold import has_invisible

from .derivation import BIOMETRIC_ADULT_AGE, age_on, default_expiry
from .faces import reference_face
from .models import (
    WRITTEN_METHODS,
    ConsentEnd,
    ConsentEvidence,
    ConsentRecord,
    Contact,
    Decision,
    FaceEnrolment,
    FlagKind,
    GivenBy,
    ImportRun,
    Method,
    Person,
    PersonKind,
    Purpose,
    SafeguardingFlag,
    SweepState,
)
from .selectors import (
    DPIA_ROLES,
    MANAGE_ROLES,
    SENSITIVE_ROLES,
    STATUS_ROLES,
    biometric_decisions,
    decisions_for,
    expired_grants_between,
    person_consent_state,
)

logger = logging.getLogger(__name__)

# --- messages (tests and the API assert these) ------------------------------------------------

NOT_CONSENT_ADMIN = "Only a consent administrator of this school can do this."
NOT_SENSITIVE_ROLE = "Only the designated safeguarding lead or a leader can do this."
NOT_DPIA_ROLE = "Only a leader or trust administrator of this school can record the DPIA."
NOT_MEMBER = "Only staff of this school can do this."
PERSON_ERASED = "This person's record was erased."
MIS_ID_TAKEN = "Another person at this school already has this MIS id."
NAME_REQUIRED = "Give the person's legal first name and last name."
NAME_INVISIBLE = (
    "{field}: remove the invisible characters (zero-width spaces, direction marks) from the "
    "name; they would hide it from the names check."
)
UNKNOWN_PURPOSE = "Unknown purpose {value!r}; choose one of: {choices}."
UNKNOWN_DECISION = "Unknown decision {value!r}; choose granted, refused or withdrawn."
UNKNOWN_METHOD = "Unknown method {value!r}; choose paper_form, electronic_form or verbal."
MIS_RESERVED = "Decisions from the MIS are recorded only by an MIS import."
CONTACT_REQUIRED = "Say which contact (parent or carer) gave this decision."
CONTACT_NOT_THEIRS = "That contact is not one of this person's contacts."
CONTACT_WITH_SELF = "A decision the person gave themselves has no contact."
CONTACT_NO_PR = (
    "Only a contact with parental responsibility, and no court order restricting them, can "
    "give or withdraw consent (R18)."
)
ADULTS_DECIDE = "Staff and other adults give or refuse consent themselves."
PUPIL_NOT_COMPETENT = (
    "This pupil was under {age} (or has no date of birth) on that day, so cannot give their "
    "own consent; a contact with parental responsibility must (R18). A pupil's refusal is "
    "always recorded."
)
PUPIL_BIOMETRIC = (
    "A pupil under 18 cannot consent to biometric processing themselves: a parent with "
    "parental responsibility must consent in writing (Protection of Freedoms Act 2012 s.27)."
)
BIOMETRIC_NEEDS_WRITING = (
    "Biometric consent must be in writing: record it from a paper form or an electronic "
    "form, not verbally (R18)."
)
BIOMETRIC_NEEDS_EVIDENCE = (
    "Biometric consent needs its written evidence: attach the signed form or give the "
    "electronic form's reference (R18)."
)
GIVEN_IN_FUTURE = "The date of the decision cannot be in the future."
EXPIRY_BEFORE_GIVEN = "Consent cannot expire before the day it was given."
EXPIRY_ONLY_GRANTS = "Only a grant has an expiry date."
PERSON_LEFT = "This person has left the school: consent cannot be granted for them."
EVIDENCE_NOT_THEIRS = "That evidence file belongs to someone else."
EVIDENCE_TYPE = "Evidence must be a PDF, JPEG or PNG file."
EVIDENCE_TOO_LARGE = "Evidence files must be smaller than {megabytes} MB."
EVIDENCE_EMPTY = "The evidence file is empty."
NO_PURPOSES = "Choose at least one purpose."
FLAG_ACTIVE = "This person already has an active flag of this kind."
FLAG_ENDED = "This flag has already been lifted."
UNKNOWN_FLAG = "Unknown flag kind {value!r}; choose one of: {choices}."
DPIA_FIELDS = "Give both the DPIA reference and the name of the data protection officer."
DPIA_GATE_CLOSED = (
    "Face identification is off for this school until a DPIA reference and the data "
    "protection officer's sign-off are recorded (R19)."
)
NO_BIOMETRIC_CONSENT = (
    "This person has no effective biometric consent, so their face cannot be enrolled "
    "(R3): {reason}"
)
NOT_ON_ROLL = "This person is not on roll, so their face cannot be enrolled."
NO_PHOTOS = "Give at least one reference photo."
TOO_MANY_ENROLMENTS = "A person can have at most {limit} reference photos."
PHOTO_NUMBER = "Photo {number}: {message}"
ALREADY_LEFT = "This person has already left the school."
LEFT_IN_FUTURE = "The leaving date cannot be in the future."
ERASE_CONFIRM = "To erase, confirm with the person's MIS id (or their id if they have none)."
UNKNOWN_FIELD = "The field {field!r} cannot be changed here."

# Reasons passed to CONSENT_ENDED_HANDLERS.
REASON_WITHDRAWN = "withdrawn"
REASON_REFUSED = "refused"
REASON_OBJECTION = "objection"
REASON_EXPIRED = "expired"
REASON_LEFT = "left"
REASON_DO_NOT_PUBLISH = "do_not_publish"
REASON_ERASED = "erased"
REASON_CHANGED = "consent_changed"
REASON_BIOMETRIC_ENDED = "biometric_consent_ended"

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_ENROLMENTS = 5
EVIDENCE_MAGIC = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
EXPIRY_SWEEP = "consent.expire_due"


# --- checks ----------------------------------------------------------------------------------


def _check_role(
    *,
    actor: Actor,
    school: School | int,
    roles: Iterable[str],
    message: str,
    system: Collection[SystemActor] = (),
) -> None:
    require_role(actor=actor, school=school, roles=roles, message=message, system=system)


def _check_live(person: Person) -> None:
    if person.erased_at is not None:
        raise NotFound(PERSON_ERASED)


def _today() -> datetime.date:
    return timezone.localdate()


# --- consent ended ---------------------------------------------------------------------------


def _allowed(person_ids: Iterable[int]) -> dict[int, set[str]]:
    found = decisions_for(person_ids=list(person_ids), purposes=Purpose.values)
    return {pid: {p for p, d in by.items() if d.allowed} for pid, by in found.items()}


def consent_end_record(*, person_ids: Iterable[int], reason: str) -> list[ConsentEnd]:
    """Write the outbox rows for people whose consent just ended (caller's transaction)."""
    ids = sorted(set(person_ids))
    if not ids:
        return []
    ends = ConsentEnd.objects.bulk_create([ConsentEnd(person_id=pid, reason=reason) for pid in ids])
    if ends and ends[0].pk is None:  # a database that cannot return bulk-insert ids
        ends = list(ConsentEnd.objects.filter(person_id__in=ids, reason=reason, processed_at=None))
    return ends


def consent_ended_queue(*, person_ids: Iterable[int], reason: str) -> None:
    """Record that consent ended (outbox, same transaction) and, after commit, queue the
    work: encodings, takedown handlers. If the broker is down at commit, the beat sweep
    picks the rows up again; nothing is lost."""
    ends = consent_end_record(person_ids=person_ids, reason=reason)
    if ends:
        _queue_ends([e.pk for e in ends])


def _queue_ends(end_ids: list[int]) -> None:
    from .tasks import consent_ended

    def send() -> None:
        try:
            consent_ended.delay(end_ids=end_ids)
        except Exception:  # the outbox row stays; the sweep re-queues it
            logger.exception("Could not queue consent-ended work %s; the sweep will.", end_ids)

    transaction.on_commit(send)


def _queue_if_ended(
    *, before: dict[int, set[str]], reason: str, always: Iterable[int] = ()
) -> list[int]:
    after = _allowed(before)
    ended = [pid for pid in before if before[pid] - after.get(pid, set())]
    ended = sorted(set(ended) | set(always))
    consent_ended_queue(person_ids=ended, reason=reason)
    return ended


def _delete_files_on_commit(names: Sequence[str]) -> None:
    def delete() -> None:
        for name in names:
            if name:
                default_storage.delete(name)

    transaction.on_commit(delete)


def face_enrolments_purge(*, person: Person, reason: str, actor: Actor) -> int:
    """Delete every enrolment of the person (rows now, photo files after commit); audited."""
    with transaction.atomic():
        enrolments = list(FaceEnrolment.objects.select_for_update().filter(person=person))
        if not enrolments:
            return 0
        names = [e.photo.name for e in enrolments]
        ids = [e.pk for e in enrolments]
        FaceEnrolment.objects.filter(pk__in=ids).delete()
        _delete_files_on_commit(names)
        audit_record(
            action="biometric.enrolments_deleted",
            actor=actor,
            school=School(pk=person.school_id),
            target=person,
            data={"count": len(ids), "enrolment_ids": ids, "reason": reason},
        )
    return len(ids)


def consent_ended_process(*, end_ids: Sequence[int]) -> dict[str, int]:
    """The work owed after someone's consent ended (the `consent.consent_ended` task).

    For each outbox row not yet done:
    1. R3/R10: delete the person's face encodings if their biometric consent is no longer
       effective (checked now, so a re-run or a late task does the right thing).
    2. R10: call every handler in settings.CONSENT_ENDED_HANDLERS with
       (person_id=..., reason=...): the publishers' takedown. Every handler is called even
       if one fails; a row is marked done (and audited) only when all succeeded, else its
       attempt is counted and the first error raised so the task retries.
    Safe to run twice: handlers must be idempotent (they are told again on a retry).
    """
    ends = list(
        ConsentEnd.objects.filter(pk__in=list(end_ids), processed_at__isnull=True)
        .select_related("person")
        .order_by("id")
    )
    people = {e.person_id: e.person for e in ends}
    enrolled = set(
        FaceEnrolment.objects.filter(person_id__in=list(people)).values_list("person_id", flat=True)
    )
    deleted = 0
    if enrolled:
        decisions = biometric_decisions(person_ids=enrolled)
        for pid in sorted(enrolled):
            if not decisions[pid].allowed:
                reason = next(e.reason for e in ends if e.person_id == pid)
                deleted += face_enrolments_purge(
                    person=people[pid], reason=reason, actor=SYSTEM_CONSENT_ENDED
                )
    handlers = list(getattr(settings, "CONSENT_ENDED_HANDLERS", []))
    errors: list[BaseException] = []
    done = 0
    for end in ends:
        failed: list[str] = []
        for path in handlers:
            try:
                import_string(path)(person_id=end.person_id, reason=end.reason)
            except Exception as exc:  # every handler must get its turn
                logger.exception("Consent-ended handler %s failed for %s", path, end)
                failed.append(f"{path}: {exc}"[:300])
                errors.append(exc)
        if failed:
            ConsentEnd.objects.filter(pk=end.pk).update(
                attempts=end.attempts + 1, last_error=failed[0]
            )
            continue
        with transaction.atomic():
            claimed = ConsentEnd.objects.filter(pk=end.pk, processed_at__isnull=True).update(
                processed_at=timezone.now(), attempts=end.attempts + 1, last_error=""
            )
            if claimed:
                done += 1
                audit_record(
                    action="consent.ended",
                    school=School(pk=end.person.school_id),
                    target=end.person,
                    data={"reason": end.reason, "handlers": len(handlers)},
                )
    if errors:
        raise errors[0]
    return {"ends": done, "encodings_deleted": deleted}


def consent_ends_requeue(*, older_than: datetime.timedelta = datetime.timedelta(minutes=5)) -> int:
    """Queue again any consent-ended work still owed after `older_than` (lost message,
    broker down at commit, a handler failing): R10's "within minutes" holds anyway."""
    stale = list(
        ConsentEnd.objects.filter(
            processed_at__isnull=True, created_at__lt=timezone.now() - older_than
        ).values_list("id", flat=True)[:1000]
    )
    if stale:
        _queue_ends(stale)
    return len(stale)


# --- people ----------------------------------------------------------------------------------

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
    _check_role(
        actor=actor, school=school, roles=MANAGE_ROLES, message=NOT_CONSENT_ADMIN, system=OPERATOR
    )
    if not legal_first_name.strip() or not last_name.strip():
        raise InvalidInput(NAME_REQUIRED, field="legal_first_name")
    _check_names_visible(
        legal_first_name=legal_first_name,
        preferred_first_name=preferred_first_name,
        last_name=last_name,
    )
    mis_id = mis_id.strip()
    if mis_id and Person.objects.filter(school=school, mis_id=mis_id).exists():
        raise Conflict(MIS_ID_TAKEN, field="mis_id")
    with transaction.atomic():
        person = Person.objects.create(
            school=school,
            kind=kind,
            mis_id=mis_id,
            legal_first_name=legal_first_name.strip(),
            preferred_first_name=preferred_first_name.strip(),
            last_name=last_name.strip(),
            year_group=year_group.strip(),
            registration_group=registration_group.strip(),
            date_of_birth=date_of_birth,
        )
        audit_record(action="person.created", actor=actor, school=school, target=person)
    return person


def person_update(*, person: Person, changes: dict[str, Any], actor: User) -> Person:
    """Change register details (not leaving: person_leave). A new date of birth can change
    whether a pupil's own consent counts, so consent end is checked too."""
    _check_role(actor=actor, school=person.school_id, roles=MANAGE_ROLES, message=NOT_CONSENT_ADMIN)
    _check_live(person)
    for name in changes:
        if name not in PERSON_EDITABLE:
            raise InvalidInput(UNKNOWN_FIELD.format(field=name), field=name)
    if "mis_id" in changes:
        changes["mis_id"] = (changes["mis_id"] or "").strip()
        if (
            changes["mis_id"]
            and Person.objects.filter(school_id=person.school_id, mis_id=changes["mis_id"])
            .exclude(pk=person.pk)
            .exists()
        ):
            raise Conflict(MIS_ID_TAKEN, field="mis_id")
    for name in ("legal_first_name", "last_name"):
        if name in changes and not (changes[name] or "").strip():
            raise InvalidInput(NAME_REQUIRED, field=name)
    _check_names_visible(**{k: v for k, v in changes.items() if k in NAME_FIELDS})
    changed = [name for name, value in changes.items() if getattr(person, name) != value]
    if not changed:
        return person
    with transaction.atomic():
        before = _allowed([person.pk])
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
        _queue_if_ended(before=before, reason=REASON_CHANGED)
    return person


def person_leave(*, person: Person, left_on: datetime.date | None = None, actor: Actor) -> Person:
    """R17/R10: leaving ends every consent (and grants from before stay void if they come
    back); their encodings are deleted and takedown handlers run."""
    _check_role(
        actor=actor,
        school=person.school_id,
        roles=MANAGE_ROLES,
        message=NOT_CONSENT_ADMIN,
        system=OPERATOR,
    )
    _check_live(person)
    left_on = left_on or _today()
    if left_on > _today():
        raise InvalidInput(LEFT_IN_FUTURE, field="left_on")
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if not person.on_roll:
            raise Conflict(ALREADY_LEFT)
        before = _allowed([person.pk])
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
        _queue_if_ended(before=before, reason=REASON_LEFT, always=[person.pk] if enrolled else [])
    return person


# --- contacts --------------------------------------------------------------------------------


def contact_create(
    *,
    person: Person,
    name: str,
    relationship: str = "",
    has_parental_responsibility: bool = False,
    court_order: bool = False,
    actor: Actor,
) -> Contact:
    _check_role(
        actor=actor,
        school=person.school_id,
        roles=MANAGE_ROLES,
        message=NOT_CONSENT_ADMIN,
        system=OPERATOR,
    )
    _check_live(person)
    if not name.strip():
        raise InvalidInput("Give the contact's name.", field="name")
    with transaction.atomic():
        contact = Contact.objects.create(
            person=person,
            name=name.strip(),
            relationship=relationship.strip(),
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
    _check_role(actor=actor, school=person.school_id, roles=MANAGE_ROLES, message=NOT_CONSENT_ADMIN)
    _check_live(person)
    for name in changes:
        if name not in CONTACT_EDITABLE:
            raise InvalidInput(UNKNOWN_FIELD.format(field=name), field=name)
    changed = [name for name, value in changes.items() if getattr(contact, name) != value]
    if not changed:
        return contact
    with transaction.atomic():
        before = _allowed([person.pk])
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
        _queue_if_ended(before=before, reason=REASON_CHANGED)
    return contact


# --- safeguarding flags (R16) ----------------------------------------------------------------


def flag_add(*, person: Person, kind: str, note: str = "", actor: User) -> SafeguardingFlag:
    """R16: from now on the person is "do not publish"; anything published that features
    them is handed to the takedown handlers."""
    _check_role(
        actor=actor, school=person.school_id, roles=SENSITIVE_ROLES, message=NOT_SENSITIVE_ROLE
    )
    _check_live(person)
    if kind not in FlagKind.values:
        raise InvalidInput(
            UNKNOWN_FLAG.format(value=kind, choices=", ".join(FlagKind.values)), field="kind"
        )
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        if SafeguardingFlag.objects.filter(
            person=person, kind=kind, ended_at__isnull=True
        ).exists():
            raise Conflict(FLAG_ACTIVE, field="kind")
        before = _allowed([person.pk])
        flag = SafeguardingFlag.objects.create(
            person=person, kind=kind, note=note.strip(), recorded_by=actor
        )
        # The kind is not written to the audit data: the trail is readable by trust admins.
        audit_record(
            action="flag.added",
            actor=actor,
            school=School(pk=person.school_id),
            target=flag,
            data={"person_id": person.pk},
        )
        _queue_if_ended(before=before, reason=REASON_DO_NOT_PUBLISH)
    return flag


def flag_end(*, flag: SafeguardingFlag, actor: User) -> SafeguardingFlag:
    person = flag.person
    _check_role(
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


# --- evidence --------------------------------------------------------------------------------


def _sniff_evidence(data: bytes) -> str:
    for magic, content_type in EVIDENCE_MAGIC.items():
        if data.startswith(magic):
            return content_type
    raise InvalidInput(EVIDENCE_TYPE, field="file")


def evidence_upload(
    *, person: Person, data: bytes, filename: str = "", actor: User
) -> ConsentEvidence:
    """Store a scanned or exported consent form, judged by its content, privately."""
    _check_role(actor=actor, school=person.school_id, roles=MANAGE_ROLES, message=NOT_CONSENT_ADMIN)
    _check_live(person)
    if not data:
        raise InvalidInput(EVIDENCE_EMPTY, field="file")
    if len(data) > MAX_EVIDENCE_BYTES:
        raise InvalidInput(
            EVIDENCE_TOO_LARGE.format(megabytes=MAX_EVIDENCE_BYTES // 2**20), field="file"
        )
    content_type = _sniff_evidence(data)
    evidence = ConsentEvidence(
        person=person,
        original_name=(filename or "")[-200:],
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )
    evidence.file.save("evidence", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            evidence.save()
            audit_record(
                action="consent.evidence_uploaded",
                actor=actor,
                school=School(pk=person.school_id),
                target=evidence,
                data={"person_id": person.pk, "sha256": evidence.sha256, "size": len(data)},
            )
    except BaseException:
        default_storage.delete(evidence.file.name)
        raise
    return evidence


def _private_file_read(
    *, person: Person, actor: User, file: Any, action: str, target: Any
) -> bytes:
    """Private media for a consent admin's authenticated view; every view audited (R14)."""
    _check_role(actor=actor, school=person.school_id, roles=MANAGE_ROLES, message=NOT_CONSENT_ADMIN)
    with file.open("rb") as fh:
        data = fh.read()
    audit_record(
        action=action,
        actor=actor,
        school=School(pk=person.school_id),
        target=target,
        data={"person_id": person.pk},
    )
    return bytes(data)


def evidence_read(*, evidence: ConsentEvidence, actor: User) -> bytes:
    """The evidence file's bytes, for an authenticated download."""
    return _private_file_read(
        person=evidence.person,
        actor=actor,
        file=evidence.file,
        action="consent.evidence_viewed",
        target=evidence,
    )


# --- consent decisions -----------------------------------------------------------------------


def _validate_decision(
    *,
    person: Person,
    purpose: str,
    decision: str,
    given_by: str,
    contact: Contact | None,
    method: str,
    given_on: datetime.date,
    expires_on: datetime.date | None,
    evidence: ConsentEvidence | None,
    evidence_reference: str,
) -> datetime.date | None:
    """R17/R18 checks on one decision; returns the expiry to store."""
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
    if given_on > _today():
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
            competence = int(settings.CONSENT_COMPETENCE_AGE)
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
        if evidence is None and not evidence_reference.strip():
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
    _check_role(
        actor=actor,
        school=person.school_id,
        roles=_roles,
        message=_role_message,
        system=OPERATOR,
    )
    _check_live(person)
    purposes = list(dict.fromkeys(purposes))
    if not purposes:
        raise InvalidInput(NO_PURPOSES, field="purposes")
    given_on = given_on or _today()
    records = []
    with transaction.atomic():
        # Validate against the locked, current row (it may have left a moment ago).
        person = Person.objects.select_for_update().get(pk=person.pk)
        _check_live(person)
        if contact is not None:
            contact = Contact.objects.get(pk=contact.pk)
        expiries = {
            purpose: _validate_decision(
                person=person,
                purpose=purpose,
                decision=decision,
                given_by=given_by,
                contact=contact,
                method=method,
                given_on=given_on,
                expires_on=expires_on,
                evidence=evidence,
                evidence_reference=evidence_reference,
            )
            for purpose in purposes
        }
        before = _allowed([person.pk])
        now = timezone.now()
        for purpose in purposes:
            record = ConsentRecord.objects.create(
                person=person,
                purpose=purpose,
                decision=decision,
                given_by=given_by,
                contact=contact,
                method=method,
                given_on=given_on,
                expires_on=expiries[purpose],
                evidence=evidence,
                evidence_reference=evidence_reference.strip(),
                notes=notes.strip(),
                recorded_by=actor_user(actor),
                recorded_at=now,
            )
            audit_record(
                action="consent.recorded",
                actor=actor,
                school=School(pk=person.school_id),
                target=record,
                data={
                    "person_id": person.pk,
                    "purpose": purpose,
                    "decision": decision,
                    "given_by": given_by,
                    "contact_id": contact.pk if contact else None,
                    "method": method,
                    "given_on": given_on.isoformat(),
                },
            )
            records.append(record)
        if decision != Decision.GRANTED:
            _queue_if_ended(
                before=before,
                reason=_end_reason(decision=decision, given_by=given_by, person=person),
            )
    return records


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


# --- DPIA gate (R19) -------------------------------------------------------------------------


def school_dpia_record(
    *,
    school: School,
    reference: str,
    dpo_name: str,
    signed_at: datetime.datetime | None = None,
    actor: Actor,
) -> School:
    """R19: record the DPIA and the DPO's sign-off; face identification is on from now."""
    _check_role(
        actor=actor, school=school, roles=DPIA_ROLES, message=NOT_DPIA_ROLE, system=OPERATOR
    )
    if not reference.strip() or not dpo_name.strip():
        raise InvalidInput(DPIA_FIELDS, field="reference" if not reference.strip() else "dpo")
    with transaction.atomic():
        school.dpia_reference = reference.strip()[:100]
        school.dpo_name = dpo_name.strip()[:200]
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
    _check_role(
        actor=actor, school=school, roles=DPIA_ROLES, message=NOT_DPIA_ROLE, system=OPERATOR
    )
    with transaction.atomic():
        school.dpia_reference = ""
        school.dpo_name = ""
        school.dpia_signed_at = None
        school.save(update_fields=["dpia_reference", "dpo_name", "dpia_signed_at"])
        audit_record(action="school.dpia_cleared", actor=actor, school=school, target=school)
    return school


# --- biometric enrolment (R3, R19) -----------------------------------------------------------


def face_enrolment_create(
    *, person: Person, photos: Sequence[bytes], actor: Actor
) -> list[FaceEnrolment]:
    """Enrol reference photos of a person for face identification.

    1. Check: consent administrator; DPIA gate open (R19); on roll; effective biometric
       consent (R3: written parental consent, no objection, not expired).
    2. Compute every encoding first (exactly one face per photo), so nothing is stored
       unless all photos are good.
    3. Lock the person and check consent again (a withdrawal may have landed meanwhile),
       then store: photo as private media, encoding encrypted (Fernet). Audited.
    """
    school = School.objects.get(pk=person.school_id)
    _check_role(
        actor=actor, school=school, roles=MANAGE_ROLES, message=NOT_CONSENT_ADMIN, system=OPERATOR
    )
    _check_live(person)
    if not school.face_identification_enabled:
        raise Conflict(DPIA_GATE_CLOSED, code="dpia_required")
    if not person.on_roll:
        raise Conflict(NOT_ON_ROLL)
    if not photos:
        raise InvalidInput(NO_PHOTOS, field="photos")

    def consent_check() -> None:
        decision = biometric_decisions(person_ids=[person.pk])[person.pk]
        if not decision.allowed:
            raise Refused(
                NO_BIOMETRIC_CONSENT.format(reason=decision.reason), code="no_biometric_consent"
            )

    consent_check()
    existing = FaceEnrolment.objects.filter(person=person).count()
    if existing + len(photos) > MAX_ENROLMENTS:
        raise InvalidInput(TOO_MANY_ENROLMENTS.format(limit=MAX_ENROLMENTS), field="photos")
    faces = []
    for number, data in enumerate(photos, start=1):
        try:
            faces.append(reference_face(data))
        except InvalidInput as exc:
            message = (
                exc.message
                if len(photos) == 1
                else PHOTO_NUMBER.format(number=number, message=exc.message)
            )
            raise InvalidInput(message, field="photos") from exc

    stored: list[str] = []
    created: list[FaceEnrolment] = []
    try:
        with transaction.atomic():
            Person.objects.select_for_update().filter(pk=person.pk).first()
            consent_check()
            for face in faces:
                enrolment = FaceEnrolment(
                    person=person,
                    photo_sha256=hashlib.sha256(face.stored_jpeg).hexdigest(),
                    encoding_encrypted=encrypt_bytes(
                        face.encoding.astype("<f8", copy=False).tobytes()
                    ),
                    created_by=actor_user(actor),
                )
                enrolment.photo.save("face.jpg", ContentFile(face.stored_jpeg), save=False)
                stored.append(enrolment.photo.name)
                enrolment.save()
                audit_record(
                    action="biometric.enrolled",
                    actor=actor,
                    school=school,
                    target=enrolment,
                    data={"person_id": person.pk, "photo_sha256": enrolment.photo_sha256},
                )
                created.append(enrolment)
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return created


def face_enrolment_delete(*, enrolment: FaceEnrolment, actor: User) -> None:
    person = enrolment.person
    _check_role(actor=actor, school=person.school_id, roles=MANAGE_ROLES, message=NOT_CONSENT_ADMIN)
    with transaction.atomic():
        deleted, _ = FaceEnrolment.objects.filter(pk=enrolment.pk).delete()
        if deleted:
            _delete_files_on_commit([enrolment.photo.name])
            audit_record(
                action="biometric.enrolment_deleted",
                actor=actor,
                school=School(pk=person.school_id),
                target=person,
                data={"enrolment_id": enrolment.pk, "reason": "removed by consent admin"},
            )


def face_enrolment_photo_read(*, enrolment: FaceEnrolment, actor: User) -> bytes:
    """A reference photo for an authenticated view (biometric data: R14)."""
    return _private_file_read(
        person=enrolment.person,
        actor=actor,
        file=enrolment.photo,
        action="biometric.photo_viewed",
        target=enrolment,
    )


# --- expiry (beat) ---------------------------------------------------------------------------


def consent_expiry_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Find consent that expired since the last run and end it (the `consent.expire_due`
    beat task).

    1. Grants whose last effective day is on or after the last run's day and before today
       have expired since: for each such person, if the purpose is no longer allowed,
       queue the consent-ended work (reason "expired").
    2. Safety net (R3): any enrolment whose person's biometric consent is not effective
       now is deleted, whatever the reason it was missed.
    3. Outbox: consent-ended work still owed after five minutes is queued again (R10).
    4. Remember this run. Safe to run twice, or often: an empty window does nothing.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        state = SweepState.objects.select_for_update().filter(name=EXPIRY_SWEEP).first()
        start = timezone.localdate(state.last_run_at) if state else None
        expired = set(
            expired_grants_between(start=start, end=today).values_list("person_id", "purpose")
        )
        person_ids = {pid for pid, _ in expired}
        found = decisions_for(
            person_ids=person_ids, purposes=sorted({p for _, p in expired}), at=now
        )
        ended = sorted(
            pid
            for pid in person_ids
            if any(not found[pid][purpose].allowed for p, purpose in expired if p == pid)
        )
        consent_ended_queue(person_ids=ended, reason=REASON_EXPIRED)

        enrolled = set(FaceEnrolment.objects.values_list("person_id", flat=True))
        purged = 0
        for pid, decision in biometric_decisions(person_ids=enrolled, at=now).items():
            if not decision.allowed:
                person = Person.objects.get(pk=pid)
                purged += face_enrolments_purge(
                    person=person, reason=REASON_BIOMETRIC_ENDED, actor=SYSTEM_CONSENT_EXPIRY
                )
        requeued = consent_ends_requeue()
        if state is None:
            SweepState.objects.create(name=EXPIRY_SWEEP, last_run_at=now)
        else:
            SweepState.objects.filter(pk=state.pk).update(last_run_at=now)
    return {"expired_people": len(ended), "encodings_deleted": purged, "requeued": requeued}


# --- subject access and erasure (R15) --------------------------------------------------------


def _iso(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def person_export(*, person: Person, actor: Actor, include_sensitive: bool | None = None) -> bytes:
    """Subject access: a ZIP of everything held about the person in the register.

    person.json holds the register entry, contacts, every consent record and the current
    decisions, evidence and enrolment metadata, import changes and the audit events about
    them; evidence/ and reference-photos/ hold the files. The face encoding itself is not
    exported through here (it is never returned by the API); its existence and origin are.
    Safeguarding flags are included only for dsl/leaders or the operator (DPA 2018 Sch. 3:
    the DSL reviews safeguarding information before it is disclosed).
    """
    school = School.objects.get(pk=person.school_id)
    _check_role(
        actor=actor,
        school=school,
        roles=MANAGE_ROLES,
        message=NOT_CONSENT_ADMIN,
        system=(SYSTEM_SHELL,),
    )
    _check_live(person)
    if include_sensitive is None:
        include_sensitive = isinstance(actor, SystemActor) or user_has_role(
            user=actor, school=school, roles=SENSITIVE_ROLES
        )
    records = list(
        ConsentRecord.objects.filter(person=person).select_related("contact").order_by("id")
    )
    contacts = list(Contact.objects.filter(person=person).order_by("id"))
    evidence = list(ConsentEvidence.objects.filter(person=person).order_by("id"))
    enrolments = list(FaceEnrolment.objects.filter(person=person).order_by("id"))
    state = person_consent_state(person=person)
    import_changes = [
        {"import_id": run.pk, "started_at": _iso(run.started_at), **change}
        for run in ImportRun.objects.filter(school=school).order_by("id")
        for change in run.changes
        if change.get("person_id") == person.pk
    ]
    targets = [("consent.person", str(person.pk))]
    targets += [("consent.consentrecord", str(r.pk)) for r in records]
    targets += [("consent.faceenrolment", str(e.pk)) for e in enrolments]
    events = [
        {"seq": e.seq, "at": _iso(e.created_at), "action": e.action, "by": e.actor_label}
        for e in AuditEvent.objects.filter(target_type="consent.person", target_id=str(person.pk))
    ]
    body: dict[str, Any] = {
        "exported_at": _iso(timezone.now()),
        "school": school.name,
        "person": {
            "id": person.pk,
            "kind": person.kind,
            "mis_id": person.mis_id,
            "legal_first_name": person.legal_first_name,
            "preferred_first_name": person.preferred_first_name,
            "last_name": person.last_name,
            "year_group": person.year_group,
            "registration_group": person.registration_group,
            "date_of_birth": _iso(person.date_of_birth),
            "on_roll": person.on_roll,
            "left_on": _iso(person.left_on),
            "created_at": _iso(person.created_at),
        },
        "contacts": [
            {
                "id": c.pk,
                "name": c.name,
                "relationship": c.relationship,
                "has_parental_responsibility": c.has_parental_responsibility,
                "court_order": c.court_order,
            }
            for c in contacts
        ],
        "consent_records": [
            {
                "id": r.pk,
                "purpose": r.purpose,
                "decision": r.decision,
                "given_by": r.given_by,
                "contact": r.contact.name if r.contact else None,
                "method": r.method,
                "given_on": _iso(r.given_on),
                "expires_on": _iso(r.expires_on),
                "evidence_id": r.evidence_id,
                "evidence_reference": r.evidence_reference,
                "notes": r.notes,
                "recorded_at": _iso(r.recorded_at),
            }
            for r in records
        ],
        "current_consent": {
            purpose: {"allowed": d.allowed, "reason": d.reason, "record_id": d.record_id}
            for purpose, d in state.items()
        },
        "evidence": [
            {
                "id": e.pk,
                "file": f"evidence/{e.pk}-{_safe_name(e.original_name) or 'file'}",
                "content_type": e.content_type,
                "sha256": e.sha256,
                "uploaded_at": _iso(e.uploaded_at),
            }
            for e in evidence
        ],
        "face_enrolments": [
            {
                "id": e.pk,
                "reference_photo": f"reference-photos/{e.pk}.jpg",
                "created_at": _iso(e.created_at),
                "encoding": "A 128-number face encoding derived from this photo is held, "
                "encrypted, for face matching; it is deleted when biometric consent ends.",
            }
            for e in enrolments
        ],
        "mis_import_changes": import_changes,
        "audit_events": events,
    }
    if include_sensitive:
        body["safeguarding_flags"] = [
            {
                "kind": f.kind,
                "note": f.note,
                "created_at": _iso(f.created_at),
                "ended_at": _iso(f.ended_at),
            }
            for f in SafeguardingFlag.objects.filter(person=person).order_by("id")
        ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("person.json", json.dumps(body, indent=2, ensure_ascii=False))
        for e in evidence:
            with e.file.open("rb") as fh:
                archive.writestr(
                    f"evidence/{e.pk}-{_safe_name(e.original_name) or 'file'}", fh.read()
                )
        for enrolment in enrolments:
            with enrolment.photo.open("rb") as fh:
                archive.writestr(f"reference-photos/{enrolment.pk}.jpg", fh.read())
    audit_record(
        action="person.exported",
        actor=actor,
        school=school,
        target=person,
        data={
            "records": len(records),
            "evidence": len(evidence),
            "photos": len(enrolments),
            "sensitive": include_sensitive,
        },
    )
    return buffer.getvalue()


def _safe_name(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in name)[-80:]


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
    _check_role(actor=actor, school=school, roles=MANAGE_ROLES, message=NOT_CONSENT_ADMIN)
    _check_live(person)
    if confirm.strip() not in {person.mis_id or str(person.pk), str(person.pk)}:
        raise InvalidInput(ERASE_CONFIRM, field="confirm")
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        enrolments = face_enrolments_purge(person=person, reason=REASON_ERASED, actor=actor)
        evidence = list(ConsentEvidence.objects.filter(person=person))
        _delete_files_on_commit([e.file.name for e in evidence])
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
            left_on=person.left_on or _today(),
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
        consent_ended_queue(person_ids=[person.pk], reason=REASON_ERASED)
    person.refresh_from_db()
    return person


def people_import(
    *,
    school: School,
    file: IO[bytes] | bytes,
    filename: str = "",
    full_roll: bool = False,
    actor: Actor,
) -> ImportRun:
    """MIS CSV import (see consent/mis_import.py and docs/consent.md)."""
    from .mis_import import import_people

    _check_role(
        actor=actor,
        school=school,
        roles=MANAGE_ROLES,
        message=NOT_CONSENT_ADMIN,
        system=(SYSTEM_SHELL,),
    )
    data = file if isinstance(file, bytes) else file.read()
    return import_people(
        school=school, data=data, filename=filename, full_roll=full_roll, actor=actor
    )
