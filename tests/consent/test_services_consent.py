"""Recording decisions (R17, R18 at the door), people, contacts, flags and evidence."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone

from backend.audit.models import AuditEvent
from backend.common.actors import SYSTEM_SHELL
from backend.common.errors import Conflict, InvalidInput, NotFound, Refused
from consent.derivation import default_expiry
from consent.models import ConsentRecord, Decision, GivenBy, Method, Person, Purpose
from consent.selectors import may_publish_photo
from consent.services import (
    ADULTS_DECIDE,
    BIOMETRIC_NEEDS_EVIDENCE,
    BIOMETRIC_NEEDS_WRITING,
    CONTACT_NO_PR,
    CONTACT_NOT_THEIRS,
    EVIDENCE_TYPE,
    FLAG_ACTIVE,
    GIVEN_IN_FUTURE,
    MIS_ID_TAKEN,
    MIS_RESERVED,
    NAME_INVISIBLE,
    NOT_CONSENT_ADMIN,
    NOT_MEMBER,
    NOT_SENSITIVE_ROLE,
    PERSON_ERASED,
    PERSON_LEFT,
    PUPIL_BIOMETRIC,
    PUPIL_NOT_COMPETENT,
    consent_evidence_read,
    consent_evidence_upload,
    consent_record,
    consent_record_many,
    contact_create,
    contact_update,
    flag_add,
    flag_end,
    objection_record,
    person_create,
    person_leave,
    person_update,
)
from tests.consent.factories import ContactFactory, PersonFactory, record, years_ago

PDF = b"%PDF-1.4\n% signed consent form\n"


def grant(person: Person, purpose: str = Purpose.PHOTO_WEBSITE, **kwargs: Any) -> ConsentRecord:
    args: dict[str, Any] = {
        "decision": Decision.GRANTED,
        "given_by": GivenBy.CONTACT,
        "method": Method.PAPER_FORM,
        "actor": SYSTEM_SHELL,
    }
    args.update(kwargs)
    return consent_record(person=person, purpose=purpose, **args)


def test_a_parent_grant_is_recorded_with_default_expiry_and_audited(
    pupil: Person, mum: Any, data_manager: Any
) -> None:
    record = grant(pupil, contact=mum, actor=data_manager)
    assert record.expires_on == default_expiry(timezone.localdate())
    assert record.recorded_by == data_manager
    event = AuditEvent.objects.get(action="consent.recorded")
    assert event.data["purpose"] == "photo_website" and event.data["contact_id"] == mum.pk
    assert mum.name not in str(event.data)
    assert may_publish_photo(person=pupil, channel="website").allowed


def test_one_form_records_several_purposes_at_once(pupil: Person, mum: Any) -> None:
    records = consent_record_many(
        person=pupil,
        purposes=[Purpose.PHOTO_X, Purpose.PHOTO_FACEBOOK],
        decision=Decision.GRANTED,
        given_by=GivenBy.CONTACT,
        contact=mum,
        method=Method.ELECTRONIC_FORM,
        actor=SYSTEM_SHELL,
    )
    assert [r.purpose for r in records] == ["photo_x", "photo_facebook"]


def test_consent_records_are_append_only(pupil: Person, mum: Any) -> None:
    record = grant(pupil, contact=mum)
    record.decision = Decision.REFUSED
    with pytest.raises(ValueError, match="append-only"):
        record.save()
    with pytest.raises(ValueError, match="append-only"):
        record.delete()
    with pytest.raises(ValueError, match="append-only"):
        ConsentRecord.objects.all().delete()


def test_r18_a_contact_without_parental_responsibility_cannot_decide(pupil: Person) -> None:
    childminder = ContactFactory(person=pupil, has_parental_responsibility=False)
    with pytest.raises(Refused) as err:
        grant(pupil, contact=childminder)
    assert err.value.message == CONTACT_NO_PR


def test_r18_a_contact_under_a_court_order_cannot_decide(pupil: Person) -> None:
    father = ContactFactory(person=pupil, court_order=True)
    with pytest.raises(Refused) as err:
        grant(pupil, contact=father)
    assert err.value.message == CONTACT_NO_PR


def test_r18_another_pupils_contact_cannot_decide(pupil: Person, school: Any) -> None:
    stranger = ContactFactory(person=PersonFactory(school=school))
    with pytest.raises(InvalidInput) as err:
        grant(pupil, contact=stranger)
    assert err.value.message == CONTACT_NOT_THEIRS


def test_r18_a_young_pupil_cannot_grant_but_can_refuse(school: Any) -> None:
    pupil = PersonFactory(school=school, date_of_birth=years_ago(9))
    with pytest.raises(Refused) as err:
        grant(pupil, given_by=GivenBy.SELF)
    assert err.value.message == PUPIL_NOT_COMPETENT.format(age=12)
    refusal = grant(pupil, given_by=GivenBy.SELF, decision=Decision.REFUSED, method=Method.VERBAL)
    assert refusal.given_by == GivenBy.SELF


def test_r18_a_competent_pupil_grants_their_own_photo_consent(school: Any) -> None:
    pupil = PersonFactory(school=school, date_of_birth=years_ago(13))
    grant(pupil, given_by=GivenBy.SELF, method=Method.VERBAL)
    assert may_publish_photo(person=pupil, channel="website").allowed


def test_r18_biometric_consent_must_be_written_with_evidence(
    pupil: Person, mum: Any, data_manager: Any
) -> None:
    with pytest.raises(InvalidInput) as err:
        grant(
            pupil,
            Purpose.BIOMETRIC,
            contact=mum,
            method=Method.VERBAL,
            evidence_reference="said yes",
        )
    assert err.value.message == BIOMETRIC_NEEDS_WRITING
    with pytest.raises(InvalidInput) as err:
        grant(pupil, Purpose.BIOMETRIC, contact=mum, method=Method.PAPER_FORM)
    assert err.value.message == BIOMETRIC_NEEDS_EVIDENCE
    evidence = consent_evidence_upload(
        person=pupil, data=PDF, filename="form.pdf", actor=data_manager
    )
    assert grant(pupil, Purpose.BIOMETRIC, contact=mum, evidence=evidence).evidence == evidence


def test_r18_a_pupil_cannot_consent_to_biometrics_for_themselves(school: Any) -> None:
    pupil = PersonFactory(school=school, date_of_birth=years_ago(16))
    with pytest.raises(Refused) as err:
        grant(pupil, Purpose.BIOMETRIC, given_by=GivenBy.SELF, evidence_reference="form")
    assert err.value.message == PUPIL_BIOMETRIC


def test_r18_staff_decide_for_themselves(school: Any) -> None:
    staff = PersonFactory(school=school, kind="staff")
    partner = ContactFactory(person=staff)
    with pytest.raises(InvalidInput) as err:
        grant(staff, contact=partner)
    assert err.value.message == ADULTS_DECIDE
    grant(staff, given_by=GivenBy.SELF, method=Method.ELECTRONIC_FORM)


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"method": Method.MIS_IMPORT}, MIS_RESERVED),
        ({"given_by": GivenBy.MIS}, MIS_RESERVED),
        ({"given_on": timezone.localdate() + datetime.timedelta(days=1)}, GIVEN_IN_FUTURE),
    ],
)
def test_decisions_are_validated(pupil: Person, mum: Any, kwargs: Any, message: str) -> None:
    with pytest.raises(InvalidInput) as err:
        grant(pupil, contact=mum, **kwargs)
    assert err.value.message == message


def test_r17_consent_cannot_be_granted_for_someone_who_left(pupil: Person, mum: Any) -> None:
    person_leave(person=pupil, actor=SYSTEM_SHELL)
    with pytest.raises(Conflict) as err:
        grant(pupil, contact=mum)
    assert err.value.message == PERSON_LEFT


def test_only_a_consent_admin_of_the_school_records_consent(
    pupil: Person, mum: Any, teacher: Any, head_teacher: Any, outsider: Any
) -> None:
    for actor in (teacher, head_teacher, outsider):
        with pytest.raises(Refused) as err:
            grant(pupil, contact=mum, actor=actor)
        assert err.value.message == NOT_CONSENT_ADMIN
    assert not ConsentRecord.objects.exists()


def test_r18_any_member_of_staff_logs_a_pupils_objection_however_made(
    pupil: Person, mum: Any, teacher: Any, outsider: Any
) -> None:
    grant(pupil, contact=mum)
    with pytest.raises(Refused) as err:
        objection_record(person=pupil, actor=outsider)
    assert err.value.message == NOT_MEMBER
    records = objection_record(person=pupil, notes="Shook her head at the camera", actor=teacher)
    assert len(records) == len(Purpose.values)
    assert {r.method for r in records} == {Method.VERBAL}
    assert not may_publish_photo(person=pupil, channel="website").allowed


def test_people_are_created_and_updated_by_consent_admins(
    school: Any, data_manager: Any, teacher: Any
) -> None:
    person = person_create(
        school=school, legal_first_name="Ola", last_name="Nowak", mis_id="M1", actor=data_manager
    )
    with pytest.raises(Conflict) as err:
        person_create(
            school=school, legal_first_name="X", last_name="Y", mis_id="M1", actor=data_manager
        )
    assert err.value.message == MIS_ID_TAKEN
    with pytest.raises(Refused, match=re.escape(NOT_CONSENT_ADMIN)):
        person_update(person=person, changes={"year_group": "Year 2"}, actor=teacher)
    person_update(person=person, changes={"year_group": "Year 2"}, actor=data_manager)
    person.refresh_from_db()
    assert person.year_group == "Year 2"
    assert AuditEvent.objects.filter(action="person.updated").get().data == {
        "fields": ["year_group"]
    }


def test_a_contact_losing_parental_responsibility_ends_their_consent(
    pupil: Person,
    mum: Any,
    ended_calls: Any,
    django_capture_on_commit_callbacks: Any,
    data_manager: Any,
) -> None:
    grant(pupil, contact=mum)
    with django_capture_on_commit_callbacks(execute=True):
        contact_update(contact=mum, changes={"court_order": True}, actor=data_manager)
    assert not may_publish_photo(person=pupil, channel="website").allowed
    assert ended_calls == [(pupil.pk, "consent_changed")]


def test_contacts_are_added_by_consent_admins(
    pupil: Person, teacher: Any, data_manager: Any
) -> None:
    with pytest.raises(Refused, match=re.escape(NOT_CONSENT_ADMIN)):
        contact_create(person=pupil, name="Jo", actor=teacher)
    contact = contact_create(
        person=pupil,
        name="Jo Hart",
        relationship="Carer",
        has_parental_responsibility=True,
        actor=data_manager,
    )
    assert contact.may_give_consent


def test_r16_flags_are_added_and_lifted_by_dsl_or_leaders_only(
    pupil: Person, safeguarding_lead: Any, data_manager: Any, head_teacher: Any
) -> None:
    with pytest.raises(Refused) as err:
        flag_add(person=pupil, kind="adopted", actor=data_manager)
    assert err.value.message == NOT_SENSITIVE_ROLE
    flag = flag_add(person=pupil, kind="adopted", note="Adopted 2024", actor=safeguarding_lead)
    with pytest.raises(Conflict) as conflict:
        flag_add(person=pupil, kind="adopted", actor=head_teacher)
    assert conflict.value.message == FLAG_ACTIVE
    event = AuditEvent.objects.get(action="flag.added")
    assert "adopted" not in str(event.data).lower()  # trust admins can read the trail
    flag_end(flag=flag, actor=head_teacher)
    flag.refresh_from_db()
    assert flag.ended_at is not None


def test_evidence_is_judged_by_its_content_and_every_view_audited(
    pupil: Person, data_manager: Any, teacher: Any
) -> None:
    with pytest.raises(InvalidInput) as err:
        consent_evidence_upload(
            person=pupil, data=b"<html>form</html>", filename="form.pdf", actor=data_manager
        )
    assert err.value.message == EVIDENCE_TYPE
    evidence = consent_evidence_upload(
        person=pupil, data=PDF, filename="form.pdf", actor=data_manager
    )
    assert evidence.content_type == "application/pdf"
    with pytest.raises(Refused, match=re.escape(NOT_CONSENT_ADMIN)):
        consent_evidence_read(evidence=evidence, actor=teacher)
    assert consent_evidence_read(evidence=evidence, actor=data_manager) == PDF
    assert AuditEvent.objects.filter(action="consent.evidence_viewed").count() == 1


def test_an_erased_person_cannot_be_changed(pupil: Person, mum: Any) -> None:
    Person.objects.filter(pk=pupil.pk).update(erased_at=timezone.now())
    pupil.refresh_from_db()
    with pytest.raises(NotFound, match=re.escape(PERSON_ERASED)):
        grant(pupil, contact=mum)


def test_record_factory_and_service_agree_on_the_record_shape(pupil: Person, mum: Any) -> None:
    [direct] = record(pupil, Purpose.PHOTO_X, contact=mum)
    via_service = grant(pupil, Purpose.PHOTO_X, contact=mum)
    assert direct.given_by == via_service.given_by == GivenBy.CONTACT


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("legal_first_name", "Am\u200bara"),  # zero-width space
        ("preferred_first_name", "Ama\u200dra"),  # zero-width joiner
        ("last_name", "Okoye\u200f"),  # right-to-left mark
    ],
)
def test_r4_the_register_refuses_a_name_with_invisible_characters(
    school: Any, data_manager: Any, field: str, value: str
) -> None:
    names = {"legal_first_name": "Amara", "last_name": "Okoye", field: value}
    with pytest.raises(InvalidInput) as err:
        person_create(school=school, mis_id="AO1", actor=data_manager, **names)
    assert (err.value.field, err.value.message) == (field, NAME_INVISIBLE.format(field=field))
    assert not Person.objects.filter(school=school).exists()


def test_r4_a_name_change_with_a_zero_width_space_is_refused(
    school: Any, data_manager: Any
) -> None:
    person = person_create(
        school=school, legal_first_name="Amara", last_name="Okoye", actor=data_manager
    )
    message = NAME_INVISIBLE.format(field="last_name")
    with pytest.raises(InvalidInput, match=re.escape(message)) as err:
        person_update(person=person, changes={"last_name": "Oko\u200bye"}, actor=data_manager)
    assert err.value.field == "last_name"
    person.refresh_from_db()
    assert person.last_name == "Okoye"
