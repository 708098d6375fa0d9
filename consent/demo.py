"""The consent part of the demo school: a register with a realistic mix of consent, the
DPIA recorded, and two pupils enrolled with public-domain reference faces (if the fixture
photos are present). Idempotent: people are matched by MIS id, and a person who already
has consent records or enrolments is left as they are."""

from __future__ import annotations

import datetime
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from backend.common.actors import SYSTEM_DEMO
from backend.common.errors import DomainError

from .models import Contact, Decision, FlagKind, GivenBy, Method, Person, PersonKind, Purpose
from .services import (
    consent_record_many,
    contact_create,
    face_enrolment_create,
    flag_add,
    objection_record,
    person_create,
    person_leave,
    school_dpia_record,
)

if TYPE_CHECKING:
    from backend.accounts.demo import Demo

logger = logging.getLogger(__name__)

FACES_DIR = Path(settings.BASE_DIR) / "tests" / "fixtures" / "faces"
ALL_PHOTO = [
    Purpose.PHOTO_WEBSITE,
    Purpose.PHOTO_X,
    Purpose.PHOTO_FACEBOOK,
    Purpose.PHOTO_INSTAGRAM,
    Purpose.PHOTO_PRESS,
]
EVERYTHING = [*ALL_PHOTO, Purpose.NAME_WITH_PHOTO, Purpose.FIRST_NAME_ONLY]

# (mis_id, first, preferred, last, year, age, story)
PUPILS = [
    ("DEMO001", "Amara", "", "Okoye", "Year 5", 10, "all_and_biometric"),
    ("DEMO002", "Benjamin", "Ben", "Carter", "Year 5", 9, "website_only"),
    ("DEMO003", "Chloe", "", "Evans", "Year 6", 11, "refused"),
    ("DEMO004", "Daniel", "Dan", "Hughes", "Year 6", 12, "pupil_objection"),
    ("DEMO005", "Ella", "", "Patel", "Year 4", 9, "expired"),
    ("DEMO006", "Finn", "", "Murphy", "Year 6", 11, "left"),
    ("DEMO007", "Grace", "", "Walker", "Year 3", 8, "looked_after"),
    ("DEMO008", "Harry", "", "Singh", "Year 4", 9, "all_and_biometric"),
    ("DEMO009", "Isla", "", "Thompson", "Year 2", 7, "first_name_only"),
    ("DEMO010", "Jack", "", "Wilson", "Year 3", 8, "parents_disagree"),
    ("DEMO011", "Keira", "", "Brown", "Year 1", 6, "no_answer"),
    ("DEMO012", "Leo", "", "Ahmed", "Year 5", 10, "all_with_name"),
]
ENROL = {"DEMO001": ["obama.jpg", "obama2.jpg"], "DEMO008": ["biden.jpg"]}


def _academic_year_start(today: datetime.date) -> datetime.date:
    return datetime.date(today.year if today.month >= 9 else today.year - 1, 9, 5)


def _parent(person: Person, name: str, relationship: str = "Mother") -> Contact:
    return contact_create(
        person=person,
        name=name,
        relationship=relationship,
        has_parental_responsibility=True,
        actor=SYSTEM_DEMO,
    )


def _story(person: Person, story: str, *, given_on: datetime.date, dsl: Any) -> None:
    last = person.last_name
    grant: dict[str, Any] = {
        "decision": Decision.GRANTED,
        "given_by": GivenBy.CONTACT,
        "method": Method.PAPER_FORM,
        "given_on": given_on,
        "actor": SYSTEM_DEMO,
    }
    if story in ("all_and_biometric", "all_with_name"):
        mum = _parent(person, f"Mrs {last}")
        consent_record_many(person=person, purposes=EVERYTHING, contact=mum, **grant)
        if story == "all_and_biometric":
            consent_record_many(
                person=person,
                purposes=[Purpose.BIOMETRIC],
                contact=mum,
                evidence_reference="Demo: signed biometric consent form, office file",
                **grant,
            )
    elif story == "website_only":
        dad = _parent(person, f"Mr {last}", "Father")
        consent_record_many(person=person, purposes=[Purpose.PHOTO_WEBSITE], contact=dad, **grant)
    elif story == "refused":
        mum = _parent(person, f"Ms {last}")
        consent_record_many(
            person=person, purposes=EVERYTHING, contact=mum, **{**grant, "decision": "refused"}
        )
    elif story == "pupil_objection":
        mum = _parent(person, f"Mrs {last}")
        consent_record_many(person=person, purposes=EVERYTHING, contact=mum, **grant)
        objection_record(
            person=person,
            purposes=ALL_PHOTO,
            notes="Told his class teacher he does not want his photo online.",
            actor=SYSTEM_DEMO,
        )
    elif story == "expired":
        mum = _parent(person, f"Mrs {last}")
        consent_record_many(
            person=person,
            purposes=EVERYTHING,
            contact=mum,
            **{**grant, "given_on": given_on.replace(year=given_on.year - 1)},
        )
    elif story == "left":
        mum = _parent(person, f"Mrs {last}")
        consent_record_many(person=person, purposes=EVERYTHING, contact=mum, **grant)
        person_leave(person=person, actor=SYSTEM_DEMO)
    elif story == "looked_after":
        carer = _parent(person, "Local authority (corporate parent)", "Local authority")
        consent_record_many(person=person, purposes=ALL_PHOTO, contact=carer, **grant)
        flag_add(person=person, kind=FlagKind.LOOKED_AFTER, note="Demo flag", actor=dsl)
    elif story == "first_name_only":
        mum = _parent(person, f"Mrs {last}")
        consent_record_many(
            person=person,
            purposes=[*ALL_PHOTO[:4], Purpose.FIRST_NAME_ONLY],
            contact=mum,
            **grant,
        )
        consent_record_many(
            person=person,
            purposes=[Purpose.NAME_WITH_PHOTO],
            contact=mum,
            **{**grant, "decision": "refused"},
        )
    elif story == "parents_disagree":
        mum = _parent(person, f"Mrs {last}")
        dad = _parent(person, f"Mr {last}", "Father")
        consent_record_many(person=person, purposes=ALL_PHOTO, contact=mum, **grant)
        consent_record_many(
            person=person, purposes=ALL_PHOTO, contact=dad, **{**grant, "decision": "refused"}
        )


def seed(demo: Demo) -> None:
    school = demo.school
    today = timezone.localdate()
    given_on = _academic_year_start(today)
    if given_on > today:
        given_on = today
    dsl = demo.users.get("dsl")
    with transaction.atomic():
        if not school.face_identification_enabled:
            school_dpia_record(
                school=school,
                reference="DPIA-2025-07 (demo)",
                dpo_name="Ms Dee Protection (demo DPO)",
                actor=SYSTEM_DEMO,
            )
        for mis_id, first, preferred, last, year, age, story in PUPILS:
            person = Person.objects.filter(school=school, mis_id=mis_id).first()
            if person is None:
                person = person_create(
                    school=school,
                    mis_id=mis_id,
                    legal_first_name=first,
                    preferred_first_name=preferred,
                    last_name=last,
                    year_group=year,
                    date_of_birth=today - datetime.timedelta(days=round((age + 0.4) * 365.25)),
                    actor=SYSTEM_DEMO,
                )
            if not person.consent_records.exists():
                _story(person, story, given_on=given_on, dsl=dsl)
        staff = Person.objects.filter(school=school, mis_id="DEMOSTAFF1").first()
        if staff is None:
            staff = person_create(
                school=school,
                kind=PersonKind.STAFF,
                mis_id="DEMOSTAFF1",
                legal_first_name="Tara",
                last_name="Teacher",
                actor=SYSTEM_DEMO,
            )
            consent_record_many(
                person=staff,
                purposes=EVERYTHING,
                decision=Decision.GRANTED,
                given_by=GivenBy.SELF,
                method=Method.ELECTRONIC_FORM,
                given_on=given_on,
                actor=SYSTEM_DEMO,
            )
    _enrol_demo_faces(school)


def _enrol_demo_faces(school: Any) -> None:
    """Public-domain reference faces (tests/fixtures/faces, see PROVENANCE.md there)."""
    for mis_id, files in ENROL.items():
        person = Person.objects.filter(school=school, mis_id=mis_id).first()
        if person is None or person.enrolments.exists():
            continue
        paths = [FACES_DIR / name for name in files]
        if not all(p.is_file() for p in paths):
            logger.info("Demo faces not found under %s; skipping enrolment.", FACES_DIR)
            return
        try:
            face_enrolment_create(
                person=person, photos=[p.read_bytes() for p in paths], actor=SYSTEM_DEMO
            )
        except (DomainError, ImportError) as exc:
            logger.warning("Demo enrolment of %s skipped: %s", mis_id, exc)
