"""Handing work to Celery after a commit, without ever failing the request that committed
(issue 16).

The state in the database is the record of the work to do: a submitted post waits for its
checks, an approved post for its release, a queued publication for its publish task, a
``ConsentEnd`` row for its handlers, a comment for screening, a ``Notification`` row for
its email. The message sent after commit is only the fast path; when it is lost (the broker
is down, the process dies between the commit and the send) a beat sweep finds the state
past its deadline and sends it again (docs/reliability.md lists them). So a broker that
refuses is logged and the request still answers: its change is already committed and will
be acted on.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import partial
from typing import Any

from django.db import transaction
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

#: What a broker that is down, unreachable or slow raises when a message is sent: Kombu
#: wraps most transport errors in OperationalError; sockets raise OSError (timeouts too);
#: redis-py's own errors can escape Kombu's wrapper on connect.
BROKER_ERRORS: tuple[type[BaseException], ...] = (OperationalError, OSError, RedisError)


def send_after_commit(task: Any, *args: Any, countdown: float | None = None, **kwargs: Any) -> None:
    """Queue ``task(*args, **kwargs)`` once the current transaction commits (at once
    outside one). Never raises because of the broker: see :func:`send_now`."""
    transaction.on_commit(partial(send_now, task, args, kwargs, countdown=countdown))


def send_now(
    task: Any,
    args: Sequence[Any] = (),
    kwargs: dict[str, Any] | None = None,
    *,
    countdown: float | None = None,
) -> bool:
    """Send one message; False (logged, not raised) when the broker refuses, because the
    work is already recorded in the database and its sweep sends it again."""
    kwargs = kwargs or {}
    try:
        if countdown and countdown > 0:
            task.apply_async(args=list(args), kwargs=kwargs, countdown=countdown)
        else:
            task.delay(*args, **kwargs)  # ``delay``: tests stand in for it to lose a message
    except BROKER_ERRORS as exc:
        log.warning("Could not queue %s%s (%s); its sweep sends it again.", task.name, args, exc)
        return False
    return True
