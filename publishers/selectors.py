"""Read queries for channel accounts, publications, takedowns and the website feed. Every
queryset a user sees is scoped to their schools and roles; another school's object is
simply not found."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Max, Prefetch, Q, QuerySet

from backend.accounts.models import Role, User
from backend.accounts.selectors import school_ids_for_user, school_ids_seeing_escalations
from backend.common.channels import ChannelKind
from backend.common.errors import NotFound
from moderation import interface

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


def channel_kinds_connected(*, school_id: int) -> frozenset[str]:
    """The channels a post of this school can go out on (issue 17, item 6): those with a
    switched-on account. The website needs none: its account is made when the school first
    publishes, so it counts as connected unless a trust administrator switched it off."""
    accounts = dict(
        ChannelAccount.objects.filter(school_id=school_id).values_list("kind", "enabled")
    )
    connected = {kind for kind, enabled in accounts.items() if enabled}
    if accounts.get(ChannelKind.WEBSITE, True):
        connected.add(ChannelKind.WEBSITE)
    return frozenset(connected)


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


def post_ids_with_unconfirmed_publications() -> set[int]:
    """Posts with a channel whose outcome is unknown: settled as failed, yet maybe live."""
    unconfirmed = Publication.objects.filter(state=Publication.State.UNCONFIRMED)
    return set(unconfirmed.values_list("post_id", flat=True))


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
    hidden = interface.website_comment_ids_escalated(
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


def x_publications_since(*, school_id: int, since: datetime) -> list[tuple[int, str]]:
    """(publication id, text) of the school's posts published on X since ``since``: each
    one was a paid post (procedures prices them; a link costs more)."""
    return [
        (int(pk), str(text))
        for pk, text in Publication.objects.filter(
            school_id=school_id,
            channel="x",
            state=Publication.State.PUBLISHED,
            published_at__gte=since,
        )
        .order_by("id")
        .values_list("id", "post__text")
    ]


# --------------------------------------------------------------------------- for comments
# moderation.comments reads publications, webhook events and the website feed through
# these, never through the models.


def publications_live(
    *, published_since: datetime, channels_any_age: tuple[str, ...] = ()
) -> QuerySet[Publication]:
    """Publications out on their channel (published, with the platform's id), published
    since ``published_since`` or on one of ``channels_any_age``."""
    recent = Q(published_at__gte=published_since) | Q(channel__in=channels_any_age)
    return Publication.objects.filter(recent, state=Publication.State.PUBLISHED).exclude(
        external_id=""
    )


def publication_is_live(*, publication: Publication) -> bool:
    """Out on its channel: published, with the platform's id."""
    return publication.state == Publication.State.PUBLISHED and bool(publication.external_id)


def publication_with_account(*, publication_id: int) -> Publication | None:
    return Publication.objects.select_related("school", "account").filter(pk=publication_id).first()


def publication_by_external_id(
    *, school_id: int, channel: str, external_id: str
) -> Publication | None:
    return Publication.objects.filter(
        school_id=school_id, channel=channel, external_id=external_id
    ).first()


def webhook_event_get(*, event_id: int) -> WebhookEvent | None:
    return WebhookEvent.objects.select_related("account", "school").filter(pk=event_id).first()


def website_comments_received(*, since: datetime, until: datetime) -> dict[int, datetime]:
    """Per website publication, when its latest comment received in [since, until] came."""
    rows = (
        WebsiteComment.objects.filter(created_at__gte=since, created_at__lte=until)
        .values("entry__publication_id")
        .annotate(latest=Max("created_at"))
    )
    return {int(r["entry__publication_id"]): r["latest"] for r in rows}


def website_comment_publication_id(*, website_comment_id: int) -> int | None:
    """The publication of the news item a website comment was left on."""
    return (
        WebsiteComment.objects.filter(pk=website_comment_id)
        .values_list("entry__publication_id", flat=True)
        .first()
    )


def website_entry_first_live(*, school_id: int) -> WebsiteEntry | None:
    """The school's first news item out on the website (the demo's comments go there)."""
    return (
        WebsiteEntry.objects.filter(
            school_id=school_id,
            publication__state=Publication.State.PUBLISHED,
            publication__channel=ChannelKind.WEBSITE,
        )
        .exclude(publication__external_id="")
        .select_related("publication")
        .order_by("publication_id", "id")
        .first()
    )


def website_comment_exists(*, entry: WebsiteEntry, author_name: str, text: str) -> bool:
    return WebsiteComment.objects.filter(entry=entry, author_name=author_name, text=text).exists()


# Where each platform's account config keeps the account's own id there.
_OWN_ID_CONFIG_KEYS: dict[str, str] = {
    ChannelKind.X: "user_id",
    ChannelKind.FACEBOOK: "page_id",
    ChannelKind.INSTAGRAM: "ig_user_id",
}


def channel_account_own_ids(*, account: ChannelAccount | None) -> frozenset[str]:
    """The account's own id on its platform (comments by it are the school's own replies)."""
    if account is None:
        return frozenset()
    key = _OWN_ID_CONFIG_KEYS.get(account.kind, "")
    value = str(account.config.get(key, "") or "") if key else ""
    return frozenset({value}) if value else frozenset()
