"""Database faults as Django raises them, for tests of what survives them."""

from __future__ import annotations

from django.db import OperationalError


class FakePgError(Exception):
    """Stands in for the driver's error: psycopg 3 names the SQLSTATE `sqlstate`."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"SQLSTATE {sqlstate}")
        self.sqlstate = sqlstate


def database_error(sqlstate: str) -> OperationalError:
    """What Django raises: its OperationalError, caused by the driver's."""
    error = OperationalError("deadlock detected")
    error.__cause__ = FakePgError(sqlstate)
    return error
