"""Where mentions of a school are searched: Bluesky's public search (free, no key) and X
recent search (paid; only where the school turns it on). Each returns plain ``Found``
posts; screening, alerts and storage happen in services.

HTTP contracts:

* Bluesky ``GET /xrpc/app.bsky.feed.searchPosts?q=&limit=&sort=latest&since=`` (limit 1-100)
  answers ``{"posts": [postView], "cursor"?, "hitsTotal"?}``; a postView has ``uri``
  (``at://<did>/app.bsky.feed.post/<rkey>``), ``author {did, handle}``,
  ``record {text, createdAt}`` and ``indexedAt``.
* X ``GET /2/tweets/search/recent?query=&max_results=&since_id=`` (max_results 10-100) with
  a bearer token answers ``{"data": [{id, text, author_id, created_at}], "includes":
  {"users": [{id, username}]}, "meta": {"newest_id", "result_count"}}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests
from django.conf import settings
from django.utils.dateparse import parse_datetime

TIMEOUT = (5, 20)
USER_AGENT = "school-post-queue/mentions"


class SourceError(Exception):
    """A search could not be made (network, refusal, bad answer); tried again next run."""


@dataclass(frozen=True)
class Found:
    external_id: str
    url: str
    author_handle: str
    author_id: str
    text: str
    posted_at: datetime | None


@dataclass(frozen=True)
class SearchPage:
    found: list[Found]
    cursor: str  # what the next run passes back (newest time or id seen)


def _get(url: str, *, params: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    try:
        response = requests.get(
            url, params=params, headers={"User-Agent": USER_AGENT, **headers}, timeout=TIMEOUT
        )
    except requests.RequestException as exc:
        raise SourceError(f"could not reach {url}: {exc}") from exc
    if response.status_code != 200:
        raise SourceError(f"{url} answered {response.status_code}: {response.text[:200]}")
    try:
        body = response.json()
    except ValueError as exc:
        raise SourceError(f"{url} did not answer JSON") from exc
    if not isinstance(body, dict):
        raise SourceError(f"{url} answered an unexpected shape")
    return body


def _bluesky_url(uri: str, handle: str) -> str:
    rkey = uri.rsplit("/", 1)[-1]
    return f"https://bsky.app/profile/{handle}/post/{rkey}"


def bluesky_search(term: str, *, since: str = "", limit: int | None = None) -> SearchPage:
    """Posts on Bluesky matching ``term``, newest first, posted at or after ``since``."""
    params: dict[str, Any] = {
        "q": term,
        "sort": "latest",
        "limit": max(1, min(100, limit or settings.MENTION_SEARCH_LIMIT)),
    }
    if since:
        params["since"] = since
    body = _get(settings.BLUESKY_SEARCH_URL, params=params, headers={})
    found = []
    for post in body.get("posts") or []:
        author, record = post.get("author") or {}, post.get("record") or {}
        uri = str(post.get("uri") or "")
        if not uri:
            continue
        handle = str(author.get("handle") or "")
        found.append(
            Found(
                external_id=uri,
                url=_bluesky_url(uri, handle),
                author_handle=handle,
                author_id=str(author.get("did") or ""),
                text=str(record.get("text") or ""),
                posted_at=parse_datetime(str(record.get("createdAt") or "")),
            )
        )
    times = [f.posted_at for f in found if f.posted_at is not None]
    return SearchPage(found=found, cursor=max(times).isoformat() if times else since)


def x_search(term: str, *, since_id: str = "", limit: int | None = None) -> SearchPage:
    """Recent posts on X matching ``term`` (each result is a paid read)."""
    if not settings.X_SEARCH_BEARER_TOKEN:
        raise SourceError("X search needs X_SEARCH_BEARER_TOKEN.")
    params: dict[str, Any] = {
        "query": f'"{term}" -is:retweet',
        "max_results": max(10, min(100, limit or settings.MENTION_SEARCH_LIMIT)),
        "tweet.fields": "created_at,author_id",
        "expansions": "author_id",
        "user.fields": "username",
    }
    if since_id:
        params["since_id"] = since_id
    body = _get(
        settings.X_SEARCH_URL,
        params=params,
        headers={"Authorization": f"Bearer {settings.X_SEARCH_BEARER_TOKEN}"},
    )
    users = {
        str(u.get("id")): str(u.get("username") or "")
        for u in (body.get("includes") or {}).get("users") or []
    }
    found = []
    for tweet in body.get("data") or []:
        author_id = str(tweet.get("author_id") or "")
        handle = users.get(author_id, "")
        found.append(
            Found(
                external_id=str(tweet["id"]),
                url=f"https://x.com/{handle or 'i'}/status/{tweet['id']}",
                author_handle=handle,
                author_id=author_id,
                text=str(tweet.get("text") or ""),
                posted_at=parse_datetime(str(tweet.get("created_at") or "")),
            )
        )
    newest = str((body.get("meta") or {}).get("newest_id") or since_id)
    return SearchPage(found=found, cursor=newest)
