"""MIS CSV import: every documented header, idempotency, change records, bad-row reports,
leavers, and a query count that does not grow with the file."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.utils import timezone

from backend.audit.models import AuditEvent
from backend.common.actors import SYSTEM_SHELL
from backend.common.errors import Refused
from consent.mis_import import (
    BAD_ANSWER,
    BAD_DATE,
    DATE_NEEDED,
    DUPLICATE_MIS_ID,
    INVISIBLE_CHARACTERS,
    MISSING_HEADERS,
    REQUIRED,
)
from consent.models import (
    ConsentRecord,
    Contact,
    Decision,
    FaceEnrolment,
    GivenBy,
    ImportRun,
    Method,
    Person,
    Purpose,
)
from consent.selectors import biometric_decisions, may_publish_photo
from consent.services import NOT_CONSENT_ADMIN, people_import_from_csv
from tests.consent.factories import PersonFactory, enrolment
from tests.factories import SchoolFactory

HEADER = [
    "mis_id",
    "legal_first_name",
    "preferred_first_name",
    "last_name",
    "kind",
    "year_group",
    "date_of_birth",
    "on_roll",
    "consent_photo_website",
    "consent_photo_social",
    "consent_photo_x",
    "consent_photo_facebook",
    "consent_photo_instagram",
    "consent_name",
    "consent_biometric",
    "consent_date",
]
DATE = "2026-09-08"


def row(mis_id: str, **values: str) -> dict[str, str]:
    base = {
        "mis_id": mis_id,
        "legal_first_name": "Amelia",
        "preferred_first_name": "",
        "last_name": "Hart",
        "kind": "pupil",
        "year_group": "Year 5",
        "date_of_birth": "2016-03-14",
        "on_roll": "true",
        "consent_photo_website": "granted",
        "consent_photo_social": "",
        "consent_photo_x": "",
        "consent_photo_facebook": "",
        "consent_photo_instagram": "",
        "consent_name": "",
        "consent_biometric": "",
        "consent_date": DATE,
    }
    base.update(values)
    return base


def csv_bytes(rows: list[dict[str, str]], header: list[str] | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header or HEADER, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def run(school: Any, data: bytes, **kwargs: Any) -> ImportRun:
    return people_import_from_csv(
        school=school, file=data, filename="roll.csv", actor=SYSTEM_SHELL, **kwargs
    )


@pytest.fixture(autouse=True)
def _dated_today(monkeypatch: Any) -> None:
    """Consent dated in the file must not be in the future."""
    import datetime

    monkeypatch.setattr(
        "consent.mis_import.parse.timezone.localdate", lambda *a: datetime.date(2026, 11, 21)
    )


def test_it_imports_people_and_consent_with_every_documented_header(school: Any) -> None:
    data = csv_bytes(
        [
            row(
                "UPN1",
                preferred_first_name="Millie",
                consent_photo_social="granted",
                consent_photo_x="refused",
                consent_name="granted",
                consent_biometric="granted",
            ),
            row(
                "STAFF1",
                legal_first_name="Tara",
                last_name="Teacher",
                kind="staff",
                year_group="",
                date_of_birth="",
                consent_photo_website="refused",
            ),
            row(
                "ADULT1",
                legal_first_name="Vic",
                last_name="Volunteer",
                kind="adult",
                consent_photo_website="",
            ),
        ]
    )
    result = run(school, data)
    assert result.status == ImportRun.Status.APPLIED
    assert (result.rows, result.created, result.error_count) == (3, 3, 0)
    amelia = Person.objects.get(school=school, mis_id="UPN1")
    assert amelia.display_first_name == "Millie" and amelia.year_group == "Year 5"
    assert str(amelia.date_of_birth) == "2016-03-14" and amelia.on_roll
    assert Person.objects.get(mis_id="STAFF1").kind == "staff"
    assert Person.objects.get(mis_id="ADULT1").kind == "adult"
    given = dict(ConsentRecord.objects.filter(person=amelia).values_list("purpose", "decision"))
    assert given == {
        "photo_website": "granted",
        "photo_x": "refused",  # the per-channel column overrides the social one
        "photo_facebook": "granted",
        "photo_instagram": "granted",
        "name_with_photo": "granted",
        "biometric": "granted",
    }
    assert set(ConsentRecord.objects.values_list("given_by", "method")) == {
        (GivenBy.MIS, Method.MIS_IMPORT)
    }


def test_a_biometric_grant_from_the_mis_names_the_mis_as_its_written_evidence(
    school: Any,
) -> None:
    result = run(school, csv_bytes([row("UPN1", consent_biometric="granted")]))
    grant = ConsentRecord.objects.get(purpose=Purpose.BIOMETRIC)
    assert f"MIS import #{result.pk}" in grant.evidence_reference
    assert "written consent is held" in grant.evidence_reference
    assert biometric_decisions(person_ids=[grant.person_id])[grant.person_id].allowed


def test_reimporting_the_same_file_changes_nothing(school: Any) -> None:
    data = csv_bytes([row(f"UPN{i}", consent_photo_social="granted") for i in range(20)])
    first = run(school, data)
    people = list(Person.objects.order_by("id").values())
    records = ConsentRecord.objects.count()
    second = run(school, data)
    assert (first.created, first.consent_records) == (20, 80)
    assert (second.created, second.updated, second.unchanged, second.consent_records) == (
        0,
        0,
        20,
        0,
    )
    assert second.changes == []
    assert list(Person.objects.order_by("id").values()) == people
    assert ConsentRecord.objects.count() == records


def test_a_changed_file_updates_and_records_the_change(school: Any) -> None:
    run(school, csv_bytes([row("UPN1"), row("UPN2")]))
    result = run(
        school,
        csv_bytes([row("UPN1", year_group="Year 6"), row("UPN2", consent_photo_website="refused")]),
    )
    assert (result.updated, result.unchanged, result.consent_records) == (2, 0, 1)
    ids = dict(Person.objects.values_list("mis_id", "id"))
    assert result.changes == [
        {"person_id": ids["UPN1"], "action": "updated", "fields": ["year_group"]},
        {"person_id": ids["UPN2"], "action": "updated", "consent": ["photo_website:refused"]},
    ]
    assert Person.objects.get(mis_id="UPN1").year_group == "Year 6"
    assert not may_publish_photo(person=ids["UPN2"], channel="website").allowed
    event = AuditEvent.objects.filter(action="consent.import_run").last()
    assert event is not None and event.data["updated"] == 2


def test_a_renewed_consent_date_records_a_new_grant(school: Any) -> None:
    run(school, csv_bytes([row("UPN1")]))
    result = run(school, csv_bytes([row("UPN1", consent_date="2026-10-01")]))
    assert result.consent_records == 1
    assert ConsentRecord.objects.count() == 2


def test_a_cleared_answer_withdraws_the_mis_grant(
    school: Any, ended_calls: Any, django_capture_on_commit_callbacks: Any
) -> None:
    run(school, csv_bytes([row("UPN1")]))
    person = Person.objects.get()
    assert may_publish_photo(person=person, channel="website").allowed
    with django_capture_on_commit_callbacks(execute=True):
        run(school, csv_bytes([row("UPN1", consent_photo_website="")]))
    decision = may_publish_photo(person=person, channel="website")
    assert not decision.allowed and "withdrawn by the school's MIS record" in decision.reason
    assert ended_calls == [(person.pk, "withdrawn")]
    # And again: nothing more to do.
    assert run(school, csv_bytes([row("UPN1", consent_photo_website="")])).consent_records == 0


def test_bad_rows_are_reported_by_line_and_reason_and_never_half_applied(school: Any) -> None:
    data = csv_bytes(
        [
            row("UPN1"),
            row("UPN2", date_of_birth="14/03/2016", consent_photo_website="yes please"),
            row("", legal_first_name=""),
            row("UPN4", consent_photo_social="granted", consent_date=""),
            row("UPN5"),
            row("UPN5", last_name="Other"),
            row("UPN7", on_roll="maybe"),
        ]
    )
    result = run(school, data)
    assert result.status == ImportRun.Status.APPLIED_WITH_ERRORS
    assert result.error_count == 6
    by_line = {e["line"]: e["errors"] for e in result.errors}
    assert by_line[3] == [
        BAD_DATE.format(column="date_of_birth", value="14/03/2016"),
        BAD_ANSWER.format(column="consent_photo_website", value="yes please"),
    ]
    assert by_line[4] == [
        REQUIRED.format(column="mis_id"),
        REQUIRED.format(column="legal_first_name"),
    ]
    assert by_line[5] == [DATE_NEEDED]
    assert by_line[6] == by_line[7] == [DUPLICATE_MIS_ID.format(value="UPN5", lines="6, 7")]
    assert by_line[8] == ["on_roll: 'maybe' is not true or false."]
    assert list(Person.objects.values_list("mis_id", flat=True)) == ["UPN1"]
    assert ConsentRecord.objects.count() == 1
    assert result.errors[0]["mis_id"] == "UPN2"


def test_r4_a_row_whose_name_holds_invisible_characters_is_refused(school: Any) -> None:
    data = csv_bytes(
        [
            row("UPN1"),
            row("UPN2", legal_first_name="Am\u200bara"),
            row("UPN3", preferred_first_name="\u202eeyokO", last_name="Oko\ufeffye"),
        ]
    )
    result = run(school, data)
    assert result.status == ImportRun.Status.APPLIED_WITH_ERRORS
    by_line = {e["line"]: e["errors"] for e in result.errors}
    assert by_line == {
        3: [INVISIBLE_CHARACTERS.format(column="legal_first_name")],
        4: [
            INVISIBLE_CHARACTERS.format(column="preferred_first_name"),
            INVISIBLE_CHARACTERS.format(column="last_name"),
        ],
    }
    assert list(Person.objects.values_list("mis_id", flat=True)) == ["UPN1"]


def test_a_bad_row_leaves_the_existing_person_untouched(school: Any) -> None:
    run(school, csv_bytes([row("UPN1")]))
    before = Person.objects.values().get()
    result = run(school, csv_bytes([row("UPN1", year_group="Year 6", date_of_birth="2016-02-30")]))
    assert result.error_count == 1
    assert Person.objects.values().get() == before


def test_a_file_without_the_required_headers_is_rejected_whole(school: Any) -> None:
    data = b"upn_number,first,surname_x\n1,a,b\n"
    result = run(school, data)
    assert result.status == ImportRun.Status.REJECTED
    assert result.errors[0]["errors"] == [
        MISSING_HEADERS.format(columns="mis_id, legal_first_name, last_name")
    ]
    assert not Person.objects.exists()


def test_sims_style_headers_a_bom_and_windows_line_endings_are_accepted(school: Any) -> None:
    data = "\ufeffUPN,Legal Forename,Preferred Forename,Legal Surname,Year,DOB\r\n".encode()
    data += "A1,Zoë,,Brown,Year 3,2018-01-02\r\n".encode()
    result = run(school, data)
    assert result.created == 1 and result.error_count == 0
    person = Person.objects.get()
    assert (person.mis_id, person.legal_first_name, person.year_group) == ("A1", "Zoë", "Year 3")


def test_contacts_are_imported_and_matched_again_on_reimport(school: Any) -> None:
    header = [
        *HEADER,
        "contact1_name",
        "contact1_relationship",
        "contact1_parental_responsibility",
        "contact2_name",
        "contact2_court_order",
    ]
    data = csv_bytes(
        [
            row(
                "UPN1",
                contact1_name="Sarah Hart",
                contact1_relationship="Mother",
                contact1_parental_responsibility="true",
                contact2_name="Tom Hart",
                contact2_court_order="true",
            )
        ],
        header,
    )
    run(school, data)
    run(school, data)
    contacts = list(Contact.objects.order_by("id"))
    assert [(c.name, c.may_give_consent) for c in contacts] == [
        ("Sarah Hart", True),
        ("Tom Hart", False),
    ]


def test_leavers_in_a_new_export_are_marked_left_which_ends_their_consent(
    school: Any, ended_calls: Any, django_capture_on_commit_callbacks: Any
) -> None:
    school.dpia_reference, school.dpo_name, school.dpia_signed_at = "D", "O", timezone.now()
    school.save()
    run(school, csv_bytes([row("UPN1", consent_biometric="granted"), row("UPN2")]))
    leaver = Person.objects.get(mis_id="UPN1")
    enrolment(leaver)
    with django_capture_on_commit_callbacks(execute=True):
        result = run(
            school,
            csv_bytes([row("UPN1", consent_biometric="granted", on_roll="false"), row("UPN2")]),
        )
    assert result.left == 1
    leaver.refresh_from_db()
    assert not leaver.on_roll and leaver.left_on is not None
    assert not may_publish_photo(person=leaver, channel="website").allowed
    assert not FaceEnrolment.objects.filter(person=leaver).exists()
    assert ended_calls == [(leaver.pk, "left")]
    # Re-importing the same export changes nothing more.
    again = run(
        school,
        csv_bytes([row("UPN1", consent_biometric="granted", on_roll="false"), row("UPN2")]),
    )
    assert (again.left, again.updated, again.consent_records) == (0, 0, 0)


def test_a_pupil_who_comes_back_starts_with_no_consent_until_the_mis_answers_again(
    school: Any,
) -> None:
    run(school, csv_bytes([row("UPN1")]))
    run(school, csv_bytes([row("UPN1", on_roll="false")]))
    person = Person.objects.get()
    result = run(school, csv_bytes([row("UPN1")]))
    person.refresh_from_db()
    assert person.on_roll and person.left_on is None
    assert result.consent_records == 1  # the MIS answer is recorded again after rejoining
    assert may_publish_photo(person=person, channel="website").allowed


def test_full_roll_marks_people_missing_from_the_file_as_left(school: Any) -> None:
    run(school, csv_bytes([row("UPN1"), row("UPN2"), row("UPN3", consent_date="bad")]))
    staff = PersonFactory(school=school, kind="staff", mis_id="STAFF9")
    result = run(
        school, csv_bytes([row("UPN1"), row("UPN3", date_of_birth="nope")]), full_roll=True
    )
    assert result.left == 1
    assert not Person.objects.get(mis_id="UPN2").on_roll
    # UPN3's row was bad but present: not a leaver. Staff were not in a pupil export.
    staff.refresh_from_db()
    assert staff.on_roll


def test_the_same_mis_id_at_two_schools_is_two_people(school: Any) -> None:
    other = SchoolFactory(slug="other")
    run(school, csv_bytes([row("UPN1")]))
    run(other, csv_bytes([row("UPN1", consent_photo_website="refused")]))
    assert Person.objects.filter(mis_id="UPN1").count() == 2
    mine = Person.objects.get(school=school)
    assert may_publish_photo(person=mine, channel="website").allowed


def test_an_mis_refusal_wins_over_a_parent_grant_recorded_in_the_app(
    school: Any,
) -> None:
    run(school, csv_bytes([row("UPN1", consent_photo_website="")]))
    person = Person.objects.get()
    ConsentRecord.objects.create(
        person=person,
        purpose="photo_website",
        decision=Decision.GRANTED,
        given_by="self",
        method="paper_form",
        given_on=timezone.localdate(),
        expires_on=None,
    )
    run(school, csv_bytes([row("UPN1", consent_photo_website="refused")]))
    assert not may_publish_photo(person=person, channel="website").allowed


def test_only_a_consent_admin_imports(school: Any, head_teacher: Any, outsider: Any) -> None:
    for actor in (head_teacher, outsider):
        with pytest.raises(Refused) as err:
            people_import_from_csv(school=school, file=csv_bytes([row("UPN1")]), actor=actor)
        assert err.value.message == NOT_CONSENT_ADMIN
    assert not ImportRun.objects.exists()


def test_no_query_runs_per_row(school: Any) -> None:
    """Only bulk batches grow with the file (SQLite caps a batch at its variable limit;
    PostgreSQL writes 1,000 rows a statement)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size, offset in ((20, 0), (400, 1000)):
        data = csv_bytes(
            [
                row(f"P{offset + i}", consent_photo_social="granted", consent_name="refused")
                for i in range(size)
            ]
        )
        with CaptureQueriesContext(connection) as ctx:
            result = run(school, data)
        assert result.created == size
        counts.append(len(ctx.captured_queries))
    assert counts[1] - counts[0] < (400 - 20) / 10, counts
