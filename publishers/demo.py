"""The demo school's part of publishing: its built-in website channel, switched on, and a
news page entry for every post the moderation demo seeded as already published. Safe to
run again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backend.common.actors import SYSTEM_DEMO
from moderation.models import Post
from publishers import services
from publishers.models import ChannelAccount, ChannelKind, Publication

if TYPE_CHECKING:
    from backend.accounts.demo import Demo


def seed(demo: Demo) -> None:
    school = demo.school
    account = ChannelAccount.objects.filter(school=school, kind=ChannelKind.WEBSITE).first()
    if account is None:
        services.channel_account_create(
            school=school,
            actor=SYSTEM_DEMO,
            kind=ChannelKind.WEBSITE,
            display_name=f"{school.name} news",
        )
    elif not account.enabled:
        services.channel_account_update(account=account, actor=SYSTEM_DEMO, enabled=True)
    on_website = Publication.objects.filter(channel=ChannelKind.WEBSITE).values("post_id")
    for post in Post.objects.filter(school=school, status=Post.Status.PUBLISHED).exclude(
        pk__in=on_website
    ):
        if ChannelKind.WEBSITE in (post.channels or []):
            services.website_backfill(post_id=post.pk)
