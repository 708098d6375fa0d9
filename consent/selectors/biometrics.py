"""Biometric look-ups (R3, R19): the identification gallery and enrolments."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from django.db.models import QuerySet

from backend.accounts.models import School
from backend.audit.services import audit_record
from backend.common.crypto import decrypt_bytes
from backend.faces.match import DecodedCache, Gallery

from ..models import FaceEnrolment, Person
from .decisions import biometric_decisions
from .roles import ENCODING_DTYPE, ENCODING_SIZE


def identification_gallery(*, school: School, purpose_note: str) -> list[tuple[int, np.ndarray]]:
    """(person_id, 128-d encoding) for every enrolment the face check may match against.

    R19: empty while the school's DPIA gate is closed. R3: only people whose biometric
    consent is effective right now (a pupil's objection, a withdrawal, expiry or leaving
    all end it). People with an R16 flag ARE included: recognising them is what blocks
    their photos automatically instead of relying on a person tagging them correctly.
    R14: one audit event per call (count and purpose), not one per row.
    """
    versions = _matchable_versions(school)
    if versions is None:
        return []
    gallery = _DECODED.get(school.pk, versions, _decode_rows)
    _audit_gallery_read(school, [p for p, _ in gallery], purpose_note)
    return gallery


def identification_gallery_prepared(*, school: School, purpose_note: str) -> Gallery[int]:
    """The same enrolments as :func:`identification_gallery`, as the matrix a face check
    matches against, prepared once per set of enrolments in this worker (issue 19)."""
    versions = _matchable_versions(school)
    if versions is None:
        return Gallery([])
    gallery = _DECODED.gallery(school.pk, versions, _decode_rows)
    _audit_gallery_read(school, gallery.keys, purpose_note)
    return gallery


def _matchable_versions(school: School) -> list[tuple[int, str]] | None:
    """(enrolment id, photo hash) of every enrolment that may be matched now; None while
    the DPIA gate is closed. Who may be matched is decided here on every call (R3); the
    cache only saves fetching, decrypting and stacking the same enrolments again."""
    if not school.face_identification_enabled:
        return None
    rows = list(
        FaceEnrolment.objects.filter(
            person__school=school, person__erased_at__isnull=True, person__on_roll=True
        ).values_list("pk", "photo_sha256", "person_id")
    )
    allowed = {
        pid
        for pid, decision in biometric_decisions(person_ids={pid for _, _, pid in rows}).items()
        if decision.allowed
    }
    return [(pk, sha) for pk, sha, pid in rows if pid in allowed]


def _audit_gallery_read(school: School, person_ids: Sequence[int], purpose_note: str) -> None:
    audit_record(
        action="biometric.gallery_read",
        school=school,
        data={
            "count": len(person_ids),
            "people": len(set(person_ids)),
            "purpose_note": purpose_note,
        },
    )


_DECODED: DecodedCache[int] = DecodedCache()


def _decode_rows(versions: Sequence[tuple[int, str]]) -> list[tuple[int, np.ndarray]]:
    rows = FaceEnrolment.objects.filter(pk__in=[pk for pk, _ in versions]).order_by("pk")
    return [
        (pid, decode_encoding(token))
        for pid, token in rows.values_list("person_id", "encoding_encrypted")
    ]


def decode_encoding(token: bytes | memoryview) -> np.ndarray:
    """Decrypt a stored encoding. Callers audit the read."""
    raw = decrypt_bytes(bytes(token))
    vector = np.frombuffer(raw, dtype=ENCODING_DTYPE)
    if vector.shape != (ENCODING_SIZE,):
        raise ValueError("A stored face encoding is not 128 numbers.")
    return vector.copy()


def enrolments_for_person(*, person: Person) -> QuerySet[FaceEnrolment]:
    return FaceEnrolment.objects.filter(person=person).select_related("created_by")
