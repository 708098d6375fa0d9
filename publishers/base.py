"""The one interface every social-media adapter implements, and its data types.

Workers and views only ever talk to :class:`Publisher`; the X, Facebook and Instagram
adapters hide their platform's quirks behind it. Everything that goes wrong is raised as
one exception type, :class:`PublisherError`, whose flags tell the caller what to do next
(retry later, ask a person to reconnect, reconcile before anything else, or give up),
so the caller never needs to know a platform's error codes.

Each publisher class also declares what the rest of the product needs to know about its
channel (kind, label, comment actions, how long comments are polled, the fields that connect
an account, how to build itself from a stored account); ``publishers.registry`` collects
them, so adding a channel means writing one class and registering it.

The module is pure Python: no Django, no HTTP. Error *factories* live here too so that the
three adapters word the same situation the same way for the staff who read the messages.
"""

from __future__ import annotations

import abc
import html
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Literal, get_args

__all__ = [
    "ACCOUNT_FIELD_INPUT_TYPES",
    "API_BASE_FIELD",
    "COMMENT_ACTIONS",
    "AccountField",
    "AccountSpec",
    "CommentPage",
    "Connection",
    "HealthReport",
    "MediaItem",
    "PublishRequest",
    "PublishResult",
    "Publisher",
    "PublisherError",
    "RemoteComment",
    "RemotePost",
    "find_matching_post",
    "normalise_text",
    "texts_match",
]


# --------------------------------------------------------------------------- data types


@dataclass(frozen=True)
class MediaItem:
    """One image to attach to a post.

    ``data`` holds the exact bytes to upload: adapters send them unchanged, so whatever
    metadata stripping the caller did is what the platform receives. ``public_url`` is a
    signed, expiring HTTPS URL to the same bytes, needed by Instagram, which fetches images
    itself instead of accepting uploads. Both are kept out of ``repr`` (images are large and
    the signed URL is a bearer credential).
    """

    data: bytes = field(repr=False)
    mime: str
    alt_text: str
    public_url: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class PublishRequest:
    """What to publish.

    ``idempotency_key`` identifies one (post, channel) attempt in the caller's database. No
    platform here accepts such a key, so adapters use it only for logging and correlation;
    exactly-once publishing relies on :meth:`Publisher.find_existing` instead.
    """

    text: str
    media: list[MediaItem]
    idempotency_key: str


@dataclass(frozen=True)
class PublishResult:
    """Where the published post lives: the platform's id (keep it for deletes and comment
    polling) and a public URL to show staff."""

    external_id: str
    url: str


@dataclass(frozen=True)
class RemoteComment:
    """A reply or comment as the platform reports it, normalised across platforms.

    ``parent_external_id`` is ``None`` for a comment on the post itself and the parent's id
    for a reply to another comment. ``raw`` keeps the platform payload for audit.
    """

    external_id: str
    parent_external_id: str | None
    author_id: str | None
    author_name: str | None
    text: str
    created_at: datetime
    permalink: str | None
    is_hidden: bool
    media_urls: list[str]
    raw: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class CommentPage:
    """One batch of comments and the cursor to continue from.

    Store ``cursor`` and pass it to the next :meth:`Publisher.fetch_comments` call for the
    same post. When ``has_more`` is true, another page is ready now (keep reading); when it
    is false, you have everything for this round. Its meaning is adapter specific: on X it
    is the newest reply id seen (later calls only return newer replies); on Meta it is the
    paging cursor of the next older page and becomes ``None`` once the oldest page has been
    read, so the next round starts again from the newest (callers de-duplicate on
    ``external_id`` anyway, because webhooks redeliver).
    """

    comments: list[RemoteComment]
    cursor: str | None
    has_more: bool = False


@dataclass(frozen=True)
class HealthReport:
    """Whether a connected account can do its job; ``problems`` are sentences for staff."""

    ok: bool
    problems: list[str]


@dataclass(frozen=True)
class RemotePost:
    """One of the account's own recent posts, as read back during reconciliation."""

    external_id: str
    text: str
    created_at: datetime | None
    url: str


# --------------------------------------------------------------------------- declarations

#: What an app may be allowed to do to other people's comments on a platform.
COMMENT_ACTIONS = frozenset({"hide", "unhide", "delete", "block"})
#: The kinds of text an account field holds (the form picks its input from it).
AccountFieldInputType = Literal["text", "url"]
ACCOUNT_FIELD_INPUT_TYPES: tuple[str, ...] = get_args(AccountFieldInputType)


@dataclass(frozen=True)
class AccountField:
    """One thing an administrator fills in to connect an account.

    A ``secret`` is encrypted at rest and write-only (never shown back); any other field is
    plain config and shown back. ``input_type`` is the kind of text it holds, for the form.
    ``advanced`` fields exist only for development set-ups (a local fake of the platform).
    """

    name: str
    label: str
    secret: bool = False
    required: bool = False
    help_text: str = ""
    input_type: AccountFieldInputType = "text"
    advanced: bool = False


@dataclass(frozen=True)
class AccountSpec:
    """The fields one kind of account takes, in the order a form shows them."""

    help_text: str = ""
    fields: tuple[AccountField, ...] = ()

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.secret)

    @property
    def required_secrets(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.secret and f.required)

    @property
    def config(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if not f.secret)

    @property
    def required_config(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if not f.secret and f.required)


#: The custom API host every HTTP adapter offers for a local fake of its platform.
API_BASE_FIELD = AccountField(
    "api_base",
    "Custom API host",
    help_text="Development only: leave blank.",
    input_type="url",
    advanced=True,
)


@dataclass(frozen=True)
class Connection:
    """What a publisher class is built from (see :meth:`Publisher.connect`).

    ``account`` is the stored channel account (the website publisher works on its rows);
    ``secrets`` are already decrypted and complete; ``session`` is the HTTP session to use,
    or ``None`` for the adapter's own.
    """

    account: Any
    secrets: Mapping[str, str] = field(repr=False)
    config: Mapping[str, Any]
    session: Any = None


# --------------------------------------------------------------------------- the error


class PublisherError(Exception):
    """Everything that can go wrong talking to a platform.

    ``message`` is plain English for the school staff who see it. The flags drive the
    worker:

    * ``outcome_unknown``: the platform may have accepted the post (timeout, 5xx, or a
      "duplicate" answer on the create call). Call :meth:`Publisher.find_existing`; never
      blindly publish again.
    * ``needs_reconnect``: the token is expired or revoked; a person must reconnect.
    * ``permanent``: retrying the same request will fail the same way.
    * ``retry_after``: seconds to wait before trying again (rate limits).
    * ``not_found``: the object does not exist (used internally so that deleting or hiding
      something already gone counts as success).

    With none of the flags set the error is transient and safe to retry with backoff.
    ``detail`` carries the platform's own wording and codes for logs; it never contains
    tokens.
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        needs_reconnect: bool = False,
        outcome_unknown: bool = False,
        retry_after: float | None = None,
        not_found: bool = False,
        platform: str | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.needs_reconnect = needs_reconnect
        self.outcome_unknown = outcome_unknown
        self.retry_after = retry_after
        self.not_found = not_found
        self.platform = platform
        self.detail = detail

    @property
    def retryable(self) -> bool:
        """True when simply trying again later (after ``retry_after``, if set) is right."""
        return not (self.permanent or self.needs_reconnect or self.outcome_unknown)

    def __repr__(self) -> str:
        flags = [
            name
            for name in ("permanent", "needs_reconnect", "outcome_unknown", "not_found")
            if getattr(self, name)
        ]
        return (
            f"PublisherError({self.message!r}, platform={self.platform!r}, flags={flags}, "
            f"retry_after={self.retry_after!r}, detail={self.detail!r})"
        )

    # Factories: one wording per situation, shared by all adapters. -------------------

    @classmethod
    def rate_limited(
        cls, platform: str, retry_after: float, *, detail: str | None = None
    ) -> PublisherError:
        minutes = max(1, round(retry_after / 60))
        when = "about a minute" if minutes == 1 else f"about {minutes} minutes"
        return cls(
            f"{platform} is limiting how often we can use it. We will try again in {when}.",
            retry_after=retry_after,
            platform=platform,
            detail=detail,
        )

    @classmethod
    def reconnect(cls, platform: str, *, detail: str | None = None) -> PublisherError:
        return cls(
            f"The connection to {platform} has expired or been revoked. An administrator "
            f"needs to reconnect the {platform} account in Settings.",
            permanent=True,
            needs_reconnect=True,
            platform=platform,
            detail=detail,
        )

    @classmethod
    def unknown_outcome(cls, platform: str, *, detail: str | None = None) -> PublisherError:
        return cls(
            f"We could not tell whether {platform} accepted this post. We will check the "
            f"account before doing anything else, so it is not posted twice.",
            outcome_unknown=True,
            platform=platform,
            detail=detail,
        )

    @classmethod
    def transient(cls, platform: str, *, detail: str | None = None) -> PublisherError:
        return cls(
            f"{platform} could not be reached or had a temporary problem. We will try again.",
            platform=platform,
            detail=detail,
        )

    @classmethod
    def rejected(
        cls, platform: str, reason: str | None = None, *, detail: str | None = None
    ) -> PublisherError:
        because = f" {reason}" if reason else ""
        return cls(
            f"{platform} refused this.{because}",
            permanent=True,
            platform=platform,
            detail=detail,
        )

    @classmethod
    def missing(cls, platform: str, *, detail: str | None = None) -> PublisherError:
        return cls(
            f"{platform} says this item no longer exists.",
            permanent=True,
            not_found=True,
            platform=platform,
            detail=detail,
        )

    @classmethod
    def unsupported(cls, platform: str, what: str) -> PublisherError:
        return cls(f"{platform} does not allow {what}.", permanent=True, platform=platform)


# --------------------------------------------------------------------------- reconciliation

_URL_RE = re.compile(r"https?://\S+")
_SPACE_RE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Reduce a post's text to what survives the platforms' rewriting.

    X HTML-escapes ``&<>`` and replaces links with t.co links (and appends a t.co link for
    attached media); Facebook and Instagram may change whitespace and Unicode form. So links
    are dropped, entities unescaped, Unicode NFC-normalised, whitespace collapsed and case
    folded before comparing.
    """
    text = html.unescape(text)
    text = unicodedata.normalize("NFC", text)
    text = _URL_RE.sub(" ", text)
    return _SPACE_RE.sub(" ", text).strip().casefold()


def texts_match(sent: str, seen: str) -> bool:
    """True when ``seen`` (read back from the platform) is the post whose text was ``sent``."""
    return normalise_text(sent) == normalise_text(seen)


def find_matching_post(
    text: str, posts: Iterable[RemotePost], *, since: datetime
) -> RemotePost | None:
    """The earliest post created at or after ``since`` whose text matches ``text``.

    ``since`` keeps an identical older post (a weekly reminder, say) from being mistaken for
    this attempt; the earliest match wins because later ones would themselves be duplicates.
    Posts without a timestamp are accepted, because the listing call was already bounded.
    """
    since = _aware(since)
    matches = [
        p
        for p in posts
        if texts_match(text, p.text) and (p.created_at is None or _aware(p.created_at) >= since)
    ]
    if not matches:
        return None
    return min(matches, key=lambda p: _aware(p.created_at or since))


def _aware(moment: datetime) -> datetime:
    """Treat naive datetimes as UTC so comparisons never raise."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --------------------------------------------------------------------------- the interface


class Publisher(abc.ABC):
    """A connected account on one platform.

    Contract for callers (the publishing worker):

    * :meth:`publish` performs media steps (safe to repeat) and then exactly one create call.
      If it raises with ``outcome_unknown``, call :meth:`find_existing` and, if that finds
      nothing, mark the attempt unconfirmed for a person; never call :meth:`publish` again
      for that attempt on your own.
    * Deleting, hiding or unhiding something that is already gone counts as success.
    * No method sleeps for rate limits; they raise with ``retry_after`` instead, so a worker
      slot is never held for minutes.
    """

    #: The channel served (a ``ChannelKind`` value) and its name in lists and headings.
    kind: ClassVar[str]
    label: ClassVar[str]
    #: Human name of the platform used in messages ("X", "Facebook", "Instagram").
    platform: ClassVar[str]
    #: The platform's name inside a sentence ("on the school website"); ``platform`` if empty.
    name_in_sentence: ClassVar[str] = ""
    #: What the platform lets an app do to other people's comments (``COMMENT_ACTIONS``).
    comment_actions: ClassVar[frozenset[str]] = frozenset()
    #: How long after publishing comments are still read; ``None``: while the post is up.
    comment_poll_max_age: ClassVar[timedelta | None] = None
    #: The fields an administrator fills in to connect an account.
    account_spec: ClassVar[AccountSpec] = AccountSpec()
    #: API hosts a local fake may stand in for (``config["api_base"]``, development only).
    api_hosts: ClassVar[tuple[str, ...]] = ()

    @classmethod
    @abc.abstractmethod
    def connect(cls, connection: Connection, **options: Any) -> Publisher:
        """Build a working publisher for a stored account. ``options`` are passed on to
        the constructor (tests inject fakes, e.g. Instagram's ``sleep``)."""

    @abc.abstractmethod
    def publish(self, req: PublishRequest) -> PublishResult:
        """Publish text plus images; the final create call is made once and never retried."""

    @abc.abstractmethod
    def find_existing(self, req: PublishRequest, *, since: datetime) -> PublishResult | None:
        """Look through the account's own posts since ``since`` for one with this text.

        Used after an ``outcome_unknown`` error to learn whether the post went out.
        """

    @abc.abstractmethod
    def delete(self, external_id: str) -> None:
        """Delete a published post; a post that is already gone counts as deleted."""

    @abc.abstractmethod
    def fetch_comments(self, external_id: str, cursor: str | None) -> CommentPage:
        """Read comments/replies on one of our posts (see :class:`CommentPage`)."""

    @abc.abstractmethod
    def hide_comment(self, comment_id: str, hidden: bool) -> None:
        """Hide (or unhide) a comment from public view without deleting it."""

    @abc.abstractmethod
    def delete_comment(self, comment_id: str) -> None:
        """Delete a comment; one that is already gone counts as deleted."""

    @abc.abstractmethod
    def block_author(self, author_id: str) -> None:
        """Stop an account from commenting again, where the platform allows it."""

    @abc.abstractmethod
    def check_health(self) -> HealthReport:
        """Check the token still works and has the permissions publishing needs."""
