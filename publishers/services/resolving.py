"""A leader resolves a publication a person must look at: "mark as posted" (an unconfirmed
post is on the platform) and "post again" (failed, or unconfirmed and not there)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from backend.accounts.models import Role, User
from backend.common.errors import Conflict, InvalidInput
from moderation import interface

from ..models import Publication, Takedown
from ..notifications import channel_name
from ..selectors import channel_account_for
from . import common

P = Publication.State

NOT_UNCONFIRMED = "Only a post whose outcome is unknown can be marked as posted."
URL_REQUIRED = "Paste the link to the post on {channel}."
CANNOT_RETRY = "Only a failed or unconfirmed publication can be posted again."
RETRY_TAKEDOWN = "This post is being taken down, so it cannot be posted again."


def publication_mark_posted(
    *, publication: Publication, actor: User, url: str, external_id: str = ""
) -> Publication:
    """A leader saw the post on the platform: record it as published (with its link)."""
    common.check_role(
        actor=actor,
        school_id=publication.school_id,
        roles=(Role.LEADER,),
        message=common.NOT_A_LEADER,
    )
    if publication.state != P.UNCONFIRMED:
        raise Conflict(NOT_UNCONFIRMED, field="state")
    url = url.strip()
    if not url.startswith(("https://", "http://")):
        raise InvalidInput(
            URL_REQUIRED.format(channel=channel_name(publication.channel)), field="url"
        )
    with transaction.atomic():
        # The post settled already (failed or partly published): back to publishing, so
        # moderation settles it again from the new outcome.
        interface.post_publishing_resume(
            post_id=publication.post_id,
            actor=actor,
            reason=f"Marked as posted on {channel_name(publication.channel)}",
        )
        moved = common.publication_move(
            publication,
            from_states={P.UNCONFIRMED},
            to=P.PUBLISHED,
            action="publication.marked_posted",
            actor=actor,
            audit_data={"url": url},
            url=url[:500],
            external_id=(external_id.strip() or _id_from_url(url))[:200],
            published_at=timezone.now(),
            resolved_by=actor,
            error="",
        )
        if not moved:
            raise Conflict(NOT_UNCONFIRMED, field="state")
    return publication


def _id_from_url(url: str) -> str:
    """Best effort: the last path segment of an X status or Instagram/Facebook post link."""
    parts = [p for p in url.split("?")[0].rstrip("/").split("/") if p]
    return parts[-1] if parts else ""


def publication_retry(*, publication: Publication, actor: User) -> Publication:
    """A leader asks to post again (after a failure, or after checking that an
    unconfirmed post is not there). Consent and flags are re-checked first (R9)."""
    common.check_role(
        actor=actor,
        school_id=publication.school_id,
        roles=(Role.LEADER,),
        message=common.NOT_A_LEADER,
    )
    if publication.state not in (P.FAILED, P.UNCONFIRMED):
        raise Conflict(CANNOT_RETRY, field="state")
    if Takedown.objects.filter(post_id=publication.post_id).exists():
        raise Conflict(RETRY_TAKEDOWN)
    with transaction.atomic():
        # Moderation checks the post may go out on this channel (status, R9) and puts it
        # back into publishing; it answers with the content the publication is bound to.
        content_hash = interface.post_publish_again(
            post_id=publication.post_id,
            channel=publication.channel,
            actor=actor,
            reason=f"Posting again on {channel_name(publication.channel)}",
        )
        account = publication.account or channel_account_for(
            school_id=publication.school_id, kind=publication.channel
        )
        moved = common.publication_move(
            publication,
            from_states={P.FAILED, P.UNCONFIRMED},
            to=P.QUEUED,
            action="publication.retry_requested",
            actor=actor,
            audit_data={"previous_error": publication.error},
            account=account,
            attempts=0,
            reconcile_attempts=0,
            next_attempt_at=None,
            resolved_by=actor,
            error="",
            error_detail="",
            content_hash=content_hash,
        )
        if not moved:
            raise Conflict(CANNOT_RETRY, field="state")
        common.queue_task("publish", publication.pk)
    return publication
