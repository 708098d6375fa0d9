"""Typed request for views behind login (mypy: request.user is our User)."""

from typing import TYPE_CHECKING

from rest_framework.request import Request

if TYPE_CHECKING:
    from backend.accounts.models import Device, User

    class AuthedRequest(Request):
        user: User  # type: ignore[assignment]
        device: Device
else:
    AuthedRequest = Request
