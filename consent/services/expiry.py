"""The expiry sweep (beat): consent that ran out since the last run is ended (R17, R10)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from backend.common.actors import SYSTEM_CONSENT_EXPIRY

from ..models import FaceEnrolment, Person, SweepState
from ..selectors import biometric_decisions, decisions_for, expired_grants_between
from .consent_ends import (
    REASON_BIOMETRIC_ENDED,
    REASON_EXPIRED,
    consent_end_dispatch,
    consent_ends_requeue,
)
from .enrolment import face_enrolments_purge

EXPIRY_SWEEP = "consent.expire_due"


def consent_expiry_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Find consent that expired since the last run and end it (the `consent.expire_due`
    beat task).

    1. Grants whose last effective day is on or after the last run's day and before today
       have expired since: for each such person, if the purpose is no longer allowed,
       queue the consent-ended work (reason "expired").
    2. Safety net (R3): any enrolment whose person's biometric consent is not effective
       now is deleted, whatever the reason it was missed.
    3. Outbox: consent-ended work still owed after five minutes is queued again (R10).
    4. Remember this run. Safe to run twice, or often: an empty window does nothing.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        state = SweepState.objects.select_for_update(of=("self",)).filter(name=EXPIRY_SWEEP).first()
        start = timezone.localdate(state.last_run_at) if state else None
        expired = set(
            expired_grants_between(start=start, end=today).values_list("person_id", "purpose")
        )
        person_ids = {pid for pid, _ in expired}
        found = decisions_for(
            person_ids=person_ids, purposes=sorted({p for _, p in expired}), at=now
        )
        ended = sorted(
            pid
            for pid in person_ids
            if any(not found[pid][purpose].allowed for p, purpose in expired if p == pid)
        )
        consent_end_dispatch(person_ids=ended, reason=REASON_EXPIRED)

        enrolled = set(FaceEnrolment.objects.values_list("person_id", flat=True))
        purged = 0
        for pid, decision in biometric_decisions(person_ids=enrolled, at=now).items():
            if not decision.allowed:
                person = Person.objects.get(pk=pid)
                purged += face_enrolments_purge(
                    person=person, reason=REASON_BIOMETRIC_ENDED, actor=SYSTEM_CONSENT_EXPIRY
                )
        requeued = consent_ends_requeue()
        if state is None:
            SweepState.objects.create(name=EXPIRY_SWEEP, last_run_at=now)
        else:
            SweepState.objects.filter(pk=state.pk).update(last_run_at=now)
    return {"expired_people": len(ended), "encodings_deleted": purged, "requeued": requeued}
