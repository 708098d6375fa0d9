"""Subject access and erasure (R15): everything out, then everything gone except what the
law needs, in reduced form, with the audit chain intact."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.core.files.storage import default_storage

from backend.audit.models import AuditEvent
from backend.audit.selectors import audit_verify
from backend.common.actors import SYSTEM_SHELL
from backend.common.errors import InvalidInput, Refused
from consent.models import (
    ConsentEvidence,
    ConsentRecord,
    Contact,
    FaceEnrolment,
    Person,
    Purpose,
    SafeguardingFlag,
)
from consent.selectors import may_publish_photo, register_people
from consent.services import (
    ERASE_CONFIRM,
    NOT_CONSENT_ADMIN,
    consent_evidence_upload,
    person_erase,
    person_export,
)
from tests.consent.factories import FlagFactory, enrolment, record, vector

PDF = b"%PDF-1.4\n% signed form for Amelia Hart\n"


@pytest.fixture
def held(pupil: Person, mum: Any, data_manager: Any) -> Person:
    """A pupil about whom everything is held."""
    evidence = consent_evidence_upload(
        person=pupil, data=PDF, filename="form.pdf", actor=data_manager
    )
    record(
        pupil,
        Purpose.PHOTO_WEBSITE,
        Purpose.BIOMETRIC,
        contact=mum,
        evidence=evidence,
        notes="Mum said Amelia loves the camera",
    )
    enrolment(pupil, vector(1))
    FlagFactory(person=pupil, kind="adopted", note="Adopted 2023")
    return pupil


def _zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def test_r15_export_holds_everything_about_the_person(
    held: Person, mum: Any, data_manager: Any
) -> None:
    archive = _zip(person_export(person=held, actor=data_manager))
    names = archive.namelist()
    body = json.loads(archive.read("person.json"))
    assert body["person"]["mis_id"] == "UPN001"
    assert body["contacts"][0]["name"] == mum.name
    assert {r["purpose"] for r in body["consent_records"]} == {"photo_website", "biometric"}
    assert body["current_consent"]["photo_website"]["allowed"] is False  # flagged
    [evidence_name] = [n for n in names if n.startswith("evidence/")]
    assert archive.read(evidence_name) == PDF
    [photo] = [n for n in names if n.startswith("reference-photos/")]
    assert archive.read(photo)[:3] == b"\xff\xd8\xff"
    assert "128-number face encoding" in body["face_enrolments"][0]["encoding"]
    event = AuditEvent.objects.get(action="person.exported")
    assert event.data["photos"] == 1 and event.data["sensitive"] is False


def test_r15_export_never_holds_the_encoding_itself(held: Person) -> None:
    archive = _zip(person_export(person=held, actor=SYSTEM_SHELL))
    raw = vector(1).astype("<f8").tobytes()
    for name in archive.namelist():
        assert raw[:16] not in archive.read(name)
    assert str(round(float(vector(1)[0]), 6)) not in archive.read("person.json").decode()


def test_r16_flags_are_exported_only_for_the_dsl_or_the_operator(
    held: Person, data_manager: Any, school: Any
) -> None:
    from backend.accounts.models import Role
    from tests.factories import MembershipFactory

    body = json.loads(_zip(person_export(person=held, actor=data_manager)).read("person.json"))
    assert "safeguarding_flags" not in body
    MembershipFactory(user=data_manager, school=school, role=Role.DSL)
    body = json.loads(_zip(person_export(person=held, actor=data_manager)).read("person.json"))
    assert body["safeguarding_flags"][0]["kind"] == "adopted"


def test_r15_erasure_removes_personal_data_and_keeps_what_the_law_needs(
    held: Person, data_manager: Any, ended_calls: Any, django_capture_on_commit_callbacks: Any
) -> None:
    files = [e.file.name for e in ConsentEvidence.objects.all()]
    files += [e.photo.name for e in FaceEnrolment.objects.all()]
    records_before = ConsentRecord.objects.filter(person=held).count()
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(person=held, confirm="UPN001", actor=data_manager)
    person = Person.objects.get(pk=held.pk)
    assert person.erased_at is not None
    assert (person.mis_id, person.legal_first_name, person.last_name) == ("", "", "")
    assert person.date_of_birth is None and not person.on_roll
    assert str(person) == f"Erased person #{person.pk}"
    # Gone.
    assert not Contact.objects.filter(person=person).exists()
    assert not SafeguardingFlag.objects.filter(person=person).exists()
    assert not FaceEnrolment.objects.filter(person=person).exists()
    assert not ConsentEvidence.objects.filter(person=person).exists()
    assert not any(default_storage.exists(name) for name in files)
    # Kept, reduced: that consent was held, for what, when and how, and nothing else.
    kept = list(ConsentRecord.objects.filter(person=person).values())
    assert len(kept) == records_before
    assert all(
        r["notes"] == "" and r["contact_id"] is None and r["evidence_id"] is None for r in kept
    )
    assert {r["purpose"] for r in kept} == {"photo_website", "biometric"}
    # The audit trail is kept and still verifies; it never held the person's data.
    assert audit_verify() is None
    trail = json.dumps(list(AuditEvent.objects.values("data")))
    assert "Amelia" not in trail and "Hart" not in trail
    assert AuditEvent.objects.filter(action="person.erased", target_id=str(person.pk)).exists()
    # No consent, not in the names index, and the takedown handlers were told.
    assert not may_publish_photo(person=person, channel="website").allowed
    assert person.pk not in [pid for pid, _, _ in register_people(school=person.school)]
    assert ended_calls == [(person.pk, "erased")]


def test_erasure_needs_the_mis_id_as_confirmation(held: Person, data_manager: Any) -> None:
    with pytest.raises(InvalidInput) as err:
        person_erase(person=held, confirm="UPN002", actor=data_manager)
    assert err.value.message == ERASE_CONFIRM
    assert Person.objects.get(pk=held.pk).erased_at is None


def test_only_a_consent_admin_exports_or_erases(held: Person, head_teacher: Any) -> None:
    for action in (
        lambda: person_export(person=held, actor=head_teacher),
        lambda: person_erase(person=held, confirm="UPN001", actor=head_teacher),
    ):
        with pytest.raises(Refused) as err:
            action()
        assert err.value.message == NOT_CONSENT_ADMIN


def test_the_mis_can_bring_an_erased_pupil_back_as_a_new_person(
    held: Person, data_manager: Any
) -> None:
    from consent.services import people_import_from_csv

    person_erase(person=held, confirm="UPN001", actor=data_manager)
    data = b"mis_id,legal_first_name,last_name\nUPN001,Amelia,Hart\n"
    people_import_from_csv(school=held.school, file=data, actor=SYSTEM_SHELL)
    again = Person.objects.get(mis_id="UPN001")
    assert again.pk != held.pk
    assert not may_publish_photo(person=again, channel="website").allowed
