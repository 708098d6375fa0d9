"""The database gone away is a 503 with a plain message, not a 500 (issue 16).

When PostgreSQL drops connections (a restart, a failover, ``pg_terminate_backend``) the
request that was using one fails with ``OperationalError`` or ``InterfaceError``. A
transaction cut off this way is rolled back by the server, so the answer tells the person
to try again (services are safe to repeat, issue 16 item 2). Django throws the broken
connection away at the end of the request and the next one opens a fresh connection
(``CONN_HEALTH_CHECKS``), so the app recovers by itself without a restart.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

log = logging.getLogger(__name__)

DATABASE_UNAVAILABLE = (
    "The database is not answering just now, so this request could not be completed. "
    "Please try again in a minute."
)
DATABASE_ERRORS = (OperationalError, InterfaceError)
#: Seconds a client is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30


def database_unavailable_response() -> JsonResponse:
    response = JsonResponse(
        {"detail": DATABASE_UNAVAILABLE, "code": "database_unavailable"}, status=503
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _unavailable(request: HttpRequest, exc: BaseException) -> HttpResponse:
    log.warning("Database unavailable for %s %s: %s", request.method, request.path, exc)
    return database_unavailable_response()


class DatabaseUnavailableMiddleware:
    """A lost database connection in a view (DRF's included) answers 503 JSON."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, DATABASE_ERRORS):
            return _unavailable(request, exc)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: an error outside the view (a middleware reading the session or the
    user) is turned into a response here; a lost database is still a 503."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_ERRORS):
        return _unavailable(request, exc)
    return defaults.server_error(request)
