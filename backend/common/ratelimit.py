"""Fixed-window counters in the shared cache (Redis, or the database in the embedded run),
so every web process sees the same counts (issue 16)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Window:
    """At most ``limit`` hits per ``seconds`` for one key (e.g. a client address)."""

    name: str
    limit: int
    seconds: int

    def _cache_key(self, key: str) -> str:
        return f"ratelimit:{self.name}:{key}:{int(time.time()) // self.seconds}"

    def is_full(self, key: str) -> bool:
        return int(cache.get(self._cache_key(key), 0)) >= self.limit

    def hit(self, key: str) -> None:
        cache_key = self._cache_key(key)
        # add() is a no-op when the counter exists. incr() is atomic in Redis; in the
        # database cache two racing hits may count once, a little slack, never a lock-out.
        cache.add(cache_key, 0, timeout=self.seconds)
        try:
            cache.incr(cache_key)
        except ValueError:  # expired between add() and incr()
            cache.set(cache_key, 1, timeout=self.seconds)
