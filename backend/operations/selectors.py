"""Is background work running? Read by /healthz and by the leaders' banner (issue 13)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from .models import Heartbeat
from .services import heartbeat_stale_after


@dataclass(frozen=True)
class ComponentStatus:
    component: str
    ok: bool
    last_seen: datetime | None
    detail: str


@dataclass(frozen=True)
class BackgroundStatus:
    worker: ComponentStatus
    beat: ComponentStatus

    @property
    def ok(self) -> bool:
        return self.worker.ok and self.beat.ok

    @property
    def stopped_since(self) -> datetime | None:
        """When work stopped running: the oldest last sign of a stopped part."""
        stopped = [c.last_seen for c in (self.worker, self.beat) if not c.ok and c.last_seen]
        return min(stopped) if stopped else None


def tasks_run_inline() -> bool:
    """Tests (and a deployment that chose it) run tasks inside the request: no worker."""
    return bool(settings.CELERY_TASK_ALWAYS_EAGER)


def background_status(*, now: datetime | None = None) -> BackgroundStatus:
    if tasks_run_inline():
        inline = "tasks run inside each request"
        return BackgroundStatus(
            worker=ComponentStatus("worker", True, None, inline),
            beat=ComponentStatus("beat", True, None, inline),
        )
    now = now or timezone.now()
    beats = {b.component: b for b in Heartbeat.objects.all()}
    stale = heartbeat_stale_after()

    def status(component: str) -> ComponentStatus:
        beat = beats.get(component)
        if beat is None:
            return ComponentStatus(component, False, None, "never seen")
        return ComponentStatus(
            component, now - beat.last_seen <= stale, beat.last_seen, beat.detail
        )

    return BackgroundStatus(worker=status("worker"), beat=status("beat"))
