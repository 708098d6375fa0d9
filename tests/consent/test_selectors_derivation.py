"""Consent derivation (R4, R16, R17, R18): every rule on its own, named by its id, through
the selectors the checks call."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from consent.derivation import DO_NOT_PUBLISH, NOT_IN_REGISTER, default_expiry
from consent.models import Channel, Decision, FlagKind, GivenBy, Method, Person, Purpose
from consent.selectors import (
    biometric_decisions,
    first_name_decisions,
    may_publish_first_name,
    may_publish_name,
    may_publish_photo,
    name_decisions,
    person_flags_blocking,
    photo_decisions,
    register_people,
)
from tests.consent.factories import (
    ContactFactory,
    FlagFactory,
    PersonFactory,
    record,
    years_ago,
)

ALL_PHOTO = (
    Purpose.PHOTO_WEBSITE,
    Purpose.PHOTO_X,
    Purpose.PHOTO_FACEBOOK,
    Purpose.PHOTO_INSTAGRAM,
)
TODAY = timezone.localdate


# --- R17: opt-in -----------------------------------------------------------------------------


def test_r17_no_record_means_no(pupil: Person) -> None:
    decision = may_publish_photo(person=pupil, channel=Channel.WEBSITE)
    assert not decision.allowed
    assert decision.record_id is None
    assert "no consent recorded" in decision.reason


def test_r17_parent_grant_allows_photo_on_that_channel_only(pupil: Person, mum: Any) -> None:
    [grant] = record(pupil, Purpose.PHOTO_WEBSITE, contact=mum)
    website = may_publish_photo(person=pupil, channel=Channel.WEBSITE)
    assert website.allowed and website.record_id == grant.pk
    assert "granted by a parent/carer" in website.reason
    for channel in (Channel.X, Channel.FACEBOOK, Channel.INSTAGRAM):
        assert not may_publish_photo(person=pupil, channel=channel).allowed


def test_r17_one_parent_refusal_wins_over_grant(pupil: Person, mum: Any, dad: Any) -> None:
    record(pupil, Purpose.PHOTO_X, contact=mum)
    [refusal] = record(pupil, Purpose.PHOTO_X, contact=dad, decision=Decision.REFUSED)
    decision = may_publish_photo(person=pupil, channel=Channel.X)
    assert not decision.allowed
    assert decision.record_id == refusal.pk
    assert "refused by a parent/carer" in decision.reason


def test_r17_refusal_wins_even_when_the_grant_is_more_recent(
    pupil: Person, mum: Any, dad: Any
) -> None:
    record(
        pupil,
        Purpose.PHOTO_X,
        contact=dad,
        decision=Decision.REFUSED,
        given_on=TODAY() - datetime.timedelta(30),
    )
    record(pupil, Purpose.PHOTO_X, contact=mum)
    assert not may_publish_photo(person=pupil, channel=Channel.X).allowed


def test_r17_pupil_objection_wins_over_parent_grant(pupil: Person, mum: Any) -> None:
    record(pupil, *ALL_PHOTO, contact=mum)
    [objection] = record(
        pupil,
        Purpose.PHOTO_INSTAGRAM,
        given_by=GivenBy.SELF,
        decision=Decision.REFUSED,
        method=Method.VERBAL,
    )
    decision = may_publish_photo(person=pupil, channel=Channel.INSTAGRAM)
    assert not decision.allowed and decision.record_id == objection.pk
    assert "the pupil objected" in decision.reason
    assert may_publish_photo(person=pupil, channel=Channel.WEBSITE).allowed


def test_r17_a_parent_who_refused_then_granted_has_granted(pupil: Person, mum: Any) -> None:
    record(
        pupil,
        Purpose.PHOTO_WEBSITE,
        contact=mum,
        decision=Decision.REFUSED,
        given_on=TODAY() - datetime.timedelta(10),
    )
    [grant] = record(pupil, Purpose.PHOTO_WEBSITE, contact=mum)
    decision = may_publish_photo(person=pupil, channel=Channel.WEBSITE)
    assert decision.allowed and decision.record_id == grant.pk


def test_r17_the_latest_decision_is_by_the_day_it_was_made_not_when_typed_in(
    pupil: Person, mum: Any
) -> None:
    """A paper form dated last month, scanned after today's withdrawal, does not revive."""
    record(pupil, Purpose.PHOTO_WEBSITE, contact=mum, decision=Decision.WITHDRAWN)
    record(pupil, Purpose.PHOTO_WEBSITE, contact=mum, given_on=TODAY() - datetime.timedelta(30))
    assert not may_publish_photo(person=pupil, channel=Channel.WEBSITE).allowed


def test_r17_withdrawal_ends_consent(pupil: Person, mum: Any) -> None:
    record(pupil, Purpose.PHOTO_FACEBOOK, contact=mum, given_on=TODAY() - datetime.timedelta(5))
    [withdrawal] = record(pupil, Purpose.PHOTO_FACEBOOK, contact=mum, decision=Decision.WITHDRAWN)
    decision = may_publish_photo(person=pupil, channel=Channel.FACEBOOK)
    assert not decision.allowed and decision.record_id == withdrawal.pk
    assert "withdrawn" in decision.reason


def test_r17_expired_consent_is_none(pupil: Person, mum: Any) -> None:
    [grant] = record(
        pupil,
        Purpose.PHOTO_WEBSITE,
        contact=mum,
        given_on=TODAY() - datetime.timedelta(400),
        expires_on=TODAY() - datetime.timedelta(1),
    )
    decision = may_publish_photo(person=pupil, channel=Channel.WEBSITE)
    assert not decision.allowed and decision.record_id == grant.pk
    assert "expired" in decision.reason


def test_r17_consent_is_effective_on_its_last_day(pupil: Person, mum: Any) -> None:
    record(
        pupil,
        Purpose.PHOTO_WEBSITE,
        contact=mum,
        given_on=TODAY() - datetime.timedelta(30),
        expires_on=TODAY(),
    )
    assert may_publish_photo(person=pupil, channel=Channel.WEBSITE).allowed


@pytest.mark.parametrize(
    "given,expires",
    [
        (datetime.date(2025, 9, 4), datetime.date(2026, 8, 31)),
        (datetime.date(2026, 1, 15), datetime.date(2026, 8, 31)),
        (datetime.date(2026, 8, 31), datetime.date(2026, 8, 31)),
        (datetime.date(2026, 9, 1), datetime.date(2027, 8, 31)),
    ],
)
def test_r17_default_expiry_is_the_end_of_the_academic_year(
    given: datetime.date, expires: datetime.date
) -> None:
    assert default_expiry(given) == expires


def test_r17_a_pupil_who_left_has_no_consent(pupil: Person, mum: Any) -> None:
    record(pupil, *ALL_PHOTO, contact=mum)
    Person.objects.filter(pk=pupil.pk).update(on_roll=False, left_on=TODAY())
    decision = may_publish_photo(person=pupil, channel=Channel.WEBSITE)
    assert not decision.allowed and "Left the school" in decision.reason


def test_r17_grants_from_before_leaving_stay_void_after_coming_back(
    pupil: Person, mum: Any
) -> None:
    record(pupil, *ALL_PHOTO, contact=mum, recorded_at=timezone.now() - datetime.timedelta(1))
    Person.objects.filter(pk=pupil.pk).update(
        on_roll=True, left_on=None, consent_void_before=timezone.now()
    )
    assert not may_publish_photo(person=pupil, channel=Channel.WEBSITE).allowed
    record(pupil, Purpose.PHOTO_WEBSITE, contact=mum)
    assert may_publish_photo(person=pupil, channel=Channel.WEBSITE).allowed


# --- R18: who may decide ---------------------------------------------------------------------


def test_r18_contact_without_parental_responsibility_grant_does_not_count(pupil: Person) -> None:
    aunt = ContactFactory(person=pupil, relationship="Aunt", has_parental_responsibility=False)
    record(pupil, Purpose.PHOTO_WEBSITE, contact=aunt)
    decision = may_publish_photo(person=pupil, channel=Channel.WEBSITE)
    assert not decision.allowed
    assert "without parental responsibility" in decision.reason


def test_r18_contact_under_court_order_grant_does_not_count(pupil: Person) -> None:
    father = ContactFactory(person=pupil, relationship="Father", court_order=True)
    record(pupil, Purpose.PHOTO_WEBSITE, contact=father)
    assert not may_publish_photo(person=pupil, channel=Channel.WEBSITE).allowed


def test_r18_refusal_from_any_contact_still_counts(pupil: Person, mum: Any) -> None:
    """A "no" is always safe to honour, even from someone who could not say yes."""
    grandad = ContactFactory(
        person=pupil, relationship="Grandfather", has_parental_responsibility=False
    )
    record(pupil, Purpose.PHOTO_WEBSITE, contact=mum)
    record(pupil, Purpose.PHOTO_WEBSITE, contact=grandad, decision=Decision.REFUSED)
    assert not may_publish_photo(person=pupil, channel=Channel.WEBSITE).allowed


def test_r18_competent_pupil_may_give_their_own_photo_consent(school: Any) -> None:
    pupil = PersonFactory(school=school, date_of_birth=years_ago(12.2))
    record(pupil, Purpose.PHOTO_WEBSITE, given_by=GivenBy.SELF)
    decision = may_publish_photo(person=pupil, channel=Channel.WEBSITE)
    assert decision.allowed and "granted by the pupil" in decision.reason


def test_r18_pupil_under_the_competence_age_cannot_give_their_own_consent(school: Any) -> None:
    pupil = PersonFactory(school=school, date_of_birth=years_ago(11.5))
    record(pupil, Purpose.PHOTO_WEBSITE, given_by=GivenBy.SELF)
    decision = may_publish_photo(person=pupil, channel=Channel.WEBSITE)
    assert not decision.allowed and "under 12" in decision.reason


def test_r18_competence_is_judged_on_the_day_the_pupil_decided(school: Any) -> None:
    pupil = PersonFactory(school=school, date_of_birth=years_ago(12.1))
    record(
        pupil,
        Purpose.PHOTO_WEBSITE,
        given_by=GivenBy.SELF,
        given_on=TODAY() - datetime.timedelta(60),
    )
    assert not may_publish_photo(person=pupil, channel=Channel.WEBSITE).allowed


def test_r18_competence_age_is_configurable(school: Any, settings: Any) -> None:
    settings.CONSENT_COMPETENCE_AGE = 13
    pupil = PersonFactory(school=school, date_of_birth=years_ago(12.5))
    record(pupil, Purpose.PHOTO_WEBSITE, given_by=GivenBy.SELF)
    assert not may_publish_photo(person=pupil, channel=Channel.WEBSITE).allowed
    settings.CONSENT_COMPETENCE_AGE = 12
    assert may_publish_photo(person=pupil, channel=Channel.WEBSITE).allowed


def test_r18_pupil_without_date_of_birth_is_not_presumed_competent(school: Any) -> None:
    pupil = PersonFactory(school=school, date_of_birth=None)
    record(pupil, Purpose.PHOTO_WEBSITE, given_by=GivenBy.SELF)
    assert not may_publish_photo(person=pupil, channel=Channel.WEBSITE).allowed


def test_r18_competent_pupil_grant_loses_to_a_parent_refusal(school: Any) -> None:
    pupil = PersonFactory(school=school, date_of_birth=years_ago(14))
    parent = ContactFactory(person=pupil)
    record(pupil, Purpose.PHOTO_X, given_by=GivenBy.SELF)
    record(pupil, Purpose.PHOTO_X, contact=parent, decision=Decision.REFUSED)
    assert not may_publish_photo(person=pupil, channel=Channel.X).allowed


def test_r18_staff_give_their_own_consent_and_contacts_cannot(school: Any) -> None:
    staff = PersonFactory(school=school, kind="staff", date_of_birth=None)
    partner = ContactFactory(person=staff, relationship="Partner")
    record(staff, Purpose.PHOTO_WEBSITE, contact=partner)
    assert not may_publish_photo(person=staff, channel=Channel.WEBSITE).allowed
    record(staff, Purpose.PHOTO_WEBSITE, given_by=GivenBy.SELF)
    decision = may_publish_photo(person=staff, channel=Channel.WEBSITE)
    assert decision.allowed and "the person themselves" in decision.reason


# --- R18 biometrics --------------------------------------------------------------------------


def test_r18_biometric_consent_needs_written_evidence(pupil: Person, mum: Any) -> None:
    record(pupil, Purpose.BIOMETRIC, contact=mum, method=Method.PAPER_FORM)
    decision = biometric_decisions(person_ids=[pupil.pk])[pupil.pk]
    assert not decision.allowed and "no written evidence" in decision.reason
    record(
        pupil,
        Purpose.BIOMETRIC,
        contact=mum,
        method=Method.PAPER_FORM,
        evidence_reference="Signed form, office file 2025/14",
    )
    assert biometric_decisions(person_ids=[pupil.pk])[pupil.pk].allowed


def test_r18_a_verbal_biometric_grant_never_counts(pupil: Person, mum: Any) -> None:
    record(
        pupil,
        Purpose.BIOMETRIC,
        contact=mum,
        method=Method.VERBAL,
        evidence_reference="Said yes at parents' evening",
    )
    decision = biometric_decisions(person_ids=[pupil.pk])[pupil.pk]
    assert not decision.allowed and "in writing" in decision.reason


def test_r18_biometric_pupil_objection_however_made_wins(pupil: Person, mum: Any) -> None:
    record(pupil, Purpose.BIOMETRIC, contact=mum, evidence_reference="form")
    record(
        pupil,
        Purpose.BIOMETRIC,
        given_by=GivenBy.SELF,
        decision=Decision.REFUSED,
        method=Method.VERBAL,
    )
    decision = biometric_decisions(person_ids=[pupil.pk])[pupil.pk]
    assert not decision.allowed and "objected" in decision.reason


def test_r18_a_pupil_under_18_cannot_consent_to_biometrics_themselves(school: Any) -> None:
    pupil = PersonFactory(school=school, date_of_birth=years_ago(15))
    record(
        pupil,
        Purpose.BIOMETRIC,
        given_by=GivenBy.SELF,
        method=Method.ELECTRONIC_FORM,
        evidence_reference="form 7",
    )
    decision = biometric_decisions(person_ids=[pupil.pk])[pupil.pk]
    assert not decision.allowed and "under 18" in decision.reason
    sixth_former = PersonFactory(school=school, date_of_birth=years_ago(18.3))
    record(
        sixth_former,
        Purpose.BIOMETRIC,
        given_by=GivenBy.SELF,
        method=Method.ELECTRONIC_FORM,
        evidence_reference="form 8",
    )
    assert biometric_decisions(person_ids=[sixth_former.pk])[sixth_former.pk].allowed


def test_r18_a_biometric_grant_from_the_mis_counts_as_written(pupil: Person) -> None:
    record(pupil, Purpose.BIOMETRIC, given_by=GivenBy.MIS, method=Method.MIS_IMPORT)
    assert biometric_decisions(person_ids=[pupil.pk])[pupil.pk].allowed


def test_r18_biometric_consent_expires_like_any_other(pupil: Person, mum: Any) -> None:
    record(
        pupil,
        Purpose.BIOMETRIC,
        contact=mum,
        evidence_reference="form",
        given_on=TODAY() - datetime.timedelta(400),
        expires_on=TODAY() - datetime.timedelta(2),
    )
    assert not biometric_decisions(person_ids=[pupil.pk])[pupil.pk].allowed


# --- R16: safeguarding flags -----------------------------------------------------------------


def test_r16_a_flag_blocks_photos_whatever_the_consent_says(pupil: Person, mum: Any) -> None:
    record(pupil, *ALL_PHOTO, contact=mum)
    FlagFactory(person=pupil, kind=FlagKind.ADOPTED)
    decision = may_publish_photo(person=pupil, channel=Channel.WEBSITE)
    assert not decision.allowed
    assert decision.do_not_publish
    assert decision.reason == DO_NOT_PUBLISH
    assert "Adopted" in decision.sensitive_reason
    assert "Adopted" not in decision.reason


def test_r16_a_flag_blocks_names_too(pupil: Person, mum: Any) -> None:
    record(pupil, *ALL_PHOTO, Purpose.NAME_WITH_PHOTO, Purpose.FIRST_NAME_ONLY, contact=mum)
    FlagFactory(person=pupil, kind=FlagKind.PROTECTED_IDENTITY)
    for decision in (
        may_publish_name(person=pupil, channel=Channel.WEBSITE),
        may_publish_first_name(person=pupil, channel=Channel.WEBSITE),
    ):
        assert not decision.allowed and decision.reason == DO_NOT_PUBLISH


def test_r16_a_flag_does_not_stop_biometric_identification(pupil: Person, mum: Any) -> None:
    """Recognising a flagged child is what lets the face check block the photo."""
    record(pupil, Purpose.BIOMETRIC, contact=mum, evidence_reference="form")
    FlagFactory(person=pupil, kind=FlagKind.COURT_ORDER)
    decision = biometric_decisions(person_ids=[pupil.pk])[pupil.pk]
    assert decision.allowed and decision.do_not_publish


def test_r16_a_lifted_flag_no_longer_blocks(pupil: Person, mum: Any) -> None:
    record(pupil, Purpose.PHOTO_WEBSITE, contact=mum)
    FlagFactory(person=pupil, ended_at=timezone.now())
    assert may_publish_photo(person=pupil, channel=Channel.WEBSITE).allowed
    assert person_flags_blocking(person_ids=[pupil.pk]) == set()


def test_r16_person_flags_blocking_lists_flagged_people(school: Any) -> None:
    flagged, clear = PersonFactory(school=school), PersonFactory(school=school)
    FlagFactory(person=flagged)
    assert person_flags_blocking(person_ids=[flagged.pk, clear.pk]) == {flagged.pk}


# --- R4: names -------------------------------------------------------------------------------


def test_r4_full_name_needs_name_consent_and_photo_consent_for_the_channel(
    pupil: Person, mum: Any
) -> None:
    record(pupil, Purpose.NAME_WITH_PHOTO, Purpose.PHOTO_WEBSITE, contact=mum)
    assert may_publish_name(person=pupil, channel=Channel.WEBSITE).allowed
    on_x = may_publish_name(person=pupil, channel=Channel.X)
    assert not on_x.allowed and "Full name only with a photo" in on_x.reason


def test_r4_full_name_refused_blocks_even_with_photo_consent(pupil: Person, mum: Any) -> None:
    record(pupil, Purpose.PHOTO_WEBSITE, contact=mum)
    record(pupil, Purpose.NAME_WITH_PHOTO, contact=mum, decision=Decision.REFUSED)
    assert not may_publish_name(person=pupil, channel=Channel.WEBSITE).allowed


def test_r4_first_name_alone_allowed_by_first_name_consent(pupil: Person, mum: Any) -> None:
    record(pupil, Purpose.FIRST_NAME_ONLY, contact=mum)
    assert may_publish_first_name(person=pupil, channel=Channel.X).allowed
    assert not may_publish_name(person=pupil, channel=Channel.X).allowed


def test_r4_full_name_consent_covers_the_first_name(pupil: Person, mum: Any) -> None:
    record(pupil, Purpose.NAME_WITH_PHOTO, contact=mum)
    decision = may_publish_first_name(person=pupil, channel=Channel.WEBSITE)
    assert decision.allowed and decision.reason.startswith("First name allowed")


def test_r17_a_refused_first_name_wins_over_full_name_consent(pupil: Person, mum: Any) -> None:
    record(pupil, Purpose.NAME_WITH_PHOTO, contact=mum)
    record(pupil, Purpose.FIRST_NAME_ONLY, contact=mum, decision=Decision.REFUSED)
    assert not may_publish_first_name(person=pupil, channel=Channel.WEBSITE).allowed


# --- the selectors' contract -----------------------------------------------------------------


def test_bulk_decisions_cost_two_queries_however_many_people(
    school: Any, django_assert_num_queries: Any
) -> None:
    people = PersonFactory.create_batch(40, school=school)
    for person in people[::2]:
        record(
            person,
            Purpose.PHOTO_X,
            Purpose.NAME_WITH_PHOTO,
            given_by=GivenBy.MIS,
            method=Method.MIS_IMPORT,
        )
    FlagFactory(person=people[0])
    ids = [p.pk for p in people]
    with django_assert_num_queries(2):
        photos = photo_decisions(person_ids=ids, channel=Channel.X)
    with django_assert_num_queries(2):
        names = name_decisions(person_ids=ids, channel=Channel.X)
    with django_assert_num_queries(2):
        first_name_decisions(person_ids=ids, channel=Channel.X)
    assert [photos[i].allowed for i in ids[:4]] == [False, False, True, False]
    assert names[ids[2]].allowed and photos[ids[0]].do_not_publish


def test_an_unknown_person_is_not_in_the_register(db: None) -> None:
    decision = photo_decisions(person_ids=[987654], channel=Channel.WEBSITE)[987654]
    assert not decision.allowed and decision.reason == NOT_IN_REGISTER


def test_an_unknown_channel_is_an_error(pupil: Person) -> None:
    with pytest.raises(ValueError, match="Unknown channel 'tiktok'"):
        photo_decisions(person_ids=[pupil.pk], channel="tiktok")


def test_decisions_can_be_asked_as_of_a_past_moment(pupil: Person, mum: Any) -> None:
    before = timezone.now()
    record(pupil, Purpose.PHOTO_WEBSITE, contact=mum)
    assert photo_decisions(person_ids=[pupil.pk], channel=Channel.WEBSITE)[pupil.pk].allowed
    past = photo_decisions(person_ids=[pupil.pk], channel=Channel.WEBSITE, at=before)
    assert not past[pupil.pk].allowed


def test_reasons_never_name_the_contact(pupil: Person, mum: Any) -> None:
    record(pupil, Purpose.PHOTO_WEBSITE, contact=mum)
    assert mum.name not in may_publish_photo(person=pupil, channel=Channel.WEBSITE).reason


def test_an_erased_person_has_no_consent(pupil: Person, mum: Any) -> None:
    record(pupil, Purpose.PHOTO_WEBSITE, contact=mum)
    Person.objects.filter(pk=pupil.pk).update(erased_at=timezone.now())
    assert not may_publish_photo(person=pupil, channel=Channel.WEBSITE).allowed


def test_register_people_lists_everyone_on_roll_with_their_first_names(school: Any) -> None:
    a = PersonFactory(
        school=school, legal_first_name="Alexander", preferred_first_name="Alex", last_name="Smith"
    )
    b = PersonFactory(
        school=school, legal_first_name="Zoë", preferred_first_name="zoë", last_name="Brown"
    )
    PersonFactory(school=school, on_roll=False)
    PersonFactory()  # another school
    assert sorted(register_people(school=school)) == sorted(
        [(a.pk, ("Alexander", "Alex"), "Smith"), (b.pk, ("Zoë",), "Brown")]
    )
