"""Consent evidence: scanned or exported consent forms, stored privately.

Named `consent_evidence_*` because "evidence" in moderation means something else (captured
comments, R12).
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from backend.accounts.models import School, User
from backend.audit.services import audit_record
from backend.common.errors import InvalidInput

from ..models import ConsentEvidence, Person
from ..selectors import MANAGE_ROLES
from .common import check_live, check_role, private_file_read
from .messages import EVIDENCE_EMPTY, EVIDENCE_TOO_LARGE, EVIDENCE_TYPE, NOT_CONSENT_ADMIN

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


EVIDENCE_MAGIC = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


def _consent_evidence_type(data: bytes) -> str:
    for magic, content_type in EVIDENCE_MAGIC.items():
        if data.startswith(magic):
            return content_type
    raise InvalidInput(EVIDENCE_TYPE, field="file")


def consent_evidence_upload(
    *, person: Person, data: bytes, filename: str = "", actor: User
) -> ConsentEvidence:
    """Store a scanned or exported consent form, judged by its content, privately."""
    check_role(actor=actor, school=person.school_id, roles=MANAGE_ROLES, message=NOT_CONSENT_ADMIN)
    check_live(person)
    if not data:
        raise InvalidInput(EVIDENCE_EMPTY, field="file")
    if len(data) > MAX_EVIDENCE_BYTES:
        raise InvalidInput(
            EVIDENCE_TOO_LARGE.format(megabytes=MAX_EVIDENCE_BYTES // 2**20), field="file"
        )
    content_type = _consent_evidence_type(data)
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


def consent_evidence_read(*, evidence: ConsentEvidence, actor: User) -> bytes:
    """The evidence file's bytes, for an authenticated download."""
    return private_file_read(
        person=evidence.person,
        actor=actor,
        file=evidence.file,
        action="consent.evidence_viewed",
        target=evidence,
    )
