"""The demo school's part of publishing: its built-in website channel, switched on, and a
news page entry for every post the moderation demo seeded as already published. Safe to
run again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backend.common.actors import SYSTEM_DEMO
from moderation import interface
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
    on_website = set(
        Publication.objects.filter(channel=ChannelKind.WEBSITE).values_list("post_id", flat=True)
    )
    # The backfill itself skips posts that do not target the website.
    for post_id in sorted(interface.post_ids_published(school_id=school.pk) - on_website):
        services.website_backfill(post_id=post_id)
