"""The MIS import's plan: a pure diff between the file and the register (no database)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from consent.derivation import default_expiry
from consent.mis_import import mis_import_parse, mis_import_plan
from consent.mis_import.current import Latest, Snapshot
from consent.mis_import.plan import RecordTexts
from consent.models import Person

CSV = (
    b"mis_id,legal_first_name,last_name,consent_photo_website,consent_date\n"
    b"UPN1,Amelia,Hart,granted,2026-09-01\n"
)
GIVEN = datetime.date(2026, 9, 1)
TEXTS = RecordTexts(evidence="MIS evidence", cleared="Cleared in the MIS")


def _amelia_on_roll() -> Person:
    return Person(
        pk=7,
        mis_id="UPN1",
        kind="pupil",
        legal_first_name="Amelia",
        preferred_first_name="",
        last_name="Hart",
        year_group="",
        registration_group="",
        date_of_birth=None,
        on_roll=True,
    )


def test_it_plans_a_new_person_and_their_answer_without_the_database() -> None:
    plan = mis_import_plan(
        parsed=mis_import_parse(CSV),
        snapshot=Snapshot(people={}, latest={}, contacts={}),
        full_roll=False,
        now=timezone.now(),
        texts=TEXTS,
    )

    assert [p.mis_id for p in plan.new_people] == ["UPN1"]
    assert plan.records == [
        ("UPN1", "photo_website", "granted", GIVEN, default_expiry(GIVEN), "", "")
    ]
    assert plan.changes["UPN1"]["action"] == "created"


def test_it_plans_nothing_when_the_register_already_holds_the_file() -> None:
    amelia = _amelia_on_roll()
    plan = mis_import_plan(
        parsed=mis_import_parse(CSV),
        snapshot=Snapshot(
            people={"UPN1": amelia},
            latest={(7, "photo_website"): Latest("granted", GIVEN.isoformat(), False)},
            contacts={},
        ),
        full_roll=False,
        now=timezone.now(),
        texts=TEXTS,
    )

    assert plan.new_people == [] and plan.updates == {} and plan.records == []
    assert plan.changes == {}


def test_it_plans_the_absent_pupil_leaving_on_a_full_roll() -> None:
    amelia = _amelia_on_roll()
    header_only = b"mis_id,legal_first_name,last_name\nUPN2,Tom,Hart\n"
    now = timezone.now()

    plan = mis_import_plan(
        parsed=mis_import_parse(header_only),
        snapshot=Snapshot(people={"UPN1": amelia}, latest={}, contacts={}),
        full_roll=True,
        now=now,
        texts=TEXTS,
    )

    assert plan.left_ids == {7}
    assert plan.updates[7]["on_roll"] is False and plan.updates[7]["consent_void_before"] == now
    assert amelia.on_roll  # the snapshot is read, never changed
