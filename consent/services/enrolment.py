"""Biometric enrolment (R3, R19): reference photos and their encrypted face encodings."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from backend.accounts.models import School, User
from backend.audit.services import audit_record
from backend.common.actors import OPERATOR, Actor, actor_user
from backend.common.crypto import encrypt_bytes
from backend.common.errors import Conflict, InvalidInput, Refused

from ..faces import ReferenceFace, reference_face
from ..models import FaceEnrolment, Person
from ..selectors import MANAGE_ROLES, biometric_decisions
from .common import check_live, check_role, delete_files_on_commit, private_file_read
from .messages import (
    DPIA_GATE_CLOSED,
    NO_BIOMETRIC_CONSENT,
    NO_PHOTOS,
    NOT_CONSENT_ADMIN,
    NOT_ON_ROLL,
    PHOTO_NUMBER,
    TOO_MANY_ENROLMENTS,
)

MAX_ENROLMENTS = 5


def face_enrolment_create(
    *,
    person: Person,
    photos: Sequence[bytes],
    actor: Actor,
    face_points: Sequence[tuple[float, float] | None] = (),
) -> list[FaceEnrolment]:
    """Enrol reference photos of a person for face identification.

    1. Check: consent administrator; DPIA gate open (R19); on roll; effective biometric
       consent (R3: written parental consent, no objection, not expired).
    2. Compute every encoding first (the dominant face of each photo, or the face the
       administrator pointed at: `face_points[i]` for photo i), so nothing is stored unless
       all photos are good.
    3. Lock the person and check consent again (a withdrawal may have landed meanwhile),
       then store: photo as private media, encoding encrypted (Fernet). Audited.
    """
    school = School.objects.get(pk=person.school_id)
    _check_may_enrol(person=person, school=school, actor=actor, photos=photos)
    _check_biometric_consent(person)
    existing = FaceEnrolment.objects.filter(person=person).count()
    if existing + len(photos) > MAX_ENROLMENTS:
        raise InvalidInput(TOO_MANY_ENROLMENTS.format(limit=MAX_ENROLMENTS), field="photos")
    faces = _reference_faces(photos, face_points)
    return _enrolments_store(person=person, school=school, actor=actor, faces=faces)


def _check_may_enrol(
    *, person: Person, school: School, actor: Actor, photos: Sequence[bytes]
) -> None:
    """Step 1 (consent apart): consent administrator, DPIA gate open (R19), on roll, photos."""
    check_role(
        actor=actor, school=school, roles=MANAGE_ROLES, message=NOT_CONSENT_ADMIN, system=OPERATOR
    )
    check_live(person)
    if not school.face_identification_enabled:
        raise Conflict(DPIA_GATE_CLOSED, code="dpia_required")
    if not person.on_roll:
        raise Conflict(NOT_ON_ROLL)
    if not photos:
        raise InvalidInput(NO_PHOTOS, field="photos")


def _check_biometric_consent(person: Person) -> None:
    """R3: effective biometric consent, asked before the encodings and again under the lock."""
    decision = biometric_decisions(person_ids=[person.pk])[person.pk]
    if not decision.allowed:
        raise Refused(
            NO_BIOMETRIC_CONSENT.format(reason=decision.reason), code="no_biometric_consent"
        )


def _reference_faces(
    photos: Sequence[bytes], face_points: Sequence[tuple[float, float] | None]
) -> list[ReferenceFace]:
    """Step 2: every photo's encoding, or InvalidInput naming the photo that is not good."""
    faces = []
    for number, data in enumerate(photos, start=1):
        point = face_points[number - 1] if number <= len(face_points) else None
        try:
            faces.append(reference_face(data, face_point=point))
        except InvalidInput as exc:
            message = (
                exc.message
                if len(photos) == 1
                else PHOTO_NUMBER.format(number=number, message=exc.message)
            )
            field = "face_points" if exc.field == "face_points" else "photos"
            raise InvalidInput(message, field=field, code=exc.code) from exc
    return faces


def _enrolments_store(
    *, person: Person, school: School, actor: Actor, faces: Sequence[ReferenceFace]
) -> list[FaceEnrolment]:
    """Step 3: under the person's lock, consent again, then every photo and encoding, audited;
    photo files already written are deleted if anything fails."""
    stored: list[str] = []
    created: list[FaceEnrolment] = []
    try:
        with transaction.atomic():
            Person.objects.select_for_update(of=("self",)).filter(pk=person.pk).first()
            _check_biometric_consent(person)
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
    check_role(actor=actor, school=person.school_id, roles=MANAGE_ROLES, message=NOT_CONSENT_ADMIN)
    with transaction.atomic():
        deleted, _ = FaceEnrolment.objects.filter(pk=enrolment.pk).delete()
        if deleted:
            delete_files_on_commit([enrolment.photo.name])
            audit_record(
                action="biometric.enrolment_deleted",
                actor=actor,
                school=School(pk=person.school_id),
                target=person,
                data={"enrolment_id": enrolment.pk, "reason": "removed by consent admin"},
            )


def face_enrolment_photo_read(*, enrolment: FaceEnrolment, actor: User) -> bytes:
    """A reference photo for an authenticated view (biometric data: R14)."""
    return private_file_read(
        person=enrolment.person,
        actor=actor,
        file=enrolment.photo,
        action="biometric.photo_viewed",
        target=enrolment,
    )


def face_enrolments_purge(*, person: Person, reason: str, actor: Actor) -> int:
    """Delete every enrolment of the person (rows now, photo files after commit); audited."""
    with transaction.atomic():
        enrolments = list(
            FaceEnrolment.objects.select_for_update(of=("self",)).filter(person=person)
        )
        if not enrolments:
            return 0
        names = [e.photo.name for e in enrolments]
        ids = [e.pk for e in enrolments]
        FaceEnrolment.objects.filter(pk__in=ids).delete()
        delete_files_on_commit(names)
        audit_record(
            action="biometric.enrolments_deleted",
            actor=actor,
            school=School(pk=person.school_id),
            target=person,
            data={"count": len(ids), "enrolment_ids": ids, "reason": reason},
        )
    return len(ids)
