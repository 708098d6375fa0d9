"""Fixtures for the comments tests: connected channel accounts, posts published on them and
fake platforms (tests/publishers/fakes.py) that speak the real HTTP contracts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
import responses
from django.utils import timezone

from backend.accounts.models import School, User
from moderation.models import Post
from publishers.adapters import credentials_encrypt
from publishers.base import RemoteComment
from publishers.models import ChannelAccount, ChannelKind, Publication, WebsiteEntry
from tests.network import forbid_network
from tests.publishers.fakes import FakeGraph, FakeX


@dataclass
class Platforms:
    x: FakeX
    graph: FakeGraph


@pytest.fixture
def platforms() -> Iterator[Platforms]:
    """Fake X and Graph APIs on one responses mock: nothing reaches the network."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield Platforms(x=FakeX(rsps), graph=FakeGraph(rsps))


def connect(school: School, kind: str, **config: Any) -> ChannelAccount:
    all_secrets: dict[str, dict[str, str]] = {
        ChannelKind.X: {
            "consumer_key": "consumer-key-value",
            "consumer_secret": "consumer-secret-value",
            "access_token": "access-token-value",
            "access_token_secret": "access-secret-value",
        },
        ChannelKind.FACEBOOK: {
            "page_access_token": "EAAPageTokenValue",
            "app_secret": "app-secret-value",
            "webhook_verify_token": "verify-me",
        },
        ChannelKind.INSTAGRAM: {
            "access_token": "EAAPageTokenValue",
            "app_secret": "app-secret-value",
        },
    }
    secrets = all_secrets.get(kind, {})
    all_defaults: dict[str, dict[str, str]] = {
        ChannelKind.X: {"user_id": "1720000000000000001"},
        ChannelKind.FACEBOOK: {"page_id": "104000000000001"},
        ChannelKind.INSTAGRAM: {"ig_user_id": "17841400000000001"},
    }
    defaults = all_defaults.get(kind, {})
    account, _ = ChannelAccount.objects.update_or_create(
        school=school,
        kind=kind,
        defaults={
            "display_name": f"{school.name} on {kind}",
            "credentials_encrypted": credentials_encrypt(secrets),
            "config": {**defaults, **config},
        },
    )
    return account


def publish(
    school: School,
    author: User,
    channel: str,
    external_id: str,
    *,
    text: str = "Sports day was brilliant!",
    age: timedelta = timedelta(minutes=5),
) -> Publication:
    """A post already published on ``channel`` as ``external_id`` (``age`` ago)."""
    account = connect(school, channel)
    published_at = timezone.now() - age
    post = Post.objects.create(
        school=school,
        author=author,
        text=text,
        channels=[channel],
        status=Post.Status.PUBLISHED,
    )
    return Publication.objects.create(
        post=post,
        school=school,
        channel=channel,
        account=account,
        state=Publication.State.PUBLISHED,
        external_id=external_id,
        url=f"https://example.invalid/{channel}/{external_id}",
        published_at=published_at,
    )


def website_entry(school: School, author: User, text: str = "Harvest festival") -> WebsiteEntry:
    """A published news item on the school's own website feed."""
    pub = publish(school, author, ChannelKind.WEBSITE, "", text=text)
    entry = WebsiteEntry.objects.create(school=school, publication=pub, text=text)
    Publication.objects.filter(pk=pub.pk).update(external_id=str(entry.pk))
    return entry


def remote(
    external_id: str,
    text: str,
    *,
    parent: str | None = None,
    author_id: str | None = "5550001",
    author_name: str = "A Parent",
    media_urls: list[str] | None = None,
    created_at: datetime | None = None,
) -> RemoteComment:
    return RemoteComment(
        external_id=external_id,
        parent_external_id=parent,
        author_id=author_id,
        author_name=author_name,
        text=text,
        created_at=created_at or timezone.now(),
        permalink=f"https://example.invalid/c/{external_id}",
        is_hidden=False,
        media_urls=media_urls or [],
        raw={},
    )


@pytest.fixture
def x_post(platforms: Platforms, school: School, teacher: User) -> Publication:
    """A post of ours on X (the fake knows it) that people reply to."""
    tweet_id = platforms.x.add_post("Sports day was brilliant!")
    return publish(school, teacher, ChannelKind.X, tweet_id)


@pytest.fixture
def fb_post(platforms: Platforms, school: School, teacher: User) -> Publication:
    post_id = platforms.graph.add_post("Our nativity play!")
    return publish(school, teacher, ChannelKind.FACEBOOK, post_id)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Platform calls must meet a fake: anything else that tries the network fails loudly
    (the databases are reached through libpq or on loopback, so they are unaffected)."""
    forbid_network(monkeypatch, "tests/comments")
