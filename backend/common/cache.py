"""The shared cache when Redis may go away (issue 16).

The cache holds counters only: the sign-in throttle and the website comment limits
(backend/common/ratelimit.py, throttling.py). Nothing in it is a record of work or of a
decision, so losing it loses nothing. With Redis unreachable, a request must not answer
500 because a counter could not be read: :class:`FallbackRedisCache` then counts in this
process's memory for a short while and tries Redis again. That is the documented safe
failure (docs/reliability.md): limits still hold, per process instead of across processes,
for as long as Redis is away; the lock-out after failed sign-ins lives in the database
(django-axes) and holds exactly.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

#: After Redis failed, use the local counters this long before trying Redis again, so a
#: request does not pay a connection attempt each time while it is down.
RETRY_AFTER_SECONDS = 5.0


class FallbackRedisCache(RedisCache):
    """Django's Redis cache that falls back to process-local memory while Redis is down."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._local = LocMemCache(f"redis-fallback-{id(self)}", {})
        self._down_until = 0.0

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() < self._down_until:
            return getattr(self._local, method)(*args, **kwargs)
        try:
            return getattr(super(), method)(*args, **kwargs)
        except (RedisError, OSError) as exc:
            log.warning("Shared cache unreachable (%s): counting in this process for now.", exc)
            self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            return getattr(self._local, method)(*args, **kwargs)


def _falls_back(method: str) -> Callable[..., Any]:
    def call(self: FallbackRedisCache, *args: Any, **kwargs: Any) -> Any:
        return self._call(method, *args, **kwargs)

    call.__name__ = call.__qualname__ = method
    return call


#: The methods of Django's Redis cache that reach Redis (decr, get_or_set... use these).
REDIS_METHODS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
)
for _method in REDIS_METHODS:
    setattr(FallbackRedisCache, _method, _falls_back(_method))
