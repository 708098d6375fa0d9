"""Management commands: the operator at the shell gets the same rules as the API."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from backend.audit.models import AuditEvent
from consent.models import FaceEnrolment, ImportRun, Person, Purpose
from consent.services import DPIA_GATE_CLOSED
from tests.consent.conftest import small_fixture
from tests.consent.factories import record

CSV = (
    "mis_id,legal_first_name,preferred_first_name,last_name,kind,year_group,date_of_birth,"
    "on_roll,consent_photo_website,consent_photo_social,consent_photo_x,consent_photo_facebook,"
    "consent_photo_instagram,consent_name,consent_biometric,consent_date\n"
    "UPN1,Amelia,Millie,Hart,pupil,Year 5,2016-03-14,true,granted,granted,refused,,,granted,"
    "granted,2025-09-08\n"
    "UPN2,Ben,,Cole,pupil,Year 5,2016-13-01,true,granted,,,,,,,2025-09-08\n"
)


def call(*args: Any, **kwargs: Any) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **kwargs)
    return out.getvalue()


def test_school_dpia_turns_face_identification_on_and_off(school: Any) -> None:
    out = call("school_dpia", school="oakfield", reference="DPIA-2026-03", dpo="Dee Officer")
    assert "ON for oakfield" in out
    school.refresh_from_db()
    assert school.face_identification_enabled and school.dpo_name == "Dee Officer"
    assert "OFF" in call("school_dpia", school="oakfield", clear=True)
    school.refresh_from_db()
    assert not school.face_identification_enabled


def test_school_dpia_needs_a_known_school_and_both_fields(school: Any) -> None:
    with pytest.raises(CommandError, match="No school with slug 'nope'"):
        call("school_dpia", school="nope", reference="R", dpo="D")
    with pytest.raises(CommandError, match="DPIA reference and the name"):
        call("school_dpia", school="oakfield", reference="R")


def test_import_people_reports_every_bad_line_and_is_idempotent(
    school: Any, tmp_path: Path
) -> None:
    path = tmp_path / "roll.csv"
    path.write_text(CSV)
    out = call("import_people", str(path), school="oakfield")
    assert "1 created" in out and "1 bad rows" in out
    assert "line 3 (UPN2): date_of_birth: '2016-13-01' is not a date" in out
    again = call("import_people", str(path), school="oakfield")
    assert "0 created, 0 updated, 1 unchanged" in again
    assert Person.objects.get().preferred_first_name == "Millie"
    report = json.loads(call("import_people", str(path), school="oakfield", json=True))
    assert report["errors"][0]["line"] == 3


def test_import_people_fails_loudly_on_a_rejected_file(school: Any, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("name,class\nA,B\n")
    with pytest.raises(CommandError, match="rejected"):
        call("import_people", str(path), school="oakfield")
    assert ImportRun.objects.get().status == "rejected"


def test_enrol_face_follows_the_api_rules_and_enrols_a_real_photo(
    school: Any, pupil: Person, mum: Any, tmp_path: Path
) -> None:
    photo = tmp_path / "amelia.jpg"
    photo.write_bytes(small_fixture("obama2.jpg"))
    with pytest.raises(CommandError) as err:
        call("enrol_face", str(photo), school="oakfield", person="UPN001")
    assert str(err.value) == DPIA_GATE_CLOSED
    call("school_dpia", school="oakfield", reference="R", dpo="D")
    with pytest.raises(CommandError, match="no effective biometric consent"):
        call("enrol_face", str(photo), school="oakfield", person="UPN001")
    record(pupil, Purpose.BIOMETRIC, contact=mum, evidence_reference="signed form")
    out = call("enrol_face", str(photo), school="oakfield", person="UPN001")
    assert "Enrolled 1 reference photo(s)" in out
    assert FaceEnrolment.objects.filter(person=pupil).count() == 1
    assert AuditEvent.objects.filter(action="biometric.enrolled", actor=None).exists()


def test_enrol_face_names_an_unknown_person(school: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No person with MIS id 'X9'"):
        call("enrol_face", str(tmp_path / "x.jpg"), school="oakfield", person="X9")


def test_person_export_writes_the_subject_access_zip(
    school: Any, pupil: Person, tmp_path: Path
) -> None:
    out = tmp_path / "sar.zip"
    call("person_export", school="oakfield", person="UPN001", out=str(out))
    body = json.loads(zipfile.ZipFile(out).read("person.json"))
    assert body["person"]["id"] == pupil.pk
