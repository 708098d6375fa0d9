"""The demo school's register: a realistic mix, seeded twice without change."""

from __future__ import annotations

from typing import Any

from consent.demo import seed
from consent.models import ConsentRecord, FaceEnrolment, Person
from consent.selectors import biometric_decisions, may_publish_photo


def test_the_demo_register_is_a_realistic_mix_and_seeding_is_idempotent(
    db: None, settings: Any, tmp_path: Any, fake_faces: None
) -> None:
    from backend.accounts.demo import seed_accounts

    settings.VAR_DIR = tmp_path
    demo = seed_accounts()
    seed(demo)
    counts = (Person.objects.count(), ConsentRecord.objects.count(), FaceEnrolment.objects.count())
    seed(seed_accounts())
    assert (
        Person.objects.count(),
        ConsentRecord.objects.count(),
        FaceEnrolment.objects.count(),
    ) == counts
    demo.school.refresh_from_db()
    assert demo.school.face_identification_enabled
    people = {p.mis_id: p for p in Person.objects.filter(school=demo.school)}
    assert len(people) == 13

    def website(mis_id: str) -> Any:
        return may_publish_photo(person=people[mis_id], channel="website")

    assert website("DEMO001").allowed and website("DEMO002").allowed
    assert not may_publish_photo(person=people["DEMO002"], channel="x").allowed
    for refused in ("DEMO003", "DEMO004", "DEMO005", "DEMO006", "DEMO010", "DEMO011"):
        assert not website(refused).allowed, refused
    assert website("DEMO007").do_not_publish and website("DEMO007").reason == "Do not publish."
    assert "expired" in website("DEMO005").reason
    enrolled = set(FaceEnrolment.objects.values_list("person__mis_id", flat=True))
    assert enrolled == {"DEMO001", "DEMO008"}
    decisions = biometric_decisions(person_ids=[people["DEMO001"].pk])
    assert decisions[people["DEMO001"].pk].allowed
