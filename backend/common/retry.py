"""Retry a whole transaction once when PostgreSQL aborts it to break a deadlock or a
serialization conflict (issue 16 item 2).

Both errors mean the database rolled everything back and the same work, run again, will
most likely succeed: the other transaction has finished by then. One retry is enough to
turn the rare collision into a success; a second failure is a real problem and is raised.

Only safe on a function whose body is one transaction and which has no side effects
outside it (on-commit hooks are dropped with the rollback). Inside a caller's transaction
it never retries: the outer transaction is already broken and only its owner can retry.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import OperationalError, transaction

logger = logging.getLogger(__name__)

# PostgreSQL SQLSTATEs: deadlock_detected and serialization_failure.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})

P = ParamSpec("P")
R = TypeVar("R")


def is_retryable_conflict(error: BaseException) -> bool:
    """Whether `error` (a Django OperationalError) was caused by a deadlock or a
    serialization failure. psycopg 3 names the code `sqlstate`, psycopg 2 `pgcode`."""
    cause = error.__cause__ or error
    code = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    return code in RETRYABLE_SQLSTATES


def retry_on_deadlock(func: Callable[P, R]) -> Callable[P, R]:
    """Run `func`; if the database aborted its transaction with a deadlock or a
    serialization failure, run it once more. Any other error, or a second failure, is
    raised unchanged."""

    name = getattr(func, "__qualname__", repr(func))

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if transaction.get_connection().in_atomic_block:
            return func(*args, **kwargs)
        try:
            return func(*args, **kwargs)
        except OperationalError as error:
            if not is_retryable_conflict(error):
                raise
            logger.warning("retrying %s after a database conflict: %s", name, error)
        return func(*args, **kwargs)

    return wrapper
