"""The demo school publishes to its website feed out of the box."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from backend.accounts.demo import Demo
from moderation.models import Post
from publishers import demo
from publishers.models import ChannelAccount, Publication, WebsiteEntry


def test_the_demo_school_gets_a_website_channel_and_its_published_posts_appear(
    school: Any, make_post: Callable[..., Post]
) -> None:
    published = make_post(
        channels=("website", "x"),
        text="Welcome to our news page",
        images=1,
        status=Post.Status.PUBLISHED,
    )
    make_post(channels=("website",), text="Still a draft", status=Post.Status.DRAFT)

    demo.seed(Demo(school=school))
    demo.seed(Demo(school=school))

    account = ChannelAccount.objects.get(school=school, kind="website")
    assert account.enabled
    assert Publication.objects.filter(post=published, channel="website").count() == 1
    assert WebsiteEntry.objects.count() == 1
    html = Client().get(f"/news/{school.slug}/").content.decode()
    assert "Welcome to our news page" in html and "Still a draft" not in html


def test_seeding_switches_a_switched_off_demo_feed_back_on(school: Any) -> None:
    demo.seed(Demo(school=school))
    ChannelAccount.objects.filter(school=school).update(enabled=False)

    demo.seed(Demo(school=school))

    assert ChannelAccount.objects.get(school=school, kind="website").enabled
