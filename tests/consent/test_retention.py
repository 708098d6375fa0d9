"""R15: face enrolments of leavers follow the school's retention policy (consent.retention),
purged nightly by `consent.retention_purge`, with a dry-run report; the policy itself."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from backend.audit.models import AuditEvent
from backend.common.actors import SYSTEM_SHELL
from backend.common.errors import InvalidInput, Refused
from consent.models import DEFAULT_EVIDENCE_DAYS, FaceEnrolment, Person
from consent.retention import (
    EVIDENCE_DAYS_RANGE,
    LEAVER_DAYS_RANGE,
    NOT_A_RETENTION_SWEEP,
    NOT_RETENTION_ADMIN,
    leaver_encodings_purge,
    retention_policy_set,
)
from consent.selectors import retention_terms_for
from consent.tasks import retention_purge
from tests.consent.factories import enrolment


def _left(person: Person, days_ago: int) -> Person:
    """Marked left directly, as an old import or a lost consent-ended task would leave it:
    the enrolment is still there."""
    Person.objects.filter(pk=person.pk).update(
        on_roll=False, left_on=timezone.localdate() - datetime.timedelta(days=days_ago)
    )
    person.refresh_from_db()
    return person


def test_r15_a_leavers_surviving_enrolment_is_purged_by_the_nightly_task(pupil: Person) -> None:
    kept_pupil_enrolment = enrolment(Person.objects.create(school=pupil.school, mis_id="STAY"))
    enrolment(_left(pupil, days_ago=1))

    assert retention_purge.delay().get() == 1

    assert not FaceEnrolment.objects.filter(person=pupil).exists()
    assert FaceEnrolment.objects.filter(pk=kept_pupil_enrolment.pk).exists()
    event = AuditEvent.objects.get(action="biometric.enrolments_deleted", target_id=str(pupil.pk))
    assert event.data["reason"] == "retention_policy"
    assert event.actor_label == "system:retention_purge"


def test_r15_a_leavers_enrolment_is_kept_while_the_school_policy_allows(
    pupil: Person, trust_admin: Any
) -> None:
    retention_policy_set(school=pupil.school, actor=trust_admin, leaver_encodings_days=7)
    enrolment(_left(pupil, days_ago=3))
    assert retention_purge.delay().get() == 0
    assert FaceEnrolment.objects.filter(person=pupil).exists()

    _left(pupil, days_ago=7)
    assert retention_purge.delay().get() == 1
    assert not FaceEnrolment.objects.filter(person=pupil).exists()


def test_r15_the_dry_run_reports_the_leavers_enrolments_and_deletes_nothing(
    pupil: Person, capsys: Any
) -> None:
    kept = enrolment(_left(pupil, days_ago=2))
    call_command("retention_purge", "--dry-run")
    out = capsys.readouterr().out
    assert "dry run: nothing is deleted" in out
    assert "Face enrolments of leavers (would delete): 1" in out
    assert f"face enrolment #{kept.pk} (person #{pupil.pk} left on" in out
    assert FaceEnrolment.objects.filter(pk=kept.pk).exists()
    assert not AuditEvent.objects.filter(action="biometric.enrolments_deleted").exists()


def test_r15_the_purge_without_dry_run_deletes_what_the_report_listed(
    pupil: Person, capsys: Any
) -> None:
    enrolment(_left(pupil, days_ago=2))
    call_command("retention_purge")
    assert "Face enrolments of leavers (deleted): 1" in capsys.readouterr().out
    assert not FaceEnrolment.objects.filter(person=pupil).exists()


def test_r15_a_web_user_cannot_run_the_purge(pupil: Person, trust_admin: Any) -> None:
    enrolment(_left(pupil, days_ago=2))
    with pytest.raises(Refused, match=NOT_A_RETENTION_SWEEP):
        leaver_encodings_purge(actor=trust_admin)  # type: ignore[arg-type]
    assert FaceEnrolment.objects.filter(person=pupil).exists()


def test_r15_a_school_without_a_policy_gets_the_safe_defaults(school: Any) -> None:
    terms = retention_terms_for(school=school)
    assert terms.leaver_encodings_days == 0
    assert terms.evidence_days == DEFAULT_EVIDENCE_DAYS == 6 * 365


def test_r15_the_dsl_sets_the_policy_and_it_is_audited(school: Any, safeguarding_lead: Any) -> None:
    retention_policy_set(school=school, actor=safeguarding_lead, evidence_days=7 * 365)
    assert retention_terms_for(school=school).evidence_days == 7 * 365
    event = AuditEvent.objects.get(action="retention.policy_changed")
    assert event.data == {"changes": {"evidence_days": [DEFAULT_EVIDENCE_DAYS, 7 * 365]}}


def test_r15_a_teacher_cannot_change_the_policy(school: Any, teacher: Any) -> None:
    with pytest.raises(Refused, match=NOT_RETENTION_ADMIN):
        retention_policy_set(school=school, actor=teacher, evidence_days=400)
    assert retention_terms_for(school=school).evidence_days == DEFAULT_EVIDENCE_DAYS


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"evidence_days": 30}, "evidence_days", EVIDENCE_DAYS_RANGE),
        ({"leaver_encodings_days": 31}, "leaver_encodings_days", LEAVER_DAYS_RANGE),
        ({"leaver_encodings_days": -1}, "leaver_encodings_days", LEAVER_DAYS_RANGE),
    ],
)
def test_r15_a_policy_out_of_bounds_is_refused_naming_the_field(
    school: Any, trust_admin: Any, changes: dict[str, int], field: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        retention_policy_set(school=school, actor=trust_admin, **changes)
    assert refused.value.field == field and refused.value.message == message
    assert not AuditEvent.objects.filter(action="retention.policy_changed").exists()


def test_r15_the_operator_reads_and_sets_the_policy_from_the_shell(
    school: Any, capsys: Any
) -> None:
    call_command("retention_policy", "--school", school.slug, "--evidence-days", "2555")
    assert "comment evidence kept 2555 days" in capsys.readouterr().out
    event = AuditEvent.objects.get(action="retention.policy_changed")
    assert event.actor_label == SYSTEM_SHELL.name
