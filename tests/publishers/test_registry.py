"""One place per platform: each publisher class declares its channel (kind, label, comment
actions, poll age, account spec), the registry collects them, and everything else (the
adapter factory, account validation, the kinds API) reads them from there."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.common.channels import ChannelKind
from backend.common.errors import InvalidInput
from consent.models import Channel
from publishers import registry, services
from publishers.adapters import adapter_for, credentials_encrypt
from publishers.base import (
    AccountField,
    AccountSpec,
    CommentPage,
    Connection,
    HealthReport,
    Publisher,
    PublishRequest,
    PublishResult,
)
from publishers.models import ChannelAccount
from publishers.models import ChannelKind as PublishersChannelKind
from publishers.x.client import XPublisher


class MastodonPublisher(Publisher):
    """A channel nobody has built yet: only its declarations matter here."""

    kind = "mastodon"
    label = "Mastodon"
    platform = "Mastodon"
    comment_actions = frozenset({"hide", "delete"})
    comment_poll_max_age = timedelta(days=2)
    account_spec = AccountSpec(
        help_text="From your server's development settings.",
        fields=(
            AccountField("access_token", "Access token", secret=True, required=True),
            AccountField("server", "Server address", required=True, input_type="url"),
        ),
    )

    def __init__(self, server: str, token: str) -> None:
        self.server, self.token = server, token

    @classmethod
    def connect(cls, connection: Connection, **options: Any) -> MastodonPublisher:
        return cls(str(connection.config["server"]), connection.secrets["access_token"])

    def publish(self, req: PublishRequest) -> PublishResult:
        raise NotImplementedError

    def find_existing(self, req: PublishRequest, *, since: datetime) -> PublishResult | None:
        raise NotImplementedError

    def delete(self, external_id: str) -> None:
        raise NotImplementedError

    def fetch_comments(self, external_id: str, cursor: str | None) -> CommentPage:
        raise NotImplementedError

    def hide_comment(self, comment_id: str, hidden: bool) -> None:
        raise NotImplementedError

    def delete_comment(self, comment_id: str) -> None:
        raise NotImplementedError

    def block_author(self, author_id: str) -> None:
        raise NotImplementedError

    def check_health(self) -> HealthReport:
        raise NotImplementedError


@pytest.fixture
def fresh_registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, type[Publisher]]:
    """The built-in channels, in a copy the test may add to."""
    publishers = dict(registry.PUBLISHERS)
    monkeypatch.setattr(registry, "PUBLISHERS", publishers)
    return publishers


def test_it_has_one_channel_enum_for_consent_and_publishers() -> None:
    assert Channel is ChannelKind
    assert PublishersChannelKind is ChannelKind


def test_it_registers_a_publisher_for_every_channel_with_the_enums_label() -> None:
    classes = registry.publisher_classes()

    assert [p.kind for p in classes] == ChannelKind.values
    assert [p.label for p in classes] == ChannelKind.labels


def test_it_serves_every_kind_with_its_account_spec(
    api_as: Callable[[User], APIClient], teacher: User
) -> None:
    response = api_as(teacher).get("/api/channels/kinds")

    assert response.status_code == 200
    kinds = response.json()
    assert [k["kind"] for k in kinds] == ChannelKind.values
    x = next(k for k in kinds if k["kind"] == ChannelKind.X)
    assert x["label"] == "X"
    assert x["help_text"] == XPublisher.account_spec.help_text
    assert [f["name"] for f in x["fields"]] == [f.name for f in XPublisher.account_spec.fields]
    consumer_key = x["fields"][0]
    assert consumer_key == {
        "name": "consumer_key",
        "label": "API key (consumer key)",
        "secret": True,
        "required": True,
        "help_text": "",
        "input_type": "text",
        "advanced": False,
    }
    website = next(k for k in kinds if k["kind"] == ChannelKind.WEBSITE)
    assert website["fields"] == []


def test_it_names_a_channel_in_lists_at_the_start_of_a_message_and_inside_a_sentence() -> None:
    assert registry.channel_label(ChannelKind.WEBSITE) == "School website"
    assert registry.channel_platform_name(ChannelKind.WEBSITE) == "The school website"
    assert registry.channel_name_in_sentence(ChannelKind.WEBSITE) == "the school website"
    assert registry.channel_name_in_sentence(ChannelKind.FACEBOOK) == "Facebook"


def test_it_answers_what_each_platform_allows_with_comments() -> None:
    assert registry.channel_comment_actions(ChannelKind.X) == {"hide", "unhide"}
    assert registry.channel_comment_actions(ChannelKind.FACEBOOK) == {
        "hide",
        "unhide",
        "delete",
        "block",
    }
    assert registry.channel_comment_poll_max_age(ChannelKind.X) == timedelta(days=7)
    assert registry.channel_comment_poll_max_age(ChannelKind.INSTAGRAM) == timedelta(days=30)
    assert registry.channel_comment_poll_max_age(ChannelKind.WEBSITE) is None


def test_it_refuses_an_unknown_kind() -> None:
    with pytest.raises(registry.UnknownChannel, match=r"Unknown channel 'myspace'\."):
        registry.publisher_class("myspace")


def test_it_registers_a_new_publisher_class_everywhere_it_is_needed(
    fresh_registry: dict[str, type[Publisher]],
    api_as: Callable[[User], APIClient],
    teacher: User,
) -> None:
    registry.register(MastodonPublisher)

    kinds = api_as(teacher).get("/api/channels/kinds").json()
    mastodon = kinds[-1]
    assert (mastodon["kind"], mastodon["label"]) == ("mastodon", "Mastodon")
    assert [f["name"] for f in mastodon["fields"]] == ["access_token", "server"]
    assert registry.channel_label("mastodon") == "Mastodon"
    assert registry.channel_comment_actions("mastodon") == {"hide", "delete"}
    assert registry.channel_comment_poll_max_age("mastodon") == timedelta(days=2)
    account = ChannelAccount(
        kind="mastodon",
        config={"server": "https://toot.test"},
        credentials_encrypted=credentials_encrypt({"access_token": "t0k"}),
    )
    adapter = adapter_for(account)
    assert isinstance(adapter, MastodonPublisher)
    assert (adapter.server, adapter.token) == ("https://toot.test", "t0k")


def test_it_validates_a_new_channels_account_fields_from_its_spec(
    fresh_registry: dict[str, type[Publisher]],
) -> None:
    registry.register(MastodonPublisher)

    with pytest.raises(InvalidInput) as caught:
        services.channel_account_validate(
            kind="mastodon", display_name="Our toots", credentials={"access_token": "t0k"}
        )
    assert caught.value.field == "server"
    assert caught.value.message == services.MISSING_FIELDS.format(
        channel="Mastodon", fields="server"
    )


def test_it_refuses_a_label_that_contradicts_the_channel_enum(
    fresh_registry: dict[str, type[Publisher]],
) -> None:
    class Twitter(MastodonPublisher):
        kind = ChannelKind.X
        label = "Twitter"

    with pytest.raises(ImproperlyConfigured, match=r"Twitter labels 'x' 'Twitter'"):
        registry.register(Twitter)


def test_it_refuses_a_second_publisher_for_a_registered_kind(
    fresh_registry: dict[str, type[Publisher]],
) -> None:
    class AnotherX(MastodonPublisher):
        kind = ChannelKind.X
        label = ChannelKind.X.label

    with pytest.raises(ImproperlyConfigured, match=r"registered twice: XPublisher and"):
        registry.register(AnotherX)
    assert registry.publisher_class(ChannelKind.X) is XPublisher


def test_it_refuses_comment_actions_nobody_knows(
    fresh_registry: dict[str, type[Publisher]],
) -> None:
    class Boosting(MastodonPublisher):
        comment_actions = frozenset({"hide", "boost"})

    with pytest.raises(ImproperlyConfigured, match=r"comment actions nobody knows: boost"):
        registry.register(Boosting)
