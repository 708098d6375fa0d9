"""When someone's consent ends: an outbox row, a task after commit, the handlers.

Whenever someone's consent for anything ends (withdrawal, refusal, a pupil's objection,
expiry, leaving, a safeguarding flag, erasure), the service that ended it calls
`consent_end_dispatch` in its transaction: `consent_end_record` writes a ConsentEnd row
(the outbox) and `consent.consent_ended` is queued after commit. That task runs
`consent_end_handlers_run`: encodings deleted if biometric consent ended (R10, R3), then
every handler registered in `consent.handlers` (the takedown, R10). The expiry sweep
re-queues rows still owed (`consent_ends_requeue`), so a lost message loses nothing.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone

from backend.accounts.models import School
from backend.audit.services import audit_record
from backend.common.actors import SYSTEM_CONSENT_ENDED
from backend.common.dispatch import send_after_commit

from ..handlers import ConsentEndedHandler, consent_ended_handler_name, consent_ended_handlers
from ..models import ConsentEnd, FaceEnrolment
from ..selectors import allowed_purposes, biometric_decisions
from .enrolment import face_enrolments_purge

# Reasons passed to the consent-ended handlers.
REASON_WITHDRAWN = "withdrawn"
REASON_REFUSED = "refused"
REASON_OBJECTION = "objection"
REASON_EXPIRED = "expired"
REASON_LEFT = "left"
REASON_DO_NOT_PUBLISH = "do_not_publish"
REASON_ERASED = "erased"
REASON_CHANGED = "consent_changed"
REASON_BIOMETRIC_ENDED = "biometric_consent_ended"

logger = logging.getLogger(__name__)


def consent_end_record(*, person_ids: Iterable[int], reason: str) -> list[ConsentEnd]:
    """Write the outbox rows for people whose consent just ended (caller's transaction)."""
    ids = sorted(set(person_ids))
    if not ids:
        return []
    ends = ConsentEnd.objects.bulk_create([ConsentEnd(person_id=pid, reason=reason) for pid in ids])
    if ends and ends[0].pk is None:  # a database that cannot return bulk-insert ids
        ends = list(ConsentEnd.objects.filter(person_id__in=ids, reason=reason, processed_at=None))
    return ends


def consent_end_dispatch(*, person_ids: Iterable[int], reason: str) -> None:
    """Record that consent ended (outbox, same transaction) and, after commit, queue the
    work: encodings, takedown handlers. If the broker is down at commit, the beat sweep
    picks the rows up again; nothing is lost."""
    ends = consent_end_record(person_ids=person_ids, reason=reason)
    if ends:
        _consent_end_tasks_queue([e.pk for e in ends])


def _consent_end_tasks_queue(end_ids: list[int]) -> None:
    # consent.tasks imports the services (tasks are thin wrappers), so import it at call time.
    from consent.tasks import consent_ended

    # A broker that refuses is logged; the outbox row stays and the expiry sweep re-queues it.
    send_after_commit(consent_ended, end_ids=end_ids)


def consent_end_dispatch_if_ended(
    *, before: dict[int, set[str]], reason: str, always: Iterable[int] = ()
) -> list[int]:
    """Dispatch the consent-ended work for everyone who lost a purpose since `before`
    (from allowed_purposes), and for `always`; returns their ids."""
    after = allowed_purposes(person_ids=before)
    ended = [pid for pid in before if before[pid] - after.get(pid, set())]
    ended = sorted(set(ended) | set(always))
    consent_end_dispatch(person_ids=ended, reason=reason)
    return ended


def consent_end_handlers_run(*, end_ids: Sequence[int]) -> dict[str, int]:
    """The work owed after someone's consent ended (the `consent.consent_ended` task).

    For each outbox row not yet done:
    1. R3/R10: delete the person's face encodings if their biometric consent is no longer
       effective (checked now, so a re-run or a late task does the right thing).
    2. R10: call every handler registered in `consent.handlers` with
       (person_id=..., reason=...): the takedown. Every handler is called even if one
       fails; a row is marked done (and audited) only when all succeeded, else its attempt
       is counted and the first error raised so the task retries.
    Safe to run twice: handlers must be idempotent (they are told again on a retry).
    """
    ends = list(
        ConsentEnd.objects.filter(pk__in=list(end_ids), processed_at__isnull=True)
        .select_related("person")
        .order_by("id")
    )
    deleted = _enrolments_purge_where_biometric_ended(ends)
    handlers = consent_ended_handlers()
    errors: list[BaseException] = []
    done = 0
    for end in ends:
        failures = _handlers_call(end, handlers)
        if failures:
            ConsentEnd.objects.filter(pk=end.pk).update(
                attempts=end.attempts + 1, last_error=failures[0][0]
            )
            errors += [error for _, error in failures]
            continue
        with transaction.atomic():
            claimed = ConsentEnd.objects.filter(pk=end.pk, processed_at__isnull=True).update(
                processed_at=timezone.now(), attempts=end.attempts + 1, last_error=""
            )
            if claimed:
                done += 1
                audit_record(
                    action="consent.ended",
                    school=School(pk=end.person.school_id),
                    target=end.person,
                    data={"reason": end.reason, "handlers": len(handlers)},
                )
    if errors:
        raise errors[0]
    return {"ends": done, "encodings_deleted": deleted}


def _enrolments_purge_where_biometric_ended(ends: Sequence[ConsentEnd]) -> int:
    """R3/R10: delete the enrolments of these people whose biometric consent has ended."""
    people = {e.person_id: e.person for e in ends}
    enrolled = set(
        FaceEnrolment.objects.filter(person_id__in=list(people)).values_list("person_id", flat=True)
    )
    if not enrolled:
        return 0
    deleted = 0
    decisions = biometric_decisions(person_ids=enrolled)
    for pid in sorted(enrolled):
        if not decisions[pid].allowed:
            reason = next(e.reason for e in ends if e.person_id == pid)
            deleted += face_enrolments_purge(
                person=people[pid], reason=reason, actor=SYSTEM_CONSENT_ENDED
            )
    return deleted


def _handlers_call(
    end: ConsentEnd, handlers: Sequence[ConsentEndedHandler]
) -> list[tuple[str, BaseException]]:
    """Call every handler for one consent end; (message, error) for each that failed."""
    failures: list[tuple[str, BaseException]] = []
    for handler in handlers:
        try:
            handler(person_id=end.person_id, reason=end.reason)
        except Exception as exc:  # every handler must get its turn
            name = consent_ended_handler_name(handler)
            logger.exception("Consent-ended handler %s failed for %s", name, end)
            failures.append((f"{name}: {exc}"[:300], exc))
    return failures


def consent_ends_requeue(*, older_than: datetime.timedelta = datetime.timedelta(minutes=5)) -> int:
    """Queue again any consent-ended work still owed after `older_than` (lost message,
    broker down at commit, a handler failing): R10's "within minutes" holds anyway."""
    stale = list(
        ConsentEnd.objects.filter(
            processed_at__isnull=True, created_at__lt=timezone.now() - older_than
        ).values_list("id", flat=True)[:1000]
    )
    if stale:
        _consent_end_tasks_queue(stale)
    return len(stale)
