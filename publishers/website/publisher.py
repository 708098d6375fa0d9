"""The built-in website channel behind the same :class:`Publisher` interface as X, Facebook
and Instagram, so the publishing worker treats every channel alike.

"Publishing" creates a :class:`WebsiteEntry` for the publication named by the request's
idempotency key (one entry per publication, enforced by the database), so it is
naturally idempotent and :meth:`find_existing` is exact. Images are copies of the bytes the
worker was given: the publishable, metadata-free ``large`` variant (R6), never the original.
Comments are pre-moderated (R11): they live in :class:`WebsiteComment` and nothing shows
until a leader approves it.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image

from backend.common.channels import ChannelKind
from publishers.base import (
    AccountSpec,
    CommentPage,
    Connection,
    HealthReport,
    MediaItem,
    Publisher,
    PublisherError,
    PublishRequest,
    PublishResult,
    RemoteComment,
)
from publishers.models import (
    ChannelAccount,
    Publication,
    WebsiteComment,
    WebsiteEntry,
    WebsiteEntryImage,
)
from publishers.website.links import entry_url

PLATFORM = "The school website"


def _size(data: bytes) -> tuple[int, int]:
    try:
        with Image.open(io.BytesIO(data)) as im:
            return im.size
    except (OSError, ValueError) as exc:
        raise PublisherError(
            "One of the images could not be read.", permanent=True, platform=PLATFORM
        ) from exc


class WebsitePublisher(Publisher):
    """Publishes to the school's own news page and RSS/Atom feed."""

    kind = ChannelKind.WEBSITE
    label = ChannelKind.WEBSITE.label
    platform = PLATFORM
    name_in_sentence = "the school website"
    # Blocking needs accounts; website commenters only give a name.
    comment_actions = frozenset({"hide", "unhide", "delete"})
    comment_poll_max_age = None  # comments are taken on any visible entry; reading is free
    account_spec = AccountSpec(
        help_text="The school's own news feed. It is built in and needs no credentials."
    )

    @classmethod
    def connect(cls, connection: Connection, **options: Any) -> WebsitePublisher:
        return cls(connection.account)

    def __init__(self, account: ChannelAccount) -> None:
        self.account = account

    def __repr__(self) -> str:
        return f"WebsitePublisher(school={self.account.school_id})"

    # ------------------------------------------------------------------ publishing

    def publish(self, req: PublishRequest) -> PublishResult:
        publication = (
            Publication.objects.select_related("school")
            .filter(idempotency_key=req.idempotency_key)
            .first()
        )
        if publication is None:
            raise PublisherError(
                "This publication no longer exists.", permanent=True, platform=PLATFORM
            )
        entry = WebsiteEntry.objects.filter(publication=publication).first()
        if entry is None:
            sizes = [_size(item.data) for item in req.media]
            try:
                with transaction.atomic():
                    entry = WebsiteEntry.objects.create(
                        school=publication.school,
                        publication=publication,
                        text=req.text,
                        published_at=timezone.now(),
                    )
                    for position, (item, (width, height)) in enumerate(
                        zip(req.media, sizes, strict=True)
                    ):
                        self._store_image(entry, position, item, width, height)
            except IntegrityError:
                # Another run created it first: that one is the entry.
                entry = WebsiteEntry.objects.get(publication=publication)
        return PublishResult(external_id=str(entry.pk), url=entry_url(entry))

    @staticmethod
    def _store_image(
        entry: WebsiteEntry, position: int, item: MediaItem, width: int, height: int
    ) -> None:
        image = WebsiteEntryImage(
            entry=entry,
            position=position,
            alt_text=item.alt_text,
            width=width,
            height=height,
            size=len(item.data),
        )
        image.file.save("image.jpg", ContentFile(item.data), save=False)
        image.save()

    def find_existing(self, req: PublishRequest, *, since: datetime) -> PublishResult | None:
        entry = (
            WebsiteEntry.objects.select_related("school")
            .filter(publication__idempotency_key=req.idempotency_key)
            .first()
        )
        return PublishResult(str(entry.pk), entry_url(entry)) if entry else None

    def delete(self, external_id: str) -> None:
        """Withdraw the entry (if not already) and delete its image copies. The row stays,
        invisible, so the audit trail can still name what was taken down."""
        entry = WebsiteEntry.objects.filter(pk=_int(external_id), school=self.account.school_id)
        entry.filter(withdrawn_at__isnull=True).update(withdrawn_at=timezone.now())
        images = list(WebsiteEntryImage.objects.filter(entry__in=entry))
        if not images:
            return
        storage = images[0].file.storage
        names = [image.file.name for image in images if image.file.name]
        WebsiteEntryImage.objects.filter(pk__in=[image.pk for image in images]).delete()
        transaction.on_commit(lambda: [storage.delete(name) for name in names])

    # ------------------------------------------------------------------ comments

    def fetch_comments(self, external_id: str, cursor: str | None) -> CommentPage:
        """Comments on the entry newer than ``cursor`` (a comment id), all statuses."""
        comments = WebsiteComment.objects.filter(
            entry_id=_int(external_id), entry__school=self.account.school_id
        ).order_by("id")
        if cursor:
            comments = comments.filter(pk__gt=_int(cursor))
        found = [
            RemoteComment(
                external_id=str(c.pk),
                parent_external_id=None,
                author_id=None,
                author_name=c.author_name,
                text=c.text,
                created_at=c.created_at.astimezone(UTC),
                permalink=None,
                is_hidden=c.status != WebsiteComment.Status.APPROVED,
                media_urls=[],
                raw={"status": c.status},
            )
            for c in comments[:200]
        ]
        newest = found[-1].external_id if found else cursor
        return CommentPage(comments=found, cursor=newest, has_more=len(found) == 200)

    def hide_comment(self, comment_id: str, hidden: bool) -> None:
        """Hiding rejects the comment; unhiding approves it."""
        status = WebsiteComment.Status.REJECTED if hidden else WebsiteComment.Status.APPROVED
        WebsiteComment.objects.filter(
            pk=_int(comment_id), entry__school=self.account.school_id
        ).update(status=status, decided_at=timezone.now())

    def delete_comment(self, comment_id: str) -> None:
        WebsiteComment.objects.filter(
            pk=_int(comment_id), entry__school=self.account.school_id
        ).delete()

    def block_author(self, author_id: str) -> None:
        raise PublisherError.unsupported(
            PLATFORM, "blocking people, because comments there are anonymous and pre-moderated"
        )

    def check_health(self) -> HealthReport:
        if not self.account.enabled:
            return HealthReport(ok=False, problems=["The website feed is switched off."])
        return HealthReport(ok=True, problems=[])


def _int(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
