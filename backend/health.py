"""/healthz: can work run? Database, broker, worker and beat, each reported separately;
200 when all are well, else 503 naming what is not (issue 13)."""

from typing import Any

from django.db import connection
from django.http import HttpRequest, JsonResponse

from .celery import app


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, connection.vendor
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        return False, type(exc).__name__


def _broker_ok() -> tuple[bool, str]:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            return True, conn.transport_cls if isinstance(conn.transport_cls, str) else "ok"
    except Exception as exc:  # noqa: BLE001
        return False, type(exc).__name__


def _background() -> dict[str, dict[str, Any]]:
    """Worker and beat from their heartbeats (unknown when the database is down)."""
    from backend.operations.selectors import background_status

    try:
        status = background_status()
    except Exception as exc:  # noqa: BLE001
        unknown = {"ok": False, "detail": type(exc).__name__, "last_seen": None}
        return {"worker": unknown, "beat": dict(unknown)}
    return {
        c.component: {
            "ok": c.ok,
            "detail": c.detail if c.ok else f"stopped ({c.detail or 'no heartbeat'})",
            "last_seen": c.last_seen.isoformat() if c.last_seen else None,
        }
        for c in (status.worker, status.beat)
    }


def healthz(request: HttpRequest) -> JsonResponse:
    db_ok, db_info = _database_ok()
    broker_ok, broker_info = _broker_ok()
    background = _background()
    parts = {
        "database": {"ok": db_ok, "detail": db_info},
        "broker": {"ok": broker_ok, "detail": broker_info},
        **background,
    }
    failing = [name for name, part in parts.items() if not part["ok"]]
    return JsonResponse(
        {"status": "ok" if not failing else "unhealthy", "failing": failing, **parts},
        status=200 if not failing else 503,
    )
