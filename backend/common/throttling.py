"""DRF throttles that count per real client address (``client_address``), in the shared
cache, so neither a changed ``X-Forwarded-For`` nor another worker process resets them."""

from typing import Any

from rest_framework.throttling import ScopedRateThrottle

from .client_address import client_address


class AddressScopedRateThrottle(ScopedRateThrottle):
    def get_ident(self, request: Any) -> str:
        return client_address(request)
