"""Hole 12 (issue 11): consent services take a required actor. A person needs the role;
a system actor passes only where the service lists it, and is named in the audit log."""

from __future__ import annotations

from typing import Any

import pytest

from backend.audit.models import AuditEvent
from backend.common.actors import SYSTEM_CONSENT_ENDED, SYSTEM_HEALTH_CHECK, SYSTEM_SHELL
from backend.common.errors import Refused
from consent.models import FaceEnrolment, FlagKind, GivenBy, Method, Person, Purpose
from consent.services import (
    NOT_CONSENT_ADMIN,
    NOT_SENSITIVE_ROLE,
    consent_evidence_read,
    consent_evidence_upload,
    consent_withdraw,
    flag_add,
    person_create,
)
from tests.consent.factories import enrolment, record

PDF = b"%PDF-1.4\n% signed form\n"


def test_r10_encodings_deleted_when_consent_ends_name_the_consent_ended_task(
    pupil: Person, mum: Any, data_manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    record(pupil, Purpose.BIOMETRIC, contact=mum, evidence_reference="Signed form on file")
    enrolment(pupil)
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(
            person=pupil,
            purposes=[Purpose.BIOMETRIC],
            given_by=GivenBy.CONTACT,
            contact=mum,
            method=Method.PAPER_FORM,
            actor=data_manager,
        )
    assert not FaceEnrolment.objects.filter(person=pupil).exists()
    withdrawn = AuditEvent.objects.get(action="consent.recorded")
    assert withdrawn.actor == data_manager
    deleted = AuditEvent.objects.get(action="biometric.enrolments_deleted")
    assert deleted.actor is None and deleted.actor_label == SYSTEM_CONSENT_ENDED.name


def test_r15_no_system_actor_reads_consent_evidence(pupil: Person, data_manager: Any) -> None:
    evidence = consent_evidence_upload(
        person=pupil, data=PDF, filename="form.pdf", actor=data_manager
    )
    with pytest.raises(Refused) as err:
        # mypy refuses this call too (consent_evidence_read takes a User); this is the
        # run-time guard.
        consent_evidence_read(evidence=evidence, actor=SYSTEM_SHELL)  # type: ignore[arg-type]
    assert err.value.message == NOT_CONSENT_ADMIN
    assert not AuditEvent.objects.filter(action="consent.evidence_viewed").exists()


def test_r16_no_system_actor_adds_a_safeguarding_flag(pupil: Person) -> None:
    with pytest.raises(Refused) as err:
        flag_add(
            person=pupil,
            kind=FlagKind.LOOKED_AFTER,
            actor=SYSTEM_SHELL,  # type: ignore[arg-type]
        )
    assert err.value.message == NOT_SENSITIVE_ROLE
    assert not pupil.flags.exists()


def test_hole12_a_system_actor_the_service_does_not_list_is_refused(school: Any) -> None:
    with pytest.raises(Refused) as err:
        person_create(
            school=school, legal_first_name="Ada", last_name="Byron", actor=SYSTEM_HEALTH_CHECK
        )
    assert err.value.message == NOT_CONSENT_ADMIN
    assert not Person.objects.exists()


def test_r14_the_operator_at_the_shell_is_named_in_the_audit_log(school: Any) -> None:
    person = person_create(
        school=school, legal_first_name="Ada", last_name="Byron", actor=SYSTEM_SHELL
    )
    event = AuditEvent.objects.get(action="person.created", target_id=str(person.pk))
    assert event.actor is None and event.actor_label == "system:shell"
