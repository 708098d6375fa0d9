"""What the Facebook Page and Instagram adapters share: one Graph client per account,
deleting, paging through comments, reconciling against recent posts and token checks.

Both platforms sit on the same Graph API with the same error codes, so they differ only in
endpoints and field names; everything else lives here once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, ClassVar, Self

import requests

from publishers.base import (
    API_BASE_FIELD,
    AccountField,
    CommentPage,
    Connection,
    HealthReport,
    Publisher,
    PublisherError,
    PublishResult,
    RemoteComment,
    RemotePost,
    find_matching_post,
)
from publishers.http import DEFAULT_TIMEOUT, Timeout
from publishers.meta.graph import DEFAULT_VERSION, GRAPH_HOST, GraphClient, Params

__all__ = ["META_ACCOUNT_FIELDS", "MetaPublisher", "ignore_missing"]

#: Comments are polled for a month; after that Meta's webhooks still bring new ones.
META_POLL_MAX_AGE = timedelta(days=30)
#: The settings both Graph API adapters take after their own account id.
META_ACCOUNT_FIELDS = (
    AccountField(
        "app_id",
        "App id",
        help_text="Optional: lets the health check read the token's permissions.",
    ),
    AccountField(
        "graph_version",
        "Graph API version",
        help_text=f"Optional: leave blank for the default ({DEFAULT_VERSION}).",
    ),
    API_BASE_FIELD,
)


@contextmanager
def ignore_missing() -> Iterator[None]:
    """Treat "object does not exist" as success: hiding or deleting something that is
    already gone has achieved what was asked."""
    try:
        yield
    except PublisherError as error:
        if not error.not_found:
            raise


class MetaPublisher(Publisher):
    """Base for Graph-API publishers bound to one account id and one token.

    ``app_id`` is optional; when given, :meth:`check_health` can ask ``debug_token`` which
    permissions the token really has, which is the only reliable way with Page tokens.
    """

    #: Permissions publishing and moderation need; checked by :meth:`scope_problems`.
    required_scopes: ClassVar[frozenset[str]] = frozenset()
    #: The config field naming the account and the secret holding its token.
    account_id_field: ClassVar[str]
    token_field: ClassVar[str]
    comment_poll_max_age = META_POLL_MAX_AGE
    api_hosts = (GRAPH_HOST,)

    @classmethod
    def connect(cls, connection: Connection, **options: Any) -> Self:
        config = connection.config
        return cls(
            str(config[cls.account_id_field]),
            connection.secrets[cls.token_field],
            connection.secrets["app_secret"],
            app_id=str(config.get("app_id") or "") or None,
            graph_version=str(config.get("graph_version") or DEFAULT_VERSION),
            session=connection.session,
            **options,
        )

    def __init__(
        self,
        account_id: str,
        access_token: str,
        app_secret: str,
        *,
        app_id: str | None = None,
        graph_version: str = DEFAULT_VERSION,
        timeout: Timeout = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
    ) -> None:
        self.account_id = account_id
        self.app_id = app_id
        self.graph = GraphClient(
            access_token,
            app_secret,
            platform=self.platform,
            version=graph_version,
            timeout=timeout,
            session=session,
        )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(account_id={self.account_id!r}, version={self.graph.version!r})"
        )

    # ------------------------------------------------------------------ shared operations

    def delete(self, external_id: str) -> None:
        self.graph.delete(external_id)

    def delete_comment(self, comment_id: str) -> None:
        self.graph.delete(comment_id)

    def read_comments(
        self,
        path: str,
        params: Params,
        cursor: str | None,
        parse: Callable[[dict[str, Any]], Iterable[RemoteComment]],
    ) -> CommentPage:
        """Read one page of a Graph comments edge, continuing from ``cursor`` (``after``).

        The returned cursor is the ``after`` cursor of the next page, or ``None`` when this
        was the last one (Graph omits ``paging.next`` on the last page).
        """
        query = dict(params)
        if cursor:
            query["after"] = cursor
        body = self.graph.get(path, query)
        comments = [
            c for item in body.get("data") or [] if isinstance(item, dict) for c in parse(item)
        ]
        paging = body.get("paging") or {}
        after = (paging.get("cursors") or {}).get("after")
        has_more = bool(paging.get("next")) and bool(after)
        return CommentPage(comments=comments, cursor=after if has_more else None, has_more=has_more)

    def reconcile(
        self,
        text: str,
        since: datetime,
        listing_path: str,
        params: Params,
        to_post: Callable[[dict[str, Any]], RemotePost | None],
    ) -> PublishResult | None:
        """Find the post with this text among the account's recent posts, if it exists."""
        body = self.graph.get(listing_path, params)
        posts = [
            post
            for item in body.get("data") or []
            if isinstance(item, dict) and (post := to_post(item)) is not None
        ]
        found = find_matching_post(text, posts, since=since)
        return PublishResult(found.external_id, found.url) if found else None

    def check_health(self) -> HealthReport:
        """Token valid, right account, right permissions; every failure becomes a sentence."""
        try:
            problems = self.account_problems() + self.scope_problems()
        except PublisherError as error:
            problems = [error.message]
        return HealthReport(ok=not problems, problems=problems)

    def account_problems(self) -> list[str]:
        """Platform-specific checks (overridden); raising PublisherError is fine."""
        return []

    def scope_problems(self) -> list[str]:
        """Ask ``debug_token`` whether the token is valid and has every required scope.

        Returns sentences for staff; empty when all is well or when no ``app_id`` is set.
        """
        if not self.app_id:
            return []
        info = self.graph.debug_token(self.app_id)
        if info.get("is_valid") is False:
            return [PublisherError.reconnect(self.platform).message]
        granted = {str(s) for s in info.get("scopes") or []}
        missing = sorted(self.required_scopes - granted)
        if not missing:
            return []
        return [
            f"The {self.platform} connection is missing permissions it needs "
            f"({', '.join(missing)}). An administrator should reconnect {self.platform} "
            f"and allow everything it asks for."
        ]
