from celery import shared_task

from .services import post_run_checks


@shared_task(name="moderation.run_checks", acks_late=True, time_limit=600, soft_time_limit=540,
             autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def run_checks(post_id: int) -> str | None:
    run = post_run_checks(post_id=post_id)
    return run.verdict if run else None
