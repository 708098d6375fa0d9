"""retry_on_deadlock: one retry after a deadlock or serialization failure, never more,
and never for any other error (issue 16 item 2)."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from backend.common.retry import retry_on_deadlock
from tests.common.faults import database_error


class Flaky:
    """A transaction body that fails with `errors` in turn, then answers "done"."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "done"


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
def test_it_retries_once_after_a_deadlock_or_serialization_failure(sqlstate: str) -> None:
    body = Flaky(database_error(sqlstate))
    assert retry_on_deadlock(body)() == "done"
    assert body.calls == 2


def test_it_raises_when_the_retry_fails_too() -> None:
    body = Flaky(database_error("40P01"), database_error("40P01"))
    with pytest.raises(OperationalError):
        retry_on_deadlock(body)()
    assert body.calls == 2


def test_it_does_not_retry_other_database_errors() -> None:
    body = Flaky(database_error("08006"))  # connection failure: not a conflict
    with pytest.raises(OperationalError):
        retry_on_deadlock(body)()
    assert body.calls == 1


@pytest.mark.django_db
def test_it_does_not_retry_inside_a_callers_transaction() -> None:
    # The test's own transaction is open: the outer transaction is broken, only its owner
    # can run it again.
    body = Flaky(database_error("40P01"))
    with pytest.raises(OperationalError):
        retry_on_deadlock(body)()
    assert body.calls == 1
