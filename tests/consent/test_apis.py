"""The register's API: roles, R16 visibility, uploads and downloads, never an encoding, and
cross-school isolation for every endpoint."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern
from django.utils import timezone

from backend.audit.models import AuditEvent
from consent import urls as consent_urls
from consent.derivation import DO_NOT_PUBLISH
from consent.models import (
    ConsentEvidence,
    ConsentRecord,
    Contact,
    FaceEnrolment,
    ImportRun,
    Person,
    Purpose,
    SafeguardingFlag,
)
from tests.consent.conftest import photo_bytes
from tests.consent.factories import FlagFactory, enrolment, record

PDF = b"%PDF-1.4\n% form\n"
CSV = (
    b"mis_id,legal_first_name,last_name,consent_photo_website,consent_date\n"
    b"N1,Noor,Ali,granted,2025-09-08\n"
    b"N2,,Missing,granted,2025-09-08\n"
)


@pytest.fixture
def gate(school: Any) -> None:
    school.dpia_reference, school.dpo_name, school.dpia_signed_at = "D-1", "DPO", timezone.now()
    school.save()


@pytest.fixture
def biometric(pupil: Person, mum: Any) -> Person:
    record(pupil, Purpose.BIOMETRIC, contact=mum, evidence_reference="signed form")
    return pupil


# --- people ----------------------------------------------------------------------------------


def test_consent_admin_lists_searches_and_adds_people(
    api_as: Any, school: Any, data_manager: Any, pupil: Person
) -> None:
    client = api_as(data_manager)
    listed = client.get(f"/api/schools/{school.pk}/people", {"search": "hart ameli"}).json()
    assert [p["id"] for p in listed["results"]] == [pupil.pk]
    assert client.get(f"/api/schools/{school.pk}/people", {"search": "UPN001"}).json()["count"] == 1
    assert client.get(f"/api/schools/{school.pk}/people", {"search": "zzz"}).json()["count"] == 0
    created = client.post(
        f"/api/schools/{school.pk}/people",
        {"legal_first_name": "Noor", "last_name": "Ali", "mis_id": "N9", "kind": "staff"},
        format="json",
    )
    assert created.status_code == 201 and created.json()["kind"] == "staff"
    assert AuditEvent.objects.filter(action="person.created").exists()


def test_person_detail_shows_consent_and_contacts_to_register_roles(
    api_as: Any, pupil: Person, mum: Any, data_manager: Any, head_teacher: Any, teacher: Any
) -> None:
    record(pupil, Purpose.PHOTO_WEBSITE, contact=mum)
    for user in (data_manager, head_teacher):
        body = api_as(user).get(f"/api/people/{pupil.pk}").json()
        assert body["consent"]["photo_website"]["allowed"] is True
        assert body["contacts"][0]["name"] == mum.name
    # Staff get the publish status only, never the register entry or contacts.
    assert api_as(teacher).get(f"/api/people/{pupil.pk}").status_code == 404
    assert api_as(teacher).get(f"/api/people/{pupil.pk}/contacts").status_code == 404


def test_consent_admin_changes_details_and_marks_leavers(
    api_as: Any, pupil: Person, data_manager: Any, head_teacher: Any
) -> None:
    client = api_as(data_manager)
    response = client.patch(f"/api/people/{pupil.pk}", {"year_group": "Year 6"}, format="json")
    assert response.status_code == 200 and response.json()["year_group"] == "Year 6"
    assert (
        api_as(head_teacher)
        .patch(f"/api/people/{pupil.pk}", {"year_group": "Y1"}, format="json")
        .status_code
        == 404
    )
    left = client.post(f"/api/people/{pupil.pk}/leave", {}, format="json")
    assert left.status_code == 200 and left.json()["on_roll"] is False
    assert client.post(f"/api/people/{pupil.pk}/leave", {}, format="json").status_code == 409


# --- R16 visibility --------------------------------------------------------------------------


def test_r16_staff_see_do_not_publish_and_never_the_reason(
    api_as: Any, pupil: Person, mum: Any, teacher: Any, school: Any
) -> None:
    record(pupil, Purpose.PHOTO_WEBSITE, contact=mum)
    FlagFactory(person=pupil, kind="adopted")
    body = api_as(teacher).get(f"/api/people/{pupil.pk}/status").json()
    photo = body["channels"]["website"]["photo"]
    assert body["do_not_publish"] is True
    assert photo == {
        "allowed": False,
        "reason": DO_NOT_PUBLISH,
        "record_id": None,
        "do_not_publish": True,
    }
    text = json.dumps(body).lower()
    assert "adopt" not in text and "sensitive" not in text and mum.name.lower() not in text
    listed = api_as(teacher).get(f"/api/schools/{school.pk}/people/status", {"search": "Hart"})
    assert "adopt" not in listed.content.decode().lower()
    assert api_as(teacher).get(f"/api/people/{pupil.pk}/flags").status_code == 404


def test_r16_consent_admin_sees_do_not_publish_but_not_the_flag(
    api_as: Any, pupil: Person, data_manager: Any
) -> None:
    FlagFactory(person=pupil, kind="looked_after")
    client = api_as(data_manager)
    body = client.get(f"/api/people/{pupil.pk}").json()
    assert body["do_not_publish"] is True
    assert "looked" not in json.dumps(body).lower()
    assert client.get(f"/api/people/{pupil.pk}/flags").status_code == 404


def test_r16_dsl_and_leaders_see_the_reason_and_manage_flags(
    api_as: Any, pupil: Person, safeguarding_lead: Any, head_teacher: Any
) -> None:
    client = api_as(safeguarding_lead)
    created = client.post(
        f"/api/people/{pupil.pk}/flags",
        {"kind": "protected_identity", "note": "MAPPA"},
        format="json",
    )
    assert created.status_code == 201
    body = api_as(head_teacher).get(f"/api/people/{pupil.pk}/status").json()
    assert "Protected identity" in body["channels"]["x"]["photo"]["sensitive_reason"]
    flags = api_as(head_teacher).get(f"/api/people/{pupil.pk}/flags").json()
    assert flags[0]["note"] == "MAPPA"
    ended = client.post(f"/api/people/{pupil.pk}/flags/{flags[0]['id']}/end")
    assert ended.status_code == 200 and ended.json()["ended_at"]


# --- consent ---------------------------------------------------------------------------------


def test_consent_admin_records_a_decision_with_evidence_and_sees_the_timeline(
    api_as: Any, pupil: Person, mum: Any, data_manager: Any
) -> None:
    client = api_as(data_manager)
    uploaded = client.post(
        f"/api/people/{pupil.pk}/evidence",
        {"file": SimpleUploadedFile("form.pdf", PDF, content_type="application/pdf")},
        format="multipart",
    )
    assert uploaded.status_code == 201
    evidence_id = uploaded.json()["id"]
    response = client.post(
        f"/api/people/{pupil.pk}/consent",
        {
            "purposes": ["photo_website", "biometric"],
            "decision": "granted",
            "given_by": "contact",
            "contact_id": mum.pk,
            "method": "paper_form",
            "evidence_id": evidence_id,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["current"]["photo_website"]["allowed"] is True
    assert body["current"]["biometric"]["allowed"] is True
    assert body["records"][0]["evidence"]["download"].endswith(f"/evidence/{evidence_id}/file")
    assert body["records"][0]["contact"]["name"] == mum.name
    download = client.get(f"/api/people/{pupil.pk}/evidence/{evidence_id}/file")
    assert download.status_code == 200 and download.content == PDF
    assert download["Cache-Control"] == "no-store, private"


def test_recording_refuses_what_the_law_does_not_allow_with_the_field_named(
    api_as: Any, pupil: Person, mum: Any, data_manager: Any
) -> None:
    response = api_as(data_manager).post(
        f"/api/people/{pupil.pk}/consent",
        {
            "purposes": ["biometric"],
            "decision": "granted",
            "given_by": "contact",
            "contact_id": mum.pk,
            "method": "verbal",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "method"
    assert "in writing" in response.json()["detail"]
    assert not ConsentRecord.objects.exists()


def test_any_member_of_staff_logs_a_pupils_objection(
    api_as: Any, pupil: Person, mum: Any, teacher: Any
) -> None:
    record(pupil, Purpose.PHOTO_X, contact=mum)
    response = api_as(teacher).post(
        f"/api/people/{pupil.pk}/objection",
        {"purposes": ["photo_x"], "notes": "Asked not to be on X"},
        format="json",
    )
    assert response.status_code == 201 and response.json() == {"recorded": 1}
    status = api_as(teacher).get(f"/api/people/{pupil.pk}/status").json()
    assert status["channels"]["x"]["photo"]["allowed"] is False


def test_teachers_cannot_read_the_timeline_or_record_consent(
    api_as: Any, pupil: Person, mum: Any, teacher: Any
) -> None:
    client = api_as(teacher)
    assert client.get(f"/api/people/{pupil.pk}/consent").status_code == 404
    response = client.post(
        f"/api/people/{pupil.pk}/consent",
        {
            "purposes": ["photo_x"],
            "decision": "granted",
            "given_by": "contact",
            "contact_id": mum.pk,
            "method": "paper_form",
        },
        format="json",
    )
    assert response.status_code == 404 and not ConsentRecord.objects.exists()


# --- biometric enrolment ---------------------------------------------------------------------


def test_consent_admin_enrols_lists_streams_and_removes_reference_photos(
    api_as: Any, biometric: Person, gate: None, data_manager: Any, fake_faces: None
) -> None:
    client = api_as(data_manager)
    response = client.post(
        f"/api/people/{biometric.pk}/enrolments",
        {
            "photos": [
                SimpleUploadedFile("a.jpg", photo_bytes(1), content_type="image/jpeg"),
                SimpleUploadedFile("b.jpg", photo_bytes(2), content_type="image/jpeg"),
            ]
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert len(created) == 2
    listed = client.get(f"/api/people/{biometric.pk}/enrolments").json()
    assert set(listed[0]) == {"id", "photo_sha256", "encoder", "created_at"}
    assert "encoding" not in response.content.decode()
    photo = client.get(f"/api/people/{biometric.pk}/enrolments/{created[0]['id']}/photo")
    assert photo.status_code == 200 and photo.content[:3] == b"\xff\xd8\xff"
    assert (
        client.delete(f"/api/people/{biometric.pk}/enrolments/{created[0]['id']}").status_code
        == 204
    )
    assert FaceEnrolment.objects.count() == 1


def test_enrolment_without_biometric_consent_is_refused_clearly(
    api_as: Any, pupil: Person, gate: None, data_manager: Any, fake_faces: None
) -> None:
    response = api_as(data_manager).post(
        f"/api/people/{pupil.pk}/enrolments",
        {"photos": [SimpleUploadedFile("a.jpg", photo_bytes(1))]},
        format="multipart",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "no_biometric_consent"
    assert "no effective biometric consent" in response.json()["detail"]


def test_r19_enrolment_before_the_dpia_answers_409(
    api_as: Any, biometric: Person, data_manager: Any, fake_faces: None
) -> None:
    response = api_as(data_manager).post(
        f"/api/people/{biometric.pk}/enrolments",
        {"photos": [SimpleUploadedFile("a.jpg", photo_bytes(1))]},
        format="multipart",
    )
    assert response.status_code == 409 and response.json()["code"] == "dpia_required"


def test_r19_leaders_record_the_dpia_through_the_api(
    api_as: Any, school: Any, head_teacher: Any, data_manager: Any
) -> None:
    url = f"/api/schools/{school.pk}/dpia"
    assert api_as(data_manager).get(url).json()["face_identification_enabled"] is False
    assert (
        api_as(data_manager)
        .post(url, {"reference": "R", "dpo_name": "D"}, format="json")
        .status_code
        == 404
    )
    response = api_as(head_teacher).post(
        url, {"reference": "DPIA-9", "dpo_name": "Dee Officer"}, format="json"
    )
    assert response.status_code == 200 and response.json()["face_identification_enabled"]
    assert api_as(head_teacher).delete(url).json()["face_identification_enabled"] is False


# --- imports ---------------------------------------------------------------------------------


def test_consent_admin_runs_an_import_and_reads_its_report(
    api_as: Any, school: Any, data_manager: Any
) -> None:
    client = api_as(data_manager)
    response = client.post(
        f"/api/schools/{school.pk}/imports",
        {"file": SimpleUploadedFile("roll.csv", CSV, content_type="text/csv")},
        format="multipart",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["created"], body["error_count"]) == (1, 1)
    assert body["errors"] == [
        {"line": 3, "mis_id": "N2", "errors": ["legal_first_name: required."]}
    ]
    detail = client.get(f"/api/schools/{school.pk}/imports/{body['id']}").json()
    assert detail["changes"][0]["action"] == "created"
    assert client.get(f"/api/schools/{school.pk}/imports").json()["count"] == 1


def test_the_import_template_holds_exactly_the_headers_the_import_reads(
    api_as: Any, school: Any, data_manager: Any
) -> None:
    client = api_as(data_manager)
    template = client.get(f"/api/schools/{school.pk}/imports/template")
    assert template.status_code == 200 and template["Content-Type"].startswith("text/csv")
    assert "attachment" in template["Content-Disposition"]
    header = template.content.decode().strip()
    row = header.split(",")
    assert row[:3] == ["mis_id", "legal_first_name", "preferred_first_name"]
    assert "contact1_parental_responsibility" in row

    values = ["N9", "Nina", "", "Shah", "pupil"] + [""] * (len(row) - 5)
    filled = f"{header}\r\n{','.join(values)}\r\n"
    run = client.post(
        f"/api/schools/{school.pk}/imports",
        {"file": SimpleUploadedFile("t.csv", filled.encode(), content_type="text/csv")},
        format="multipart",
    ).json()

    assert (run["created"], run["error_count"]) == (1, 0)


def test_the_column_guide_explains_every_column_of_the_template(
    api_as: Any, school: Any, data_manager: Any, head_teacher: Any
) -> None:
    url = f"/api/schools/{school.pk}/imports/columns"
    columns = api_as(data_manager).get(url).json()
    by_header = {column["header"]: column for column in columns}
    template = api_as(data_manager).get(f"/api/schools/{school.pk}/imports/template")

    for header in template.content.decode().strip().split(","):
        key = header if header in by_header else "contactN_" + header.split("_", 1)[1]
        assert by_header[key]["values"], header
    assert by_header["mis_id"]["mandatory"] and not by_header["kind"]["mandatory"]
    assert api_as(head_teacher).get(url).status_code == 404  # consent administrators only


# --- subject access and erasure --------------------------------------------------------------


def test_consent_admin_exports_and_erases_a_person(
    api_as: Any, pupil: Person, mum: Any, data_manager: Any
) -> None:
    record(pupil, Purpose.PHOTO_X, contact=mum)
    client = api_as(data_manager)
    export = client.get(f"/api/people/{pupil.pk}/export")
    assert export.status_code == 200 and export["Content-Type"] == "application/zip"
    body = json.loads(zipfile.ZipFile(io.BytesIO(export.content)).read("person.json"))
    assert body["person"]["legal_first_name"] == "Amelia"
    wrong = client.post(f"/api/people/{pupil.pk}/erase", {"confirm": "nope"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["field"] == "confirm"
    erased = client.post(f"/api/people/{pupil.pk}/erase", {"confirm": "UPN001"}, format="json")
    assert erased.status_code == 200
    assert client.get(f"/api/people/{pupil.pk}").status_code == 404


# --- isolation -------------------------------------------------------------------------------


def _every_route() -> list[str]:
    return sorted(str(p.pattern) for p in consent_urls.urlpatterns if isinstance(p, URLPattern))


ENDPOINTS = [
    ("get", "schools/{school}/people", None),
    ("post", "schools/{school}/people", {"legal_first_name": "X", "last_name": "Y"}),
    ("get", "schools/{school}/people/status", None),
    ("get", "schools/{school}/imports", None),
    ("post", "schools/{school}/imports", "csv"),
    ("get", "schools/{school}/imports/{import_run}", None),
    ("get", "schools/{school}/imports/columns", None),
    ("get", "schools/{school}/imports/template", None),
    ("get", "schools/{school}/dpia", None),
    ("post", "schools/{school}/dpia", {"reference": "R", "dpo_name": "D"}),
    ("delete", "schools/{school}/dpia", None),
    ("get", "people/{person}", None),
    ("patch", "people/{person}", {"year_group": "Hacked"}),
    ("get", "people/{person}/status", None),
    ("post", "people/{person}/leave", {}),
    ("get", "people/{person}/consent", None),
    (
        "post",
        "people/{person}/consent",
        {"purposes": ["photo_x"], "decision": "refused", "given_by": "self", "method": "verbal"},
    ),
    ("post", "people/{person}/objection", {}),
    ("get", "people/{person}/contacts", None),
    ("post", "people/{person}/contacts", {"name": "Intruder"}),
    ("patch", "people/{person}/contacts/{contact}", {"has_parental_responsibility": False}),
    ("get", "people/{person}/flags", None),
    ("post", "people/{person}/flags", {"kind": "adopted"}),
    ("post", "people/{person}/flags/{flag}/end", None),
    ("get", "people/{person}/evidence", None),
    ("post", "people/{person}/evidence", "pdf"),
    ("get", "people/{person}/evidence/{evidence}/file", None),
    ("get", "people/{person}/enrolments", None),
    ("post", "people/{person}/enrolments", "photo"),
    ("delete", "people/{person}/enrolments/{enrolment}", None),
    ("get", "people/{person}/enrolments/{enrolment}/photo", None),
    ("get", "people/{person}/export", None),
    ("post", "people/{person}/erase", {"confirm": "UPN001"}),
]


def test_the_isolation_list_covers_every_route() -> None:
    def shape(route: str) -> str:
        import re

        return re.sub(r"<int:\w+>|\{\w+\}", "*", route)

    assert {shape(r) for r in _every_route()} == {shape(path) for _, path, _ in ENDPOINTS}


@pytest.fixture
def world(school: Any, pupil: Person, mum: Any, gate: None) -> dict[str, Any]:
    """One of everything at the school."""
    flag = FlagFactory(person=pupil, kind="court_order")
    evidence = ConsentEvidence.objects.create(
        person=pupil, content_type="application/pdf", sha256="0" * 64
    )
    run = ImportRun.objects.create(school=school, sha256="0" * 64, status="applied")
    record(pupil, Purpose.BIOMETRIC, contact=mum, evidence_reference="form")
    return {
        "school": school.pk,
        "person": pupil.pk,
        "contact": mum.pk,
        "flag": flag.pk,
        "evidence": evidence.pk,
        "import_run": run.pk,
        "enrolment": enrolment(pupil).pk,
    }


def _call(client: Any, method: str, path: str, payload: Any) -> Any:
    if payload == "csv":
        return client.post(path, {"file": SimpleUploadedFile("r.csv", CSV)}, format="multipart")
    if payload == "pdf":
        return client.post(path, {"file": SimpleUploadedFile("f.pdf", PDF)}, format="multipart")
    if payload == "photo":
        return client.post(
            path, {"photos": [SimpleUploadedFile("p.jpg", photo_bytes())]}, format="multipart"
        )
    return getattr(client, method)(path, payload, format="json")


def _snapshot() -> tuple[Any, ...]:
    return (
        list(Person.objects.order_by("id").values()),
        ConsentRecord.objects.count(),
        list(Contact.objects.order_by("id").values()),
        list(SafeguardingFlag.objects.order_by("id").values()),
        ConsentEvidence.objects.count(),
        FaceEnrolment.objects.count(),
        ImportRun.objects.count(),
    )


@pytest.mark.parametrize("method,template,payload", ENDPOINTS)
def test_every_endpoint_answers_404_to_another_school(
    api_as: Any,
    outsider: Any,
    world: dict[str, Any],
    method: str,
    template: str,
    payload: Any,
    fake_faces: None,
    school: Any,
) -> None:
    before = _snapshot()
    response = _call(api_as(outsider), method, "/api/" + template.format(**world), payload)
    assert response.status_code == 404, (template, response.status_code)
    assert _snapshot() == before
    school.refresh_from_db()
    assert school.face_identification_enabled


@pytest.mark.parametrize("method,template,payload", ENDPOINTS)
def test_every_endpoint_needs_sign_in(
    client: Any, world: dict[str, Any], method: str, template: str, payload: Any
) -> None:
    from rest_framework.test import APIClient

    response = _call(APIClient(), method, "/api/" + template.format(**world), payload)
    assert response.status_code == 403


def test_list_pages_cost_the_same_number_of_queries_however_many_people(
    api_as: Any, school: Any, teacher: Any, data_manager: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.consent.factories import PersonFactory

    def cost(client: Any, url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    staff, admin = api_as(teacher), api_as(data_manager)
    PersonFactory.create_batch(2, school=school)
    few = (
        cost(staff, f"/api/schools/{school.pk}/people/status"),
        cost(admin, f"/api/schools/{school.pk}/people"),
    )
    for person in PersonFactory.create_batch(20, school=school):
        record(person, Purpose.PHOTO_X, given_by="mis", method="mis_import")
    many = (
        cost(staff, f"/api/schools/{school.pk}/people/status"),
        cost(admin, f"/api/schools/{school.pk}/people"),
    )
    assert few == many


def test_a_malformed_face_point_is_refused_naming_the_field(
    api_as: Any, biometric: Person, gate: None, data_manager: Any, fake_faces: None
) -> None:
    response = api_as(data_manager).post(
        f"/api/people/{biometric.pk}/enrolments",
        {"photos": [SimpleUploadedFile("a.jpg", photo_bytes(1))], "face_points": ["0.5,1.7"]},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["field"] == "face_points"
    assert not FaceEnrolment.objects.exists()
