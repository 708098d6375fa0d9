"""A task really goes through Redis to a separate worker process and back."""

from typing import Any

import pytest

from backend.audit.models import AuditEvent
from backend.audit.tasks import audit_heartbeat

pytestmark = pytest.mark.integration


def test_a_task_round_trips_through_a_real_worker(celery_worker_process: Any) -> None:
    result = audit_heartbeat.apply_async(queue=celery_worker_process.queue, ignore_result=False)
    intact = result.get(timeout=60)
    # The worker wrote to the same database the test reads, and its answer is what it
    # recorded. (Not whether the chain is intact: the database is flushed between the
    # other tests while this worker's heartbeat thread may be writing.)
    recorded = AuditEvent.objects.get(action="audit.verified")
    assert recorded.data["intact"] is intact
