"""The ``publishers.recover_stuck`` sweep: nothing a dead worker or a lost message left
behind stays stuck, and nothing is ever posted twice because of it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from moderation import interface

from ..models import Publication, Takedown, WebhookEvent
from . import common
from .publishing import publication_reconcile, publications_start

P = Publication.State


def publications_recover(
    *, now: datetime | None = None, older_than: timedelta | None = None, limit: int = 20
) -> dict[str, int]:
    """The beat sweep (``publishers.recover_stuck``), safe to run any time, any number of
    times:

    1. Attempts stuck in ``attempting`` longer than ``older_than`` (a killed worker):
       reconcile them -- never re-post.
    2. Queued publications whose retry time passed (lost message, or a wait longer than
       a broker countdown): queue them again.
    3. Deletions of confirmed takedowns that are due: queue them again.
    4. Webhook events still unprocessed a while after they arrived: queue them again.
    5. Posts still ``publishing`` whose publications have all settled: settle them.
    6. Posts ``publishing`` with no publication at all, a grace period after they were
       released (the release committed, the process died before the rows were written):
       start them; ``publications_start`` is safe to repeat.
    """
    now = now or timezone.now()
    older_than = common.stuck_after() if older_than is None else older_than
    return {
        "reconciled": _reconcile_stuck(now=now, older_than=older_than, limit=limit),
        "requeued": _requeue_overdue(now=now, limit=limit * 5),
        "deletes": _requeue_deletes(now=now, limit=limit * 5),
        "webhook_events": _requeue_webhook_events(now=now, limit=limit * 5),
        "settled": _settle_forgotten_posts(),
        "started": _start_forgotten_posts(now=now, limit=limit * 5),
    }


def _reconcile_stuck(*, now: datetime, older_than: timedelta, limit: int) -> int:
    stuck = Publication.objects.filter(state=P.ATTEMPTING, claimed_at__lte=now - older_than)
    pub_ids = list(stuck.order_by("claimed_at").values_list("id", flat=True)[:limit])
    for pub_id in pub_ids:
        publication_reconcile(publication_id=pub_id)
    return len(pub_ids)


def _requeue_overdue(*, now: datetime, limit: int) -> int:
    grace = common.requeue_grace()
    overdue = Publication.objects.filter(state=P.QUEUED).filter(
        Q(next_attempt_at__lte=now - grace)
        | Q(next_attempt_at__isnull=True, updated_at__lte=now - grace)
    )
    pub_ids = list(overdue.values_list("id", flat=True)[:limit])
    for pub_id in pub_ids:
        with transaction.atomic():
            Publication.objects.filter(pk=pub_id, state=P.QUEUED).update(
                next_attempt_at=now + grace
            )
            common.queue_task("publish", pub_id)
    return len(pub_ids)


def _requeue_deletes(*, now: datetime, limit: int) -> int:
    grace = common.requeue_grace()
    deletions = (
        Publication.objects.filter(post__takedown__state=Takedown.State.CONFIRMED)
        .exclude(state=P.TAKEN_DOWN)
        .filter(
            Q(next_attempt_at__lte=now)
            | Q(next_attempt_at__isnull=True, updated_at__lte=now - grace)
        )
    )
    pub_ids = list(deletions.values_list("id", flat=True)[:limit])
    for pub_id in pub_ids:
        with transaction.atomic():
            Publication.objects.filter(pk=pub_id).update(next_attempt_at=now + grace)
            common.queue_task("delete_publication", pub_id)
    return len(pub_ids)


def _requeue_webhook_events(*, now: datetime, limit: int) -> int:
    """Webhook events whose processing message was lost (broker down when they arrived)."""
    grace = common.requeue_grace()
    unprocessed = WebhookEvent.objects.filter(
        processed_at__isnull=True, received_at__lte=now - grace
    )
    event_ids = list(unprocessed.values_list("id", flat=True)[:limit])
    for event_id in event_ids:
        common.queue_task("process_webhook_event", event_id)
    return len(event_ids)


def _settle_forgotten_posts() -> int:
    """Posts moderation still calls ``publishing`` although none of their publications is
    in flight (the settle message was lost): settle them now."""
    publishing = Publication.objects.filter(post_id__in=interface.post_ids_publishing())
    in_flight = publishing.filter(state__in=list(Publication.IN_FLIGHT)).values("post_id")
    post_ids = set(publishing.exclude(post_id__in=in_flight).values_list("post_id", flat=True))
    for post_id in post_ids:
        common.publications_settle(post_id=post_id)
    return len(post_ids)


def _start_forgotten_posts(*, now: datetime, limit: int) -> int:
    """Released posts whose publications were never created (issue 16)."""
    post_ids = interface.post_ids_publishing(released_before=now - common.requeue_grace())
    with_rows = set(
        Publication.objects.filter(post_id__in=post_ids).values_list("post_id", flat=True)
    )
    forgotten = sorted(post_ids - with_rows)[:limit]
    for post_id in forgotten:
        publications_start(post_id=post_id)
    return len(forgotten)
