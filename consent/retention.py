"""R15 retention of the register's biometric data by the school's policy, and the policy
itself (`RetentionPolicy`, read by other apps through `consent.selectors`).

Kept beside services.py rather than in it (as moderation splits approvals.py off): these
are the nightly purge and its settings, with a dry-run report, not a user's use case.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from backend.accounts.models import School
from backend.audit.services import audit_record
from backend.common.actors import OPERATOR, Actor, SystemActor, actor_user, require_role
from backend.common.errors import InvalidInput, Refused

from .models import (
    MAX_EVIDENCE_DAYS,
    MAX_LEAVER_ENCODINGS_DAYS,
    MIN_EVIDENCE_DAYS,
    FaceEnrolment,
    Person,
    RetentionPolicy,
)
from .selectors import RETENTION_ROLES, RetentionItem, retention_terms_for_schools
from .services import face_enrolments_purge

# The nightly retention tasks (consent.retention_purge, comments.retention_purge).
SYSTEM_RETENTION = SystemActor("system:retention_purge")

NOT_RETENTION_ADMIN = "Only a trust administrator or the DSL can change the retention policy."
LEAVER_DAYS_RANGE = (
    f"Keep face enrolments of leavers for 0 to {MAX_LEAVER_ENCODINGS_DAYS} days after they leave."
)
EVIDENCE_DAYS_RANGE = (
    f"Keep comment evidence for {MIN_EVIDENCE_DAYS} to {MAX_EVIDENCE_DAYS} days after capture."
)
NOT_A_RETENTION_SWEEP = "Retention purges are run by the nightly task or the operator's command."
REASON_RETENTION = "retention_policy"
# Who may run a purge: the nightly task and the operator at the shell (never a web user).
RETENTION_SWEEPERS = frozenset({SYSTEM_RETENTION, *OPERATOR})


def retention_policy_set(
    *,
    school: School,
    actor: Actor,
    leaver_encodings_days: int | None = None,
    evidence_days: int | None = None,
) -> RetentionPolicy:
    """Change a school's retention policy (R15): trust admin or DSL, values within the
    bounds (out of range is a 400 naming the field), audited with old and new values."""
    require_role(
        actor=actor,
        school=school,
        roles=RETENTION_ROLES,
        message=NOT_RETENTION_ADMIN,
        system=OPERATOR,
    )
    if leaver_encodings_days is not None and not (
        0 <= leaver_encodings_days <= MAX_LEAVER_ENCODINGS_DAYS
    ):
        raise InvalidInput(LEAVER_DAYS_RANGE, field="leaver_encodings_days")
    if evidence_days is not None and not (MIN_EVIDENCE_DAYS <= evidence_days <= MAX_EVIDENCE_DAYS):
        raise InvalidInput(EVIDENCE_DAYS_RANGE, field="evidence_days")
    with transaction.atomic():
        policy, _ = RetentionPolicy.objects.select_for_update(of=("self",)).get_or_create(
            school=school
        )
        changes: dict[str, list[int]] = {}
        for name, value in (
            ("leaver_encodings_days", leaver_encodings_days),
            ("evidence_days", evidence_days),
        ):
            if value is not None and getattr(policy, name) != value:
                changes[name] = [getattr(policy, name), value]
                setattr(policy, name, value)
        if changes:
            policy.updated_by = actor_user(actor)
            policy.updated_at = timezone.now()
            policy.save()
            audit_record(
                action="retention.policy_changed",
                actor=actor,
                school=school,
                target=policy,
                data={"changes": changes},
            )
    return policy


def leaver_enrolments_due(*, now: datetime.datetime | None = None) -> list[RetentionItem]:
    """Face enrolments of people who left longer ago than their school's policy allows
    (no leaving date recorded counts as left today)."""
    today = timezone.localdate(now or timezone.now())
    enrolments = list(
        FaceEnrolment.objects.filter(person__on_roll=False)
        .select_related("person")
        .order_by("person__school_id", "person_id", "id")
    )
    terms = retention_terms_for_schools(school_ids={e.person.school_id for e in enrolments})
    due = []
    for enrolment in enrolments:
        person = enrolment.person
        left_on = person.left_on or today
        days = terms[person.school_id].leaver_encodings_days
        if left_on + datetime.timedelta(days=days) <= today:
            due.append(
                RetentionItem(
                    school_id=person.school_id,
                    kind="face enrolment",
                    object_id=enrolment.pk,
                    why=f"person #{person.pk} left on {left_on.isoformat()}; policy: {days}"
                    " days after leaving",
                )
            )
    return due


def leaver_encodings_purge(
    *, actor: SystemActor, now: datetime.datetime | None = None, dry_run: bool = False
) -> list[RetentionItem]:
    """R15 (the `consent.retention_purge` task, nightly): delete the face enrolments of
    leavers past their school's policy. Independent of the consent derivation, so it holds
    even if the consent-ended work missed someone. ``dry_run``: report, delete nothing."""
    if actor not in RETENTION_SWEEPERS:
        raise Refused(NOT_A_RETENTION_SWEEP)
    due = leaver_enrolments_due(now=now)
    if dry_run:
        return due
    ids = {item.object_id for item in due}
    person_ids = set(FaceEnrolment.objects.filter(pk__in=ids).values_list("person_id", flat=True))
    for person in Person.objects.filter(pk__in=person_ids).order_by("pk"):
        face_enrolments_purge(person=person, reason=REASON_RETENTION, actor=actor)
    return due
