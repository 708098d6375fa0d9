"""Issue 16: with Redis unreachable, the counters behind the sign-in throttle and the
website comment limits are kept in the process for a while; a request never answers 500
because the shared cache is down, and the limits still hold."""

from typing import Any

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient

from backend.common.cache import FallbackRedisCache
from backend.common.ratelimit import Window

#: Nothing listens on port 1: every Redis call is refused at once.
REDIS_DOWN = {
    "default": {
        "BACKEND": "backend.common.cache.FallbackRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


@pytest.fixture
def redis_down(settings: Any) -> FallbackRedisCache:
    settings.CACHES = REDIS_DOWN
    cache = caches["default"]
    assert isinstance(cache, FallbackRedisCache)
    return cache


def test_counting_goes_on_in_the_process_while_redis_is_down(
    redis_down: FallbackRedisCache,
) -> None:
    redis_down.add("hits", 0, timeout=60)
    redis_down.incr("hits")
    redis_down.incr("hits")

    assert redis_down.get("hits") == 2


def test_a_limit_still_holds_while_redis_is_down(redis_down: FallbackRedisCache) -> None:
    window = Window(name="test", limit=2, seconds=60)
    window.hit("198.51.100.7")
    window.hit("198.51.100.7")

    assert window.is_full("198.51.100.7")


def test_signing_in_while_redis_is_down_is_answered_not_a_server_error(
    redis_down: FallbackRedisCache, teacher: Any
) -> None:
    response = APIClient().post(
        "/api/auth/login",
        {"email": teacher.email, "password": "not the password"},
        format="json",
    )

    assert response.status_code in (400, 401, 403), response.content
