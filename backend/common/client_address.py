"""The address a request really came from, for throttles and the sign-in lock-out.

``X-Forwarded-For`` is believed only when the connection comes from a proxy named in
``TRUSTED_PROXIES`` (addresses or CIDR ranges): anyone else could write any address there
and so reset every per-address limit by changing a header (issue 16).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN_ADDRESS = "0.0.0.0"


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[IpNetwork, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    return any(address in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, unless that is a trusted proxy; then the
    right-most ``X-Forwarded-For`` entry that is not itself a trusted proxy (entries to its
    left were written by the client and prove nothing)."""
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return UNKNOWN_ADDRESS
    if not _is_trusted(remote):
        return str(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed(forwarded.split(",")):
        address = _parse(hop)
        if address is None:
            # A hop a trusted proxy would never write: stop at the last address we trust.
            break
        if not _is_trusted(address):
            return str(address)
        remote = address
    return str(remote)
