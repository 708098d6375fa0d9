"""Posts whose next step was lost (issue 13, R22): queued while no worker ran, or whose
message died with a worker. Found by the sweep (``moderation.sweep_lost``, every minute)
and queued again; every task it queues is safe to run twice.

Publishing has its own sweeps (``moderation.release_due``: approved posts that are due;
``publishers.recover_stuck``: queued and stuck publications, and released posts whose
publications were never created; ``comments.poll_due``: comments, website ones included);
this covers the rest: posts waiting for their checks, and posts approved to go out at once
(``release_due`` only looks at posts with a time). The deadlines are settings
(SWEEP_CHECKS_LOST_AFTER_SECONDS, SWEEP_RELEASE_LOST_AFTER_SECONDS; docs/reliability.md).
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from backend.common.actors import SystemActor
from backend.common.dispatch import send_now
from backend.common.errors import Refused

from .models import Post

log = logging.getLogger(__name__)

SYSTEM_ONLY = "Only the background sweep queues lost work again."


def checks_lost_after() -> timedelta:
    """A post submitted or checking this long is taken as lost (checks take a while on a
    busy worker)."""
    return timedelta(seconds=float(settings.SWEEP_CHECKS_LOST_AFTER_SECONDS))


def release_lost_after() -> timedelta:
    """An approved post (no time) this long is taken as lost (a release takes a moment)."""
    return timedelta(seconds=float(settings.SWEEP_RELEASE_LOST_AFTER_SECONDS))


def posts_lost_requeue(
    *, actor: SystemActor, now: datetime | None = None, limit: int = 50
) -> dict[str, int]:
    """Queue again the checks of posts stuck in submitted/checking and the release of
    posts stuck in approved (with no time). Each post found is stamped, so it is looked
    at again only after another waiting period."""
    if not isinstance(actor, SystemActor):
        raise Refused(SYSTEM_ONLY)
    from .tasks import release_post, run_checks

    now = now or timezone.now()
    counts = {"checks": 0, "releases": 0}
    approved = Post.objects.filter(
        status=Post.Status.APPROVED,
        scheduled_at__isnull=True,
        updated_at__lte=now - release_lost_after(),
    ).order_by("updated_at")
    for post_id in list(approved.values_list("id", flat=True)[:limit]):
        Post.objects.filter(pk=post_id).update(updated_at=now)  # next look in a minute
        send_now(release_post, [post_id])  # post_release is safe to run twice
        counts["releases"] += 1
    waiting = Post.objects.filter(
        status__in=[Post.Status.SUBMITTED, Post.Status.CHECKING],
        updated_at__lte=now - checks_lost_after(),
    ).order_by("updated_at")
    for post_id in list(waiting.values_list("id", flat=True)[:limit]):
        Post.objects.filter(pk=post_id).update(updated_at=now)  # next look after the deadline
        send_now(run_checks, [post_id])
        counts["checks"] += 1
    if any(counts.values()):
        log.warning("Lost work queued again: %s", counts)
    return counts
