"""Work queued while no worker could run is found and run when one returns (issue 13): a
leader approves while the broker is unreachable (no worker can run), the approval answers
200 all the same, and once the broker and a worker with beat are back, the sweep publishes
the post. Nothing is left to hope."""

from pathlib import Path
from typing import Any

import pytest

from moderation.models import Post
from tests.background import WorkerWithBeat, require_services, wait_for
from tests.integration.faults import FAST_SWEEPS, approve, oakfield_staff
from tests.moderation.factories import submitted

pytestmark = pytest.mark.integration


def test_a_post_approved_while_no_worker_ran_is_published_once_a_worker_returns(
    transactional_db: None, settings: Any, tmp_path: Path
) -> None:
    require_services()
    from backend.celery import app

    oakfield = oakfield_staff()
    post = submitted(
        oakfield.teacher, oakfield.tablet, text="Well done to the choir", channels=("website",)
    )
    assert post.status == Post.Status.AWAITING_APPROVAL, post.status_reason

    worker = WorkerWithBeat(tmp_path=tmp_path, heartbeat_seconds=5, media_root=settings.MEDIA_ROOT)
    worker.env.update(FAST_SWEEPS)  # the sweeps' deadlines in seconds, not minutes
    saved = (app.conf.task_always_eager, app.conf.broker_url)
    # No worker, and not even a broker to leave a message in.
    app.conf.update(task_always_eager=False, broker_url="redis://127.0.0.1:1/0")
    try:
        response = approve(oakfield.on_tablet(oakfield.head), post)
        assert response.status_code == 200, response.content
        post.refresh_from_db()
        assert post.status != Post.Status.PUBLISHED

        worker.start()  # the broker and a worker are back
        published = wait_for(
            lambda: Post.objects.get(pk=post.pk).status == Post.Status.PUBLISHED,
            timeout=240,
            step=2,
        )
        assert published, (Post.objects.get(pk=post.pk).status, worker.log())
    finally:
        worker.stop()
        app.conf.update(task_always_eager=saved[0], broker_url=saved[1])
