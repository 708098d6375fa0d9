from typing import Any

from celery import shared_task
from celery.schedules import crontab
from django.conf import settings

from .services import post_run_checks


@shared_task(
    name="moderation.run_checks",
    acks_late=True,
    time_limit=600,
    soft_time_limit=540,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=3,
)
def run_checks(post_id: int) -> str | None:
    run = post_run_checks(post_id=post_id)
    return run.verdict if run else None


@shared_task(name="moderation.release_post", acks_late=True, time_limit=120)
def release_post(post_id: int) -> str | None:
    from backend.common.actors import SYSTEM_RELEASE

    from .approvals import post_release

    post = post_release(post_id=post_id, actor=SYSTEM_RELEASE)
    return post.status if post else None


@shared_task(name="moderation.sweep_lost", acks_late=True, time_limit=300)
def sweep_lost() -> dict[str, int]:
    from backend.common.actors import SYSTEM_BACKGROUND

    from .recovery import posts_lost_requeue

    return posts_lost_requeue(actor=SYSTEM_BACKGROUND)


@shared_task(name="moderation.release_due", acks_late=True, time_limit=300)
def release_due() -> dict[str, int]:
    from backend.common.actors import SYSTEM_RELEASE

    from .approvals import posts_release_due

    return posts_release_due(actor=SYSTEM_RELEASE)


@shared_task(name="moderation.approval_digest", acks_late=True, time_limit=300)
def approval_digest() -> int:
    from .notifications import send_approval_digests

    return send_approval_digests()


@shared_task(name="moderation.purge_originals", acks_late=True, time_limit=1800)
def purge_originals() -> int:
    from .services import post_originals_purge

    return post_originals_purge()


#: This app's periodic tasks; backend/celery.py assembles the one beat schedule from these.
BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # Publish what is due (R9 re-check first), expire what was never approved.
    "release-due-posts": {"task": "moderation.release_due", "schedule": settings.SWEEP_SECONDS},
    # Posts whose checks or release were queued while no worker ran, or lost with one.
    "sweep-lost-posts": {"task": "moderation.sweep_lost", "schedule": settings.SWEEP_SECONDS},
    "approval-digest": {
        "task": "moderation.approval_digest",
        "schedule": crontab(hour=7, minute=30),
    },
    # R15 retention: private originals of finished posts.
    "purge-originals": {
        "task": "moderation.purge_originals",
        "schedule": crontab(hour=2, minute=15),
    },
}
