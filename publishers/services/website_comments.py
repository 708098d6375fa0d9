"""Comments the public leaves on the school's news page (R11): stored pending, shown only
once a leader approves, handed to comment screening when submitted."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from backend.accounts.models import Role, School, User
from backend.audit.services import audit_record
from backend.common.errors import Conflict, InvalidInput, RateLimited
from backend.common.ratelimit import Window

from ..models import WebsiteComment, WebsiteEntry
from . import common

log = logging.getLogger(__name__)

NOT_A_MODERATOR = "Only the school's leaders and safeguarding leads can moderate comments."
COMMENT_NAME_REQUIRED = "Please give your name."
COMMENT_TEXT_REQUIRED = "Please write a comment."
COMMENT_TOO_LONG = "Comments can be at most {limit} characters."
COMMENT_ALREADY_DECIDED = "This comment was already {status}."
COMMENT_STATUS = "Choose approved or rejected."
COMMENT_RATE_ADDRESS = (
    "You have sent several comments in a short time. Please wait a few minutes and try again."
)
COMMENT_RATE_ENTRY = "This news item has had many comments recently. Please try again later."

COMMENT_MAX_CHARS = 2000
COMMENT_NAME_MAX_CHARS = 80


def _comment_windows() -> tuple[Window, Window]:
    """Per client address and per news item (settings read per call, so tests can set them)."""
    return (
        Window(
            "website-comments-address",
            settings.WEBSITE_COMMENTS_PER_ADDRESS,
            settings.WEBSITE_COMMENTS_ADDRESS_WINDOW,
        ),
        Window(
            "website-comments-entry",
            settings.WEBSITE_COMMENTS_PER_ENTRY,
            settings.WEBSITE_COMMENTS_ENTRY_WINDOW,
        ),
    )


def website_comment_submit(
    *, entry: WebsiteEntry, author_name: str, text: str, client_address: str | None = None
) -> WebsiteComment:
    """A member of the public comments on a news item. Stored pending: nothing shows until
    a leader approves it (R11).

    Rate-limited per client address (when the comment came through the form) and per news
    item (issue 16: 25 anonymous comments in 0.8 s were all accepted)."""
    by_address, by_entry = _comment_windows()
    if client_address is not None and by_address.is_full(client_address):
        raise RateLimited(COMMENT_RATE_ADDRESS)
    if by_entry.is_full(str(entry.pk)):
        raise RateLimited(COMMENT_RATE_ENTRY)
    author_name, text = author_name.strip(), text.strip()
    if not author_name:
        raise InvalidInput(COMMENT_NAME_REQUIRED, field="author_name")
    if len(author_name) > COMMENT_NAME_MAX_CHARS:
        raise InvalidInput(
            COMMENT_TOO_LONG.format(limit=COMMENT_NAME_MAX_CHARS), field="author_name"
        )
    if not text:
        raise InvalidInput(COMMENT_TEXT_REQUIRED, field="text")
    if len(text) > COMMENT_MAX_CHARS:
        raise InvalidInput(COMMENT_TOO_LONG.format(limit=COMMENT_MAX_CHARS), field="text")
    with transaction.atomic():
        comment = WebsiteComment.objects.create(entry=entry, author_name=author_name, text=text)
        audit_record(
            action="website_comment.received",
            school=School(pk=entry.school_id),
            target=comment,
            data={"entry": entry.pk},
        )
        # Screened when it is submitted, not at the next poll (issue 13): it is local.
        comment_id = comment.pk
        transaction.on_commit(lambda: _website_comment_handlers(website_comment_id=comment_id))
    if client_address is not None:
        by_address.hit(client_address)
    by_entry.hit(str(entry.pk))
    return comment


def _website_comment_handlers(*, website_comment_id: int) -> None:
    """``PUBLISHERS_WEBSITE_COMMENT_HANDLERS`` (dotted paths of ``f(*, website_comment_id)``).
    A failing handler is logged, never shown to the parent: the comment is stored and the
    comments poll reads it anyway."""
    for path in list(settings.PUBLISHERS_WEBSITE_COMMENT_HANDLERS):
        try:
            import_string(path)(website_comment_id=website_comment_id)
        except Exception:  # a handler must never fail the parent's submission
            log.warning("Website comment handler %s failed", path, exc_info=True)


def website_comment_decide(*, comment: WebsiteComment, actor: User, status: str) -> WebsiteComment:
    """A leader (or DSL) approves or rejects a pending comment; only approved ones show."""
    common.check_role(
        actor=actor,
        school_id=comment.entry.school_id,
        roles=(Role.LEADER, Role.DSL),
        message=NOT_A_MODERATOR,
    )
    if status not in (WebsiteComment.Status.APPROVED, WebsiteComment.Status.REJECTED):
        raise InvalidInput(COMMENT_STATUS, field="status")
    with transaction.atomic():
        moved = WebsiteComment.objects.filter(
            pk=comment.pk, status=WebsiteComment.Status.PENDING
        ).update(status=status, decided_by=actor, decided_at=timezone.now())
        if moved != 1:
            comment.refresh_from_db()
            raise Conflict(COMMENT_ALREADY_DECIDED.format(status=comment.status), field="status")
        audit_record(
            action=f"website_comment.{status}",
            actor=actor,
            school=School(pk=comment.entry.school_id),
            target=comment,
            data={"entry": comment.entry_id},
        )
    comment.refresh_from_db()
    return comment
