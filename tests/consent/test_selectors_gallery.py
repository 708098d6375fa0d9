"""The identification gallery (R3, R14, R16, R19) and the register selectors."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.utils import timezone

from backend.audit.models import AuditEvent
from consent.models import Decision, GivenBy, Person, Purpose
from consent.selectors import identification_gallery, identification_gallery_prepared
from tests.consent.factories import (
    ContactFactory,
    FlagFactory,
    PersonFactory,
    enrolment,
    record,
    vector,
)
from tests.factories import SchoolFactory


def open_gate(school: Any) -> None:
    school.dpia_reference = "DPIA-1"
    school.dpo_name = "Dee Protection"
    school.dpia_signed_at = timezone.now()
    school.save()


def consented(school: Any, **kwargs: Any) -> Person:
    person = PersonFactory(school=school, **kwargs)
    parent = ContactFactory(person=person)
    record(person, Purpose.BIOMETRIC, contact=parent, evidence_reference="signed form")
    return person


def objects(pupil: Person) -> None:
    """The pupil objects to biometric use (R3: however it is made, it counts)."""
    record(
        pupil,
        Purpose.BIOMETRIC,
        given_by=GivenBy.SELF,
        decision=Decision.REFUSED,
        method="verbal",
    )


def test_r19_gallery_is_empty_while_the_dpia_gate_is_closed(school: Any) -> None:
    enrolment(consented(school))
    assert identification_gallery(school=school, purpose_note="post 1") == []
    assert not AuditEvent.objects.filter(action="biometric.gallery_read").exists()


def test_r3_gallery_holds_only_effective_biometric_consent(school: Any) -> None:
    open_gate(school)
    ok = consented(school)
    objector = consented(school)
    objects(objector)
    no_consent = PersonFactory(school=school)
    leaver = consented(school)
    Person.objects.filter(pk=leaver.pk).update(on_roll=False)
    for person in (ok, objector, no_consent, leaver):
        enrolment(person)
    gallery = identification_gallery(school=school, purpose_note="post 7 check")
    assert [pid for pid, _ in gallery] == [ok.pk]


def test_r16_flagged_people_stay_identifiable_so_their_photos_are_blocked(school: Any) -> None:
    open_gate(school)
    flagged = consented(school)
    FlagFactory(person=flagged)
    enrolment(flagged)
    assert [pid for pid, _ in identification_gallery(school=school, purpose_note="x")] == [
        flagged.pk
    ]


def test_gallery_returns_the_decrypted_128_number_encodings(school: Any) -> None:
    open_gate(school)
    person = consented(school)
    enrolment(person, vector(7))
    enrolment(person, vector(8))
    gallery = identification_gallery(school=school, purpose_note="x")
    assert [pid for pid, _ in gallery] == [person.pk, person.pk]
    np.testing.assert_array_equal(gallery[0][1], vector(7))
    assert gallery[1][1].dtype == np.float64 and gallery[1][1].shape == (128,)


def test_gallery_is_scoped_to_the_school(school: Any) -> None:
    open_gate(school)
    elsewhere = SchoolFactory(slug="elsewhere")
    open_gate(elsewhere)
    enrolment(consented(elsewhere))
    assert identification_gallery(school=school, purpose_note="x") == []


def test_r14_each_gallery_read_writes_one_audit_event_not_one_per_row(
    school: Any, django_assert_max_num_queries: Any
) -> None:
    open_gate(school)
    for _ in range(5):
        enrolment(consented(school))
    gallery = identification_gallery(school=school, purpose_note="post 12 faces check")
    events = AuditEvent.objects.filter(action="biometric.gallery_read")
    assert events.count() == 1
    assert events.get().data == {"count": 5, "people": 5, "purpose_note": "post 12 faces check"}
    assert len(gallery) == 5
    # Three reads and one audit append, however big the gallery.
    with django_assert_max_num_queries(8):
        identification_gallery(school=school, purpose_note="again")


def test_r3_a_withdrawal_takes_effect_at_once_even_with_the_gallery_cached(school: Any) -> None:
    open_gate(school)
    stays, withdraws = consented(school), consented(school)
    enrolment(stays)
    enrolment(withdraws)
    assert len(identification_gallery(school=school, purpose_note="first check")) == 2

    objects(withdraws)

    assert [pid for pid, _ in identification_gallery(school=school, purpose_note="next")] == [
        stays.pk
    ]


def test_a_new_enrolment_is_in_the_next_gallery(school: Any) -> None:
    open_gate(school)
    first, second = consented(school), consented(school)
    enrolment(first)
    identification_gallery(school=school, purpose_note="warm the cache")

    enrolment(second, encoding=vector(7))

    gallery = dict(identification_gallery(school=school, purpose_note="after enrolment"))
    assert set(gallery) == {first.pk, second.pk}
    assert np.allclose(gallery[second.pk], vector(7))


def test_r3_a_withdrawal_leaves_the_prepared_gallery_at_the_next_check(school: Any) -> None:
    open_gate(school)
    stays, withdraws = consented(school), consented(school)
    enrolment(stays)
    enrolment(withdraws)
    first = identification_gallery_prepared(school=school, purpose_note="first check")
    assert sorted(first.keys) == sorted([stays.pk, withdraws.pk])

    objects(withdraws)

    assert identification_gallery_prepared(school=school, purpose_note="next").keys == [stays.pk]


def test_the_prepared_gallery_is_built_once_while_its_enrolments_are_unchanged(
    school: Any,
) -> None:
    """Issue 19: stacking 20,000 encodings took 14 ms at every check."""
    open_gate(school)
    person = consented(school)
    enrolment(person)
    first = identification_gallery_prepared(school=school, purpose_note="first check")
    assert identification_gallery_prepared(school=school, purpose_note="again") is first

    enrolment(consented(school), encoding=vector(7))

    after = identification_gallery_prepared(school=school, purpose_note="after enrolment")
    assert after is not first and len(after) == 2


def test_the_prepared_gallery_is_empty_while_the_dpia_gate_is_closed_r19(school: Any) -> None:
    enrolment(consented(school))
    assert len(identification_gallery_prepared(school=school, purpose_note="post 1")) == 0
