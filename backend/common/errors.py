"""Domain errors raised by services, and the one place that maps them to HTTP.

Services raise these with a plain-English message (module constants, so tests can assert
them) and, where bad input is the cause, the name of the field.
"""

from rest_framework import status


class DomainError(Exception):
    status_code: int = status.HTTP_400_BAD_REQUEST
    code: str = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class InvalidInput(DomainError):
    """The request is understood but its content breaks a rule (400)."""


class Refused(DomainError):
    """The actor may not do this (403)."""

    status_code = status.HTTP_403_FORBIDDEN
    code = "refused"


class NotFound(DomainError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"


class Conflict(DomainError):
    """The thing is not in a state that allows this (409): e.g. already approved."""

    status_code = status.HTTP_409_CONFLICT
    code = "conflict"


class RateLimited(DomainError):
    """Too many requests of this kind from this client, or to this thing, for now (429)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    code = "rate_limited"
