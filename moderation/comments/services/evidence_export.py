"""R12: exporting comment evidence as a signed JSON bundle or a PDF, only once a second
person has countersigned it, and checking a bundle's signature later."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from backend.accounts.models import School, User
from backend.audit.services import audit_record
from backend.common.errors import Conflict, InvalidInput, NotFound, Refused

from .. import selectors
from ..models import Evidence, canonical_json, sha256_text
from ..pdf import comment_evidence_pdf
from .evidence import user_ref
from .messages import EXPORT_FORMAT

COMMENT_EVIDENCE_BUNDLE_FORMAT = "school-post-queue/evidence-bundle/v1"
EXPORT_FORMATS = ("json", "pdf")


@dataclass(frozen=True)
class CommentEvidenceExport:
    filename: str
    content_type: str
    content: bytes


def comment_evidence_bundle_signature(bundle: dict[str, Any]) -> str:
    """HMAC-SHA256 with SECRET_KEY over the canonical JSON of the bundle minus its
    signature."""
    unsigned = {k: v for k, v in bundle.items() if k != "signature"}
    key = str(settings.SECRET_KEY).encode()
    return hmac.new(key, canonical_json(unsigned).encode("utf-8"), hashlib.sha256).hexdigest()


def comment_evidence_bundle_verify(bundle: dict[str, Any]) -> bool:
    """The bundle's signature is ours and every record still matches its SHA-256."""
    signature = (bundle.get("signature") or {}).get("value", "")
    if not isinstance(signature, str) or not hmac.compare_digest(
        signature, comment_evidence_bundle_signature(bundle)
    ):
        return False
    return all(
        sha256_text(str(record.get("canonical", ""))) == record.get("sha256")
        for record in bundle.get("records") or []
    )


def _check_may_export(*, evidence: Evidence, actor: User, fmt: str) -> None:
    if fmt not in EXPORT_FORMATS:
        raise InvalidInput(EXPORT_FORMAT, field="format")
    if not selectors.user_may_moderate(user=actor, comment=evidence.comment):  # R13
        raise NotFound(selectors.NO_SUCH_EVIDENCE)
    refusal = selectors.comment_evidence_export_refusal(evidence=evidence, user=actor)
    if refusal is not None:
        error = Conflict if refusal.conflict else Refused
        raise error(refusal.message, code=refusal.code)


def _bundle(evidence: Evidence, *, actor: User) -> dict[str, Any]:
    """The signed bundle of one evidence record."""
    entry = {
        "evidence_id": evidence.pk,
        "reason": evidence.reason,
        "sha256": evidence.sha256,
        "canonical": evidence.canonical,
        "record": evidence.record,
        "captured_at": evidence.captured_at.isoformat(),
        "captured_by": user_ref(evidence.captured_by),
        "countersigned_at": evidence.countersigned_at.isoformat()
        if evidence.countersigned_at
        else None,
        "countersigned_by": user_ref(evidence.countersigned_by),
    }
    bundle: dict[str, Any] = {
        "format": COMMENT_EVIDENCE_BUNDLE_FORMAT,
        "school": {"id": evidence.school_id, "name": evidence.comment.school.name},
        "exported_at": timezone.now().isoformat(),
        "exported_by": user_ref(actor),
        "records": [entry],
    }
    bundle["signature"] = {
        "alg": "HMAC-SHA256",
        "over": "canonical JSON of this bundle without 'signature' (sorted keys, no spaces)",
        "value": comment_evidence_bundle_signature(bundle),
    }
    return bundle


def comment_evidence_export(
    *, evidence: Evidence, actor: User, fmt: str = "json"
) -> CommentEvidenceExport:
    """Export a signed JSON bundle or a PDF, only once a second person has countersigned
    (``selectors.comment_evidence_export_refusal``: two people stand behind every export)."""
    _check_may_export(evidence=evidence, actor=actor, fmt=fmt)
    bundle = _bundle(evidence, actor=actor)
    stem = f"evidence-{evidence.pk}-comment-{evidence.comment_id}"
    if fmt == "json":
        export = CommentEvidenceExport(
            f"{stem}.json",
            "application/json",
            json.dumps(bundle, indent=2, ensure_ascii=False, sort_keys=True).encode("utf-8"),
        )
    else:
        export = CommentEvidenceExport(
            f"{stem}.pdf", "application/pdf", comment_evidence_pdf(bundle)
        )
    audit_record(
        action="comment.evidence_exported",
        actor=actor,
        school=School(pk=evidence.school_id),
        target=evidence,
        data={"comment": evidence.comment_id, "format": fmt, "sha256": evidence.sha256},
    )
    return export
