"""A small typed client for Meta's Graph API (Facebook Pages and Instagram) on ``requests``.

Why not an SDK: python-facebook-api only knows versions up to v24 and sleeps inside calls by
default; facebook-sdk is unmaintained. The Graph API is plain HTTPS with form posts, so a
thin client that pins the version, signs every call with ``appsecret_proof``, sets explicit
timeouts and turns Meta's error codes into :class:`PublisherError` is easier to trust.

The access token travels in the ``Authorization`` header rather than the URL, so it does not
appear in proxy or ``urllib3`` debug logs, nor in paging links. (The one exception is
``debug_token``, whose API takes the inspected token as a query parameter.)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests

from publishers.base import PublisherError
from publishers.http import DEFAULT_TIMEOUT, Timeout, TimeoutSession, transport_error

__all__ = [
    "DEFAULT_VERSION",
    "GRAPH_HOST",
    "GraphClient",
    "appsecret_proof",
    "graph_error",
    "parse_graph_time",
]

log = logging.getLogger(__name__)

GRAPH_HOST = "https://graph.facebook.com"
#: Supported until 2028-07; pin it in configuration and move deliberately.
DEFAULT_VERSION = "v25.0"

#: Used for rate limits when Meta does not say how long to wait.
DEFAULT_RATE_LIMIT_WAIT = 600.0
#: Code 341 ("feed action request limit reached") lasts hours, not minutes.
FEED_LIMIT_WAIT = 2 * 3600.0
#: Instagram's 100-posts-per-24-hours limit (subcode 2207042) frees up gradually.
IG_PUBLISH_LIMIT_WAIT = 3600.0

_RECONNECT_CODES = {102, 190}
_RATE_LIMIT_CODES = {4, 17, 32, 613, *range(80001, 80015)}
_PERMISSION_CODES = {10, *range(200, 300)}
_TRANSIENT_CODES = {1, 2, 9007}  # 9007: Instagram media not ready yet

#: Query or form parameters of one Graph call.
Params = Mapping[str, str | int | float | bool]


def appsecret_proof(access_token: str, app_secret: str) -> str:
    """HMAC-SHA256 of the token keyed with the app secret, as Meta requires on server calls;
    with "Require app secret" switched on, a stolen token is useless without the secret."""
    return hmac.new(app_secret.encode(), access_token.encode(), hashlib.sha256).hexdigest()


def parse_graph_time(value: Any) -> datetime | None:
    """Parse Graph timestamps: ISO strings like ``2024-05-01T10:00:00+0000`` or unix ints."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=UTC)
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --------------------------------------------------------------------------- errors


def _wait_from_headers(headers: Mapping[str, str]) -> float | None:
    """How long Meta asks us to back off, from ``Retry-After`` or the business-use-case
    usage header's ``estimated_time_to_regain_access`` (minutes)."""
    retry_after = headers.get("Retry-After")
    if retry_after and retry_after.strip().isdigit():
        return float(retry_after.strip())
    usage = headers.get("X-Business-Use-Case-Usage")
    if usage:
        try:
            parsed = json.loads(usage)
        except ValueError:
            parsed = None
        minutes = [
            entry.get("estimated_time_to_regain_access", 0)
            for entries in (parsed.values() if isinstance(parsed, dict) else [])
            if isinstance(entries, list)
            for entry in entries
            if isinstance(entry, dict)
        ]
        longest = max((m for m in minutes if isinstance(m, (int, float))), default=0)
        if longest > 0:
            return float(longest) * 60
    return None


def graph_error(
    status: int,
    payload: Any,
    headers: Mapping[str, str],
    *,
    platform: str,
    creating: bool = False,
) -> PublisherError:
    """Turn a failed Graph answer into a :class:`PublisherError`, per the research table.

    ``creating`` marks the call that makes the post public (``/feed``, a published
    ``/photos`` or ``/media_publish``): an unexpected or duplicate error there may hide a
    success, so it becomes ``outcome_unknown`` instead of a plain retry. The rules are asked
    in order, the first that knows the error answers.
    """
    error = payload.get("error") if isinstance(payload, dict) else None
    if not isinstance(error, dict):
        return _error_without_body(status, headers, platform=platform, creating=creating)
    code = error.get("code")
    subcode = error.get("error_subcode")
    failure = _GraphFailure(
        status=status,
        code=code,
        subcode=subcode,
        error=error,
        headers=headers,
        platform=platform,
        creating=creating,
        detail=(
            f"HTTP {status} code={code} subcode={subcode} type={error.get('type')} "
            f"fbtrace_id={error.get('fbtrace_id')}: {error.get('message')}"
        ),
    )
    for rule in (_gone_or_reconnect, _limit_reached, _refused_by_policy):
        found = rule(failure)
        if found is not None:
            return found
    return _transient_or_rejected(failure)


def _error_without_body(
    status: int, headers: Mapping[str, str], *, platform: str, creating: bool
) -> PublisherError:
    """A failure whose body is no Graph error: judged by the HTTP status alone."""
    detail = f"HTTP {status} without a Graph error body"
    if status == 404:
        return PublisherError.missing(platform, detail=detail)
    if status == 429:
        wait = _wait_from_headers(headers) or DEFAULT_RATE_LIMIT_WAIT
        return PublisherError.rate_limited(platform, wait, detail=detail)
    if status >= 500:
        if creating:
            return PublisherError.unknown_outcome(platform, detail=detail)
        return PublisherError.transient(platform, detail=detail)
    return PublisherError.rejected(platform, detail=detail)


@dataclass(frozen=True)
class _GraphFailure:
    """A failed Graph answer with an error body, as the rules below read it."""

    status: int
    code: Any
    subcode: Any
    error: dict[str, Any]
    headers: Mapping[str, str]
    platform: str
    creating: bool
    detail: str


def _gone_or_reconnect(failure: _GraphFailure) -> PublisherError | None:
    """The token no longer works, or the object is gone."""
    code, platform, detail = failure.code, failure.platform, failure.detail
    if code in _RECONNECT_CODES:
        return PublisherError.reconnect(platform, detail=detail)
    if (code == 100 and failure.subcode == 33) or code == 803 or failure.status == 404:
        return PublisherError.missing(platform, detail=detail)
    return None


def _limit_reached(failure: _GraphFailure) -> PublisherError | None:
    """A daily, rate or posting limit: retried after the wait it calls for."""
    code, platform, detail = failure.code, failure.platform, failure.detail
    if failure.subcode == 2207042:
        return PublisherError(
            "Instagram allows 100 posts a day from apps and that limit has been reached. "
            "We will try again later.",
            retry_after=IG_PUBLISH_LIMIT_WAIT,
            platform=platform,
            detail=detail,
        )
    if code in _RATE_LIMIT_CODES or failure.status == 429:
        wait = _wait_from_headers(failure.headers) or DEFAULT_RATE_LIMIT_WAIT
        return PublisherError.rate_limited(platform, wait, detail=detail)
    if code == 341:
        return PublisherError(
            f"{platform} says this account has posted too much recently. We will try again "
            "in a couple of hours.",
            retry_after=FEED_LIMIT_WAIT,
            platform=platform,
            detail=detail,
        )
    return None


def _refused_by_policy(failure: _GraphFailure) -> PublisherError | None:
    """The platform's policy, a duplicate post, or a permission the app lacks."""
    code, platform, detail = failure.code, failure.platform, failure.detail
    if code == 368:
        return PublisherError(
            f"{platform} has temporarily blocked this account from doing this because of its "
            f"policies. An administrator should check the account's notifications in "
            f"{platform} before anything else is posted.",
            permanent=True,
            platform=platform,
            detail=detail,
        )
    if code == 506:
        if failure.creating:
            return PublisherError.unknown_outcome(platform, detail=detail)
        return PublisherError.rejected(
            platform, "It matches a post that is already published.", detail=detail
        )
    if code in _PERMISSION_CODES:
        return PublisherError(
            f"{platform} says this app is not allowed to do that. An administrator may need "
            f"to reconnect the account and grant every permission it asks for.",
            permanent=True,
            platform=platform,
            detail=detail,
        )
    return None


def _transient_or_rejected(failure: _GraphFailure) -> PublisherError:
    """The rest: retried if Graph says it may pass, otherwise rejected with its own words."""
    platform, detail = failure.platform, failure.detail
    transient = failure.code in _TRANSIENT_CODES or failure.error.get("is_transient") is True
    if transient or failure.status >= 500:
        if failure.creating:
            return PublisherError.unknown_outcome(platform, detail=detail)
        return PublisherError.transient(platform, detail=detail)
    user_text = failure.error.get("error_user_msg")
    return PublisherError.rejected(platform, str(user_text) if user_text else None, detail=detail)


# --------------------------------------------------------------------------- the client


class GraphClient:
    """One access token (a Page token, or the Page token behind an Instagram account)
    talking to one pinned Graph API version.

    Every call adds ``appsecret_proof`` and a timeout. Paths are relative to the version,
    e.g. ``client.get("123/feed")``.
    """

    def __init__(
        self,
        access_token: str,
        app_secret: str,
        *,
        platform: str = "Facebook",
        version: str = DEFAULT_VERSION,
        timeout: Timeout = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
        host: str = GRAPH_HOST,
    ) -> None:
        self._access_token = access_token
        self._app_secret = app_secret
        self.platform = platform
        self.version = version
        self.host = host.rstrip("/")
        self.session = session if session is not None else TimeoutSession(timeout)

    def __repr__(self) -> str:
        return f"GraphClient(platform={self.platform!r}, version={self.version!r})"

    def url(self, path: str) -> str:
        return f"{self.host}/{self.version}/{path.lstrip('/')}"

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        data: Params | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        creating: bool = False,
        timeout: Timeout | None = None,
        access_token: str | None = None,
    ) -> dict[str, Any]:
        """Make one call and return its JSON object, or raise :class:`PublisherError`.

        ``appsecret_proof`` goes in the form body of POSTs and in the query otherwise.
        """
        token = access_token if access_token is not None else self._access_token
        proof = {"appsecret_proof": appsecret_proof(token, self._app_secret)}
        query = {**(params or {})}
        body: dict[str, Any] | None = None
        if method == "POST":
            body = {**(data or {}), **proof}
        else:
            query.update(proof)
        try:
            response = self.session.request(
                method,
                self.url(path),
                params=query or None,
                data=body,
                files=files,
                headers={"Authorization": f"Bearer {token}"},
                timeout=timeout,
            )
        except requests.RequestException as exc:
            raise transport_error(self.platform, exc, creating=creating) from exc
        try:
            payload: Any = response.json() if response.content else {}
        except ValueError:
            payload = None
        if not response.ok or (isinstance(payload, dict) and "error" in payload):
            raise graph_error(
                response.status_code,
                payload,
                response.headers,
                platform=self.platform,
                creating=creating,
            )
        if not isinstance(payload, dict):
            if creating:
                raise PublisherError.unknown_outcome(self.platform, detail="non-JSON answer")
            raise PublisherError.transient(self.platform, detail="non-JSON answer")
        return payload

    def get(self, path: str, params: Params | None = None) -> dict[str, Any]:
        return self.request("GET", path, params=params)

    def post(
        self,
        path: str,
        data: Params | None = None,
        *,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        creating: bool = False,
        timeout: Timeout | None = None,
    ) -> dict[str, Any]:
        return self.request(
            "POST", path, data=data, files=files, creating=creating, timeout=timeout
        )

    def delete(self, path: str, *, missing_ok: bool = True) -> None:
        """DELETE an object; with ``missing_ok`` an object already gone counts as deleted."""
        try:
            self.request("DELETE", path)
        except PublisherError as error:
            if not (missing_ok and error.not_found):
                raise

    def debug_token(self, app_id: str) -> dict[str, Any]:
        """``GET /debug_token`` for our own token, authorised with the app token
        (``app_id|app_secret``); tells validity, type and granted scopes."""
        app_token = f"{app_id}|{self._app_secret}"
        body = self.request(
            "GET",
            "debug_token",
            params={"input_token": self._access_token},
            access_token=app_token,
        )
        data = body.get("data")
        return data if isinstance(data, dict) else {}
