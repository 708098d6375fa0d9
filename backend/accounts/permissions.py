"""Request-level gates shared by every API: signed in, second factor where the role needs
it, and (for endpoints that create or change posts) an enrolled device (R7)."""

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from backend.common.errors import Refused

from .selectors import user_needs_two_factor
from .services import device_authenticate

TWO_FACTOR_NEEDED = (
    "Your role needs two-factor sign-in. Set up an authenticator at /api/auth/totp/setup "
    "and sign in again with a one-time code."
)
DEVICE_HEADER = "HTTP_X_DEVICE_TOKEN"


class IsVerifiedMember(BasePermission):
    """Signed in; and if any of the user's roles needs 2FA, this session passed it."""

    message = "Sign in first."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if user_needs_two_factor(user=user) and not user.is_verified():  # type: ignore[union-attr,attr-defined]
            raise Refused(TWO_FACTOR_NEEDED, code="two_factor_required")
        return True


class IsSignedIn(BasePermission):
    """Signed in, second factor not yet required (only for setting up the second factor)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated)


class FromEnrolledDevice(BasePermission):
    """Attach `request.device` or refuse with a clear 403 before the view stores anything."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        request.device = device_authenticate(token=request.META.get(DEVICE_HEADER))  # type: ignore[attr-defined]
        return True
