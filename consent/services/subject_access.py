"""Subject access (R15): everything held about a person, as one ZIP."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from backend.accounts.models import School
from backend.accounts.selectors import user_has_role
from backend.audit.selectors import audit_events_for_target
from backend.audit.services import audit_record
from backend.common.actors import SYSTEM_SHELL, Actor, SystemActor

from ..models import (
    ConsentEvidence,
    ConsentRecord,
    Contact,
    FaceEnrolment,
    ImportRun,
    Person,
    SafeguardingFlag,
)
from ..selectors import MANAGE_ROLES, SENSITIVE_ROLES, person_consent_state
from .common import check_live, check_role
from .messages import NOT_CONSENT_ADMIN


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
    check_role(
        actor=actor,
        school=school,
        roles=MANAGE_ROLES,
        message=NOT_CONSENT_ADMIN,
        system=(SYSTEM_SHELL,),
    )
    check_live(person)
    if include_sensitive is None:
        include_sensitive = isinstance(actor, SystemActor) or user_has_role(
            user=actor, school=school, roles=SENSITIVE_ROLES
        )
    records = list(
        ConsentRecord.objects.filter(person=person).select_related("contact").order_by("id")
    )
    evidence = list(ConsentEvidence.objects.filter(person=person).order_by("id"))
    enrolments = list(FaceEnrolment.objects.filter(person=person).order_by("id"))
    body: dict[str, Any] = {
        "exported_at": _iso(timezone.now()),
        "school": school.name,
        "person": _person_entry(person),
        "contacts": _contact_entries(person),
        "consent_records": [_record_entry(r) for r in records],
        "current_consent": {
            purpose: {"allowed": d.allowed, "reason": d.reason, "record_id": d.record_id}
            for purpose, d in person_consent_state(person=person).items()
        },
        "evidence": [_evidence_entry(e) for e in evidence],
        "face_enrolments": [_enrolment_entry(e) for e in enrolments],
        "mis_import_changes": _import_changes(school=school, person=person),
        "audit_events": _audit_events(person),
    }
    if include_sensitive:
        body["safeguarding_flags"] = _flag_entries(person)
    archive = _archive(body, evidence=evidence, enrolments=enrolments)
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
    return archive


def _person_entry(person: Person) -> dict[str, Any]:
    return {
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
    }


def _contact_entries(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "id": c.pk,
            "name": c.name,
            "relationship": c.relationship,
            "has_parental_responsibility": c.has_parental_responsibility,
            "court_order": c.court_order,
        }
        for c in Contact.objects.filter(person=person).order_by("id")
    ]


def _record_entry(r: ConsentRecord) -> dict[str, Any]:
    return {
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


def _evidence_path(e: ConsentEvidence) -> str:
    return f"evidence/{e.pk}-{_safe_name(e.original_name) or 'file'}"


def _evidence_entry(e: ConsentEvidence) -> dict[str, Any]:
    return {
        "id": e.pk,
        "file": _evidence_path(e),
        "content_type": e.content_type,
        "sha256": e.sha256,
        "uploaded_at": _iso(e.uploaded_at),
    }


def _enrolment_entry(e: FaceEnrolment) -> dict[str, Any]:
    return {
        "id": e.pk,
        "reference_photo": f"reference-photos/{e.pk}.jpg",
        "created_at": _iso(e.created_at),
        "encoding": "A 128-number face encoding derived from this photo is held, "
        "encrypted, for face matching; it is deleted when biometric consent ends.",
    }


def _import_changes(*, school: School, person: Person) -> list[dict[str, Any]]:
    return [
        {"import_id": run.pk, "started_at": _iso(run.started_at), **change}
        for run in ImportRun.objects.filter(school=school).order_by("id")
        for change in run.changes
        if change.get("person_id") == person.pk
    ]


def _audit_events(person: Person) -> list[dict[str, Any]]:
    events = audit_events_for_target(target_type="consent.person", target_id=str(person.pk))
    return [
        {"seq": e.seq, "at": _iso(e.created_at), "action": e.action, "by": e.actor_label}
        for e in events
    ]


def _flag_entries(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "kind": f.kind,
            "note": f.note,
            "created_at": _iso(f.created_at),
            "ended_at": _iso(f.ended_at),
        }
        for f in SafeguardingFlag.objects.filter(person=person).order_by("id")
    ]


def _archive(
    body: dict[str, Any],
    *,
    evidence: Sequence[ConsentEvidence],
    enrolments: Sequence[FaceEnrolment],
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("person.json", json.dumps(body, indent=2, ensure_ascii=False))
        for e in evidence:
            with e.file.open("rb") as fh:
                archive.writestr(_evidence_path(e), fh.read())
        for enrolment in enrolments:
            with enrolment.photo.open("rb") as fh:
                archive.writestr(f"reference-photos/{enrolment.pk}.jpg", fh.read())
    return buffer.getvalue()


def _safe_name(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in name)[-80:]
