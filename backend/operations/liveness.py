"""Heartbeats from the worker and beat processes (issue 13), hung on Celery's signals.

- Every worker process starts a thread that writes the ``worker`` heartbeat every
  HEARTBEAT_SECONDS until the worker shuts down (a killed worker simply stops writing).
  A thread, not only a task, so a long task on the single embedded worker does not make
  it look dead; the ``operations.heartbeat`` task proves that messages are consumed too.
- Beat writes the ``beat`` heartbeat when it starts and each time it sends
  ``operations.heartbeat`` (every HEARTBEAT_SECONDS).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from typing import Any

from celery import signals
from django.db import close_old_connections, connection

from backend.common.actors import SYSTEM_BACKGROUND

log = logging.getLogger(__name__)

HEARTBEAT_TASK = "operations.heartbeat"
_stop = threading.Event()


def identity(kind: str) -> str:
    return f"{kind} {socket.gethostname()} pid {os.getpid()}"


def beat_now(component: str) -> None:
    """Write one heartbeat; never let a failure here stop the caller."""
    from .services import heartbeat_record

    try:
        close_old_connections()
        heartbeat_record(actor=SYSTEM_BACKGROUND, component=component, detail=identity(component))
    except Exception:
        log.warning("Could not record the %s heartbeat", component, exc_info=True)


def _worker_heartbeats() -> None:
    from .services import heartbeat_period

    try:
        while not _stop.is_set():
            beat_now("worker")
            _stop.wait(heartbeat_period())
    finally:
        connection.close()


@signals.worker_ready.connect
def _start_worker_heartbeats(**kwargs: Any) -> None:
    _stop.clear()
    threading.Thread(target=_worker_heartbeats, name="heartbeat", daemon=True).start()


@signals.worker_shutting_down.connect
def _stop_worker_heartbeats(**kwargs: Any) -> None:
    _stop.set()


@signals.beat_init.connect
def _beat_started(**kwargs: Any) -> None:
    beat_now("beat")


@signals.before_task_publish.connect
def _beat_sent_heartbeat(sender: str | None = None, **kwargs: Any) -> None:
    # Only beat sends this task (it takes no arguments and nothing else queues it).
    if sender == HEARTBEAT_TASK:
        beat_now("beat")
