"""HTTP plumbing shared by every adapter: timeouts and transport-failure mapping.

Neither tweepy nor ``requests`` sets a timeout by default, so a stalled TCP connection
would hold a Celery worker forever. :class:`TimeoutSession` puts one on every request.

A timeout or dropped connection means different things depending on the call. If the
request may have reached the platform and it was the call that creates the post, the
post may exist: that is ``outcome_unknown``. If the connection never opened, or the call
only uploads media or reads, it is an ordinary transient failure.
"""

from __future__ import annotations

from typing import Any

import requests

from publishers.base import PublisherError

__all__ = ["DEFAULT_TIMEOUT", "Timeout", "TimeoutSession", "transport_error"]

#: (connect, read) seconds.
Timeout = tuple[float, float]

#: Connect quickly or fail; allow a slow platform 30 s to answer.
DEFAULT_TIMEOUT: Timeout = (5.0, 30.0)


class TimeoutSession(requests.Session):
    """A ``requests.Session`` that applies a default timeout to every request.

    An explicit ``timeout=`` on a call still wins, so uploads can allow longer reads.
    """

    def __init__(self, timeout: Timeout = DEFAULT_TIMEOUT) -> None:
        super().__init__()
        self.default_timeout = timeout

    def request(
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.default_timeout
        return super().request(method, url, *args, **kwargs)


def transport_error(
    platform: str, exc: requests.RequestException, *, creating: bool
) -> PublisherError:
    """Map a ``requests`` failure (no HTTP answer at all) to a :class:`PublisherError`.

    ``creating`` is true only for the one call that creates the post. The exception's own
    text is not copied into ``detail`` because it can contain the request URL.
    """
    detail = type(exc).__name__
    if isinstance(exc, requests.ConnectTimeout):
        # The connection was never established, so the platform never saw the request.
        return PublisherError.transient(platform, detail=detail)
    sent = (requests.Timeout, requests.ConnectionError, requests.exceptions.ChunkedEncodingError)
    if creating and isinstance(exc, sent):
        return PublisherError.unknown_outcome(platform, detail=detail)
    return PublisherError.transient(platform, detail=detail)
