"""What Django and Axes call around sign-in: thin, each hands over to a service or
normalises one value."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .services import sign_in_failure_record


def _email_tried(credentials: dict[str, Any] | None) -> str:
    # The API sends "email"; the admin's form sends "username" (the email too).
    credentials = credentials or {}
    email = credentials.get(settings.AXES_USERNAME_FORM_FIELD) or credentials.get("username")
    return str(email or "").strip().lower()


def axes_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """The account Axes counts failures for: the email as stored (lower case), so the admin,
    the API and a trust admin's unlock all name the same account."""
    if not credentials and request is not None:
        credentials = dict(request.POST.items())
    return _email_tried(credentials)


def sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **_: Any
) -> None:
    # Django has already masked the password in `credentials`; only the email tried is read.
    sign_in_failure_record(request=request, email=_email_tried(credentials))
