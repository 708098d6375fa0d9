"""Work queued with ``transaction.on_commit`` (tasks, notifications, file clean-up) runs
only when a transaction commits. Tests run inside one transaction that never commits, so
that work does not run unless a test asks for it: with pytest-django's
``django_capture_on_commit_callbacks(execute=True)`` fixture in a test, or ``committed()``
in a helper that has no fixtures (Celery tasks run eagerly in test settings)."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.test import TestCase


def committed() -> AbstractContextManager[list[Callable[[], Any]]]:
    """Run the on-commit work queued inside the block when the block ends, as a commit
    would (work queued in a savepoint that rolled back is dropped, as Django drops it)."""
    return TestCase.captureOnCommitCallbacks(execute=True)


# The API has no request-wide transaction: a service's work commits, and its queued work
# runs (tasks are eager in test settings), before the view renders its answer. A test that
# reads that answer needs real commits, as in production.
commits_for_real = pytest.mark.django_db(transaction=True)
