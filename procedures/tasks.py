"""Thin Celery tasks: ids in, one service call, safe to run twice (cursors and unique keys
make a repeated search or sync record nothing twice)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.schedules import crontab

from . import selectors, services


@shared_task(name="procedures.search_mentions_due", acks_late=True, time_limit=60)
def search_mentions_due() -> int:
    """Every 30 minutes: a search per school that watches for mentions."""
    school_ids = selectors.schools_watching()
    for school_id in school_ids:
        search_mentions.delay(school_id)
    return len(school_ids)


@shared_task(name="procedures.search_mentions", acks_late=True, time_limit=300, soft_time_limit=240)
def search_mentions(school_id: int) -> int:
    # The X spend is brought up to date first, so the budget check sees this month's calls.
    services.x_usage_sync(school_id=school_id)
    return services.mentions_search(school_id=school_id).new


@shared_task(name="procedures.sync_x_usage_due", acks_late=True, time_limit=60)
def sync_x_usage_due() -> int:
    """Every hour: price the X posts and reply reads of each school with an X account, so
    month-to-date spend and the budget checks see them."""
    school_ids = selectors.schools_on_x()
    for school_id in school_ids:
        sync_x_usage.delay(school_id)
    return len(school_ids)


@shared_task(name="procedures.sync_x_usage", acks_late=True, time_limit=120)
def sync_x_usage(school_id: int) -> int:
    recorded = services.x_usage_sync(school_id=school_id)
    services.x_reply_polling_pause_if_over_budget(school_id=school_id)
    return recorded


BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "procedures-search-mentions": {
        "task": "procedures.search_mentions_due",
        "schedule": crontab(minute="*/30"),
    },
    "procedures-sync-x-usage": {
        "task": "procedures.sync_x_usage_due",
        "schedule": crontab(minute=17),
    },
}
