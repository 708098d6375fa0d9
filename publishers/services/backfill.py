"""The demo's backfill: a post seeded as already published gets its website entry through
the normal publishing path."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from moderation import interface

from ..models import ChannelKind, Publication
from . import common
from .publishing import publication_claim, website_account_ensure

P = Publication.State


def website_backfill(*, post_id: int) -> Publication | None:
    """A post already published (e.g. seeded by the demo) that targets the website but has
    no website publication: publish it to the feed now, through the normal path."""
    post = interface.post_to_publish(post_id=post_id)
    if post is None or ChannelKind.WEBSITE not in post.channels or not post.is_published:
        return None
    account = website_account_ensure(school_id=post.school_id)
    pub, _ = Publication.objects.get_or_create(
        post_id=post_id,
        channel=ChannelKind.WEBSITE,
        defaults={
            "school_id": post.school_id,
            "account": account,
            "content_hash": post.content_hash,
        },
    )
    if pub.state != P.QUEUED or not publication_claim(publication_id=pub.pk):
        return pub
    pub.refresh_from_db()
    result = common.publication_adapter(pub).publish(common.publish_request(pub))
    with transaction.atomic():
        Publication.objects.filter(pk=pub.pk, state=P.ATTEMPTING).update(
            state=P.PUBLISHED,
            external_id=result.external_id,
            url=result.url,
            published_at=timezone.now(),
            updated_at=timezone.now(),
        )
        common.publication_audit(
            "publication.published", pub, external_id=result.external_id, backfill=True
        )
    pub.refresh_from_db()
    return pub
