"""Thin Celery tasks: ids in, one service call, safe to run twice.

Retries are scheduled from the database (``next_attempt_at`` / ``next_poll_at``) and
picked up by beat, never by long countdowns, so a Redis redelivery cannot double them up
and nothing is lost when a worker dies.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from celery import shared_task, signals
from celery.schedules import crontab
from django.conf import settings

from . import services

log = logging.getLogger(__name__)


def _screener_warm_up() -> None:
    """Load the comment screener's models now, not inside the first comment's transaction:
    on SQLite that transaction holds the write lock, and a 15-second first load there
    stalled every other writer, beat's heartbeat included (found by the soak test)."""
    try:
        from moderation.screening.pipeline import screen_comment
        from moderation.screening.types import ScreeningConfig

        screen_comment("Well done to everyone at sports day!", ScreeningConfig())
    except Exception:  # only a head start; the first comment loads them anyway
        log.warning("Could not load the comment screener ahead of time", exc_info=True)


@signals.worker_ready.connect
def _start_screener_warm_up(**kwargs: Any) -> None:
    threading.Thread(target=_screener_warm_up, name="warm-up", daemon=True).start()


@shared_task(name="comments.poll_due", acks_late=True, time_limit=120, soft_time_limit=100)
def poll_due() -> int:
    """Every minute: queue a poll for each published post whose comments are due."""
    ids = services.polls_claim_due()
    for publication_id in ids:
        poll_publication.delay(publication_id)
    return len(ids)


@shared_task(name="comments.poll_publication", acks_late=True, time_limit=300, soft_time_limit=240)
def poll_publication(publication_id: int) -> int:
    return services.publication_poll(publication_id=publication_id).new


@shared_task(name="comments.apply_action", acks_late=True, time_limit=120, soft_time_limit=100)
def apply_action(action_id: int) -> str | None:
    action = services.action_apply(action_id=action_id)
    return action.platform_state if action else None


@shared_task(name="comments.retry_actions", acks_late=True, time_limit=120, soft_time_limit=100)
def retry_actions() -> int:
    """Every minute: platform calls whose back-off has run out, or whose task was lost."""
    ids = services.actions_due()
    for action_id in ids:
        apply_action.delay(action_id)
    return len(ids)


@shared_task(
    name="comments.process_webhook_event", acks_late=True, time_limit=120, soft_time_limit=100
)
def process_webhook_event(event_id: int) -> int:
    """A webhook event stored by publishers (de-duplicated there, and here by comment)."""
    return len(services.webhook_event_ingest(event_id=event_id))


@shared_task(
    name="comments.ingest_website_comment", acks_late=True, time_limit=120, soft_time_limit=100
)
def ingest_website_comment(website_comment_id: int) -> int:
    """A comment was just left on the website feed: screen it now (it stays invisible
    until a moderator approves it whatever the verdict, R11)."""
    outcome = services.website_comment_poll_now(website_comment_id=website_comment_id)
    return outcome.new if outcome else 0


def website_comment_submitted(*, website_comment_id: int) -> None:
    """publishers' ``PUBLISHERS_WEBSITE_COMMENT_HANDLERS`` hook, after the comment is
    stored: screen it now rather than at the next poll (issue 13)."""
    ingest_website_comment.delay(website_comment_id)


#: This app's periodic tasks; backend/celery.py assembles the one beat schedule from these.
BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # Poll what is due (cursors, back-off as posts age) and retry platform calls (hide,
    # delete, block) that have not gone through yet.
    "comments-poll-due": {"task": "comments.poll_due", "schedule": settings.SWEEP_SECONDS},
    "comments-retry-actions": {
        "task": "comments.retry_actions",
        "schedule": settings.SWEEP_SECONDS,
    },
    # R15: nightly, after the originals purge (moderation) has run.
    "comments-retention-purge": {
        "task": "comments.retention_purge",
        "schedule": crontab(hour=2, minute=45),
    },
}

# Issue 15: refit each school's screening from its moderators' corrections, weekly. Always
# scheduled (one schedule, R15); the task does nothing unless SCREENING_WEEKLY_REFIT is set
# (and a refit that scores worse is never installed).
BEAT_SCHEDULE["comments-screening-refit"] = {
    "task": "comments.screening_refit_due",
    "schedule": crontab(day_of_week=0, hour=3, minute=30),
}


@shared_task(name="comments.screening_refit_due", acks_late=True, time_limit=3600)
def screening_refit_due() -> dict[str, bool]:
    """Refit every school with corrections newer than its installed adaptation (when the
    weekly refit is switched on)."""
    if not settings.SCREENING_WEEKLY_REFIT:
        return {}
    from .corrections import screening_refit_due as refit_due

    return refit_due()


@shared_task(name="comments.retention_purge", acks_late=True, time_limit=1800)
def retention_purge() -> dict[str, int]:
    """Nightly (R15): evidence past the school's policy, then old comments backing none."""
    from consent.retention import SYSTEM_RETENTION

    from .services import comment_evidence_retention_purge, comments_retention_purge

    evidence = len(comment_evidence_retention_purge(actor=SYSTEM_RETENTION))
    return {"evidence": evidence, "comments": comments_retention_purge()}
