"""Read queries for channel accounts, publications, takedowns and the website feed. Every
queryset a user sees is scoped to their schools and roles; another school's object is
simply not found."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from backend.accounts.models import Role, User
from backend.accounts.selectors import school_ids_for_user, school_ids_seeing_escalations
from backend.common.errors import NotFound

from .models import (
    ChannelAccount,
    Publication,
    Takedown,
    WebhookEvent,
    WebsiteComment,
    WebsiteEntry,
    WebsiteEntryImage,
)

CHANNEL_ADMIN_ROLES = (Role.TRUST_ADMIN,)
LEADER_ROLES = (Role.LEADER,)
COMMENT_MODERATOR_ROLES = (Role.LEADER, Role.DSL)
PUBLICATION_VIEW_ROLES = (Role.LEADER, Role.DSL, Role.TRUST_ADMIN)

NO_SUCH_ACCOUNT = "No such channel account among your schools."
NO_SUCH_PUBLICATION = "No such publication among your schools."
NO_SUCH_TAKEDOWN = "No such takedown among your schools."
NO_SUCH_COMMENT = "No such comment among your schools."
NO_SUCH_ENTRY = "No such news item."


# --------------------------------------------------------------------------- the contract


def publication_outcomes(*, post_id: int) -> dict[str, str]:
    """Channel -> state ("queued", "attempting", "published", "failed", "unconfirmed",
    "taken_down") for every publication of the post; moderation decides the post's status
    from this once nothing is queued or attempting."""
    return {
        channel: str(state)
        for channel, state in Publication.objects.filter(post_id=post_id)
        .order_by("channel")
        .values_list("channel", "state")
    }


# --------------------------------------------------------------------------- accounts


def channel_accounts_for_school(*, school_id: int) -> QuerySet[ChannelAccount]:
    return ChannelAccount.objects.filter(school_id=school_id).select_related("school")


def channel_account_for(*, school_id: int, kind: str) -> ChannelAccount | None:
    return ChannelAccount.objects.filter(school_id=school_id, kind=kind).first()


def channel_account_get_for_admin(*, user: User, account_id: int) -> ChannelAccount:
    schools = school_ids_for_user(user=user, roles=CHANNEL_ADMIN_ROLES)
    account = (
        ChannelAccount.objects.select_related("school")
        .filter(pk=account_id, school_id__in=schools)
        .first()
    )
    if account is None:
        raise NotFound(NO_SUCH_ACCOUNT)
    return account


# --------------------------------------------------------------------------- publications


def publications_for_post(*, post_id: int) -> QuerySet[Publication]:
    return (
        Publication.objects.filter(post_id=post_id)
        .select_related("account", "resolved_by")
        .order_by("channel")
    )


def publication_get_for_user(
    *, user: User, publication_id: int, roles: tuple[str, ...] = PUBLICATION_VIEW_ROLES
) -> Publication:
    schools = school_ids_for_user(user=user, roles=roles)
    pub = (
        Publication.objects.select_related("school", "account", "post")
        .filter(pk=publication_id, school_id__in=schools)
        .first()
    )
    if pub is None:
        raise NotFound(NO_SUCH_PUBLICATION)
    return pub


# --------------------------------------------------------------------------- takedowns


def takedowns_for_user(
    *, user: User, school_id: int | None = None, state: str | None = None
) -> QuerySet[Takedown]:
    schools = school_ids_for_user(user=user, roles=LEADER_ROLES)
    qs = Takedown.objects.filter(school_id__in=schools)
    if school_id is not None:
        qs = qs.filter(school_id=school_id)
    if state:
        qs = qs.filter(state=state)
    return qs.select_related("requested_by", "confirmed_by", "post").prefetch_related(
        Prefetch("post__publications", queryset=Publication.objects.order_by("channel"))
    )


def takedown_get_for_leader(*, user: User, takedown_id: int) -> Takedown:
    takedown = takedowns_for_user(user=user).filter(pk=takedown_id).first()
    if takedown is None:
        raise NotFound(NO_SUCH_TAKEDOWN)
    return takedown


def takedown_open_for_post(*, post_id: int) -> Takedown | None:
    return Takedown.objects.filter(post_id=post_id).exclude(state=Takedown.State.DONE).first()


# --------------------------------------------------------------------------- website


def website_entries_visible(*, school_slug: str) -> QuerySet[WebsiteEntry]:
    """Entries the public may see: published, not withdrawn, and with no takedown asked
    for (belt and braces: a takedown request also sets ``withdrawn_at`` at once)."""
    return (
        WebsiteEntry.objects.filter(
            school__slug=school_slug,
            withdrawn_at__isnull=True,
            publication__state=Publication.State.PUBLISHED,
            publication__post__takedown__isnull=True,
        )
        .select_related("school")
        .prefetch_related(
            Prefetch("images", queryset=WebsiteEntryImage.objects.order_by("position"))
        )
        .order_by("-published_at", "-id")
    )


def website_entry_visible(*, school_slug: str, entry_id: int) -> WebsiteEntry:
    entry = website_entries_visible(school_slug=school_slug).filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(NO_SUCH_ENTRY)
    return entry


def website_comments_approved(*, entry: WebsiteEntry) -> QuerySet[WebsiteComment]:
    """R11: only approved comments are ever shown publicly."""
    return WebsiteComment.objects.filter(
        entry=entry, status=WebsiteComment.Status.APPROVED
    ).order_by("created_at", "id")


def website_comments_for_user(
    *, user: User, school_id: int | None = None, status: str | None = None
) -> QuerySet[WebsiteComment]:
    schools = school_ids_for_user(user=user, roles=COMMENT_MODERATOR_ROLES)
    qs = WebsiteComment.objects.filter(entry__school_id__in=schools)
    # R13: a website comment screening escalated is for the DSL and the head teacher only.
    # Imported here: the comments app builds on this one, not the other way round.
    from moderation.comments.selectors import escalated_website_comment_ids

    hidden = escalated_website_comment_ids(
        school_ids=schools - school_ids_seeing_escalations(user=user)
    )
    if hidden:
        qs = qs.exclude(pk__in=hidden)
    if school_id is not None:
        qs = qs.filter(entry__school_id=school_id)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("entry", "entry__school", "entry__publication").order_by(
        "created_at", "id"
    )


def website_comment_get_for_moderator(*, user: User, comment_id: int) -> WebsiteComment:
    comment = website_comments_for_user(user=user).filter(pk=comment_id).first()
    if comment is None:
        raise NotFound(NO_SUCH_COMMENT)
    return comment


def webhook_events_unprocessed() -> QuerySet[WebhookEvent]:
    return WebhookEvent.objects.filter(processed_at__isnull=True).order_by("received_at", "id")
