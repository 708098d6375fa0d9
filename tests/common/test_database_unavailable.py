"""Issue 16: a database that drops its connections answers 503 with a plain message, not
500, and the next request works without restarting anything."""

from typing import Any

from django.db import OperationalError
from django.test import Client

from backend.accounts.apis import MeApi
from backend.common.middleware import DATABASE_UNAVAILABLE

DROPPED = "terminating connection due to administrator command"


def _drop_connection(*args: Any, **kwargs: Any) -> None:
    raise OperationalError(DROPPED)


def test_a_request_whose_database_connection_drops_answers_503_with_a_plain_message(
    teacher: Any, api_as: Any, monkeypatch: Any
) -> None:
    client = api_as(teacher)
    monkeypatch.setattr(MeApi, "get", _drop_connection)

    response = client.get("/api/auth/me")

    assert response.status_code == 503
    assert response.json()["detail"] == DATABASE_UNAVAILABLE
    assert response["Retry-After"]


def test_the_next_request_after_a_dropped_connection_is_answered(
    teacher: Any, api_as: Any, monkeypatch: Any
) -> None:
    client = api_as(teacher)
    with monkeypatch.context() as dropped:
        dropped.setattr(MeApi, "get", _drop_connection)
        assert client.get("/api/auth/me").status_code == 503

    response = client.get("/api/auth/me")

    assert response.status_code == 200
    assert response.json()["email"] == teacher.email


def test_a_database_lost_outside_the_view_answers_503_too(
    teacher: Any, monkeypatch: Any, settings: Any
) -> None:
    """Saving the session happens in middleware, after the view answered."""
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(teacher)
    monkeypatch.setattr(
        "django.contrib.sessions.middleware.SessionMiddleware.process_response",
        _drop_connection,
    )

    response = client.get("/api/auth/me")

    assert response.status_code == 503
    assert response.json()["detail"] == DATABASE_UNAVAILABLE


def test_other_errors_are_still_plain_server_errors(
    teacher: Any, api_as: Any, monkeypatch: Any
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a bug")

    client = api_as(teacher)
    client.raise_request_exception = False
    monkeypatch.setattr(MeApi, "get", broken)

    assert client.get("/api/auth/me").status_code == 500
