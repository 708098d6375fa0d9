"""Work queued with ``transaction.on_commit`` (tasks, notifications, file clean-up) runs
only when a transaction commits. Tests run inside one transaction that never commits, so
that work does not run unless a test asks for it: with pytest-django's
``django_capture_on_commit_callbacks(execute=True)`` fixture in a test, or ``committed()``
in a helper that has no fixtures (Celery tasks run eagerly in test settings). Do not nest
one capture inside another: the outer one runs the inner one's work again."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.test import TestCase


def committed() -> AbstractContextManager[list[Callable[[], Any]]]:
    """Run the on-commit work queued inside the block when the block ends, as a commit
    would (work queued in a savepoint that rolled back is dropped, as Django drops it)."""
    return TestCase.captureOnCommitCallbacks(execute=True)


# Outside tests nothing wraps a service call in a longer transaction (no ATOMIC_REQUESTS):
# its work commits, and the work it queued runs (eagerly in test settings), before the
# service or the view answers. A test that reads that answer needs real commits.
commits_for_real = pytest.mark.django_db(transaction=True)
