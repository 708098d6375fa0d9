"""Channel accounts: credentials encrypted at rest and never shown, logged, audited or put
in a repr; the adapter factory; the health check; the admin's write-only form."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
import requests
from django.test import Client

from backend.accounts.models import School, User
from backend.audit.models import AuditEvent
from backend.common.actors import SYSTEM_HEALTH_CHECK, SYSTEM_SHELL
from backend.common.errors import Conflict, InvalidInput, Refused
from publishers import services
from publishers.adapters import RebasedSession, adapter_for, credentials_decrypt
from publishers.base import PublisherError
from publishers.meta.facebook import FacebookPagePublisher
from publishers.meta.instagram import InstagramPublisher
from publishers.models import ChannelAccount
from publishers.website.publisher import WebsitePublisher
from publishers.x.client import XPublisher
from tests.factories import UserFactory
from tests.publishers.factories import ALL_SECRET_VALUES, FACEBOOK_SECRETS, X_SECRETS, connect
from tests.publishers.fakes import FakeGraph, FakeX


def leaked(text: str) -> list[str]:
    return [s for s in ALL_SECRET_VALUES if s in text]


def test_credentials_are_encrypted_and_readable_only_through_the_key(school: School) -> None:
    account = connect(school, "x")

    raw = bytes(account.credentials_encrypted)
    assert not leaked(raw.decode("latin-1"))
    assert credentials_decrypt(account) == X_SECRETS


def test_secrets_appear_in_no_repr_str_audit_or_log(
    school: School, caplog: Any, fake_x: FakeX, trust_admin: User
) -> None:
    caplog.set_level(logging.DEBUG)
    account = connect(school, "facebook")
    x = connect(school, "x")
    services.channel_account_update(
        account=x, actor=trust_admin, credentials={"access_token": "rotated-token"}
    )
    services.channel_account_check_health(account=x, actor=trust_admin)

    shown = repr(account) + str(account) + repr(adapter_for(account)) + repr(adapter_for(x))
    assert not leaked(shown)
    for event in AuditEvent.objects.all():
        assert not leaked(str(event.data)), event.action
        assert "rotated-token" not in str(event.data)
    created = AuditEvent.objects.filter(action="channel_account.created").first()
    assert created is not None
    assert created.data["credentials_set"] == sorted(FACEBOOK_SECRETS)
    assert not leaked(caplog.text) and "rotated-token" not in caplog.text


def test_missing_fields_are_named(school: School) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.channel_account_create(
            school=school,
            actor=SYSTEM_SHELL,
            kind="instagram",
            display_name="IG",
            credentials={"app_secret": "s"},
        )
    assert caught.value.message == (
        "These are needed to connect Instagram: ig_user_id, access_token."
    )


def test_an_unknown_field_is_refused(school: School) -> None:
    message = services.UNKNOWN_FIELD.format(field="page_id", channel="X")
    with pytest.raises(InvalidInput, match=re.escape(message)) as caught:
        connect(school, "x", config={"page_id": "1"})
    assert caught.value.field == "page_id"


def test_one_account_per_channel_per_school(school: School) -> None:
    connect(school, "x")
    with pytest.raises(Conflict, match=re.escape(services.ACCOUNT_EXISTS.format(channel="X"))):
        connect(school, "x")


def test_the_website_channel_takes_no_credentials(school: School) -> None:
    with pytest.raises(InvalidInput, match=re.escape(services.WEBSITE_NO_SECRETS)):
        connect(school, "website", credentials={"token": "x"})
    assert connect(school, "website").has_credentials is False


def test_only_a_trust_admin_of_the_school_manages_channels(
    school: School, head_teacher: User, outsider: User, trust_admin: User
) -> None:
    for user in (head_teacher, outsider):
        with pytest.raises(Refused, match=re.escape(services.NOT_CHANNEL_ADMIN)):
            services.channel_account_create(
                school=school, actor=user, kind="website", display_name="News"
            )
    services.channel_account_create(
        school=school, actor=trust_admin, kind="website", display_name="News"
    )


def test_a_custom_api_host_is_refused_outside_development(school: School, settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(InvalidInput) as caught:
        connect(school, "x", config={"api_base": "http://127.0.0.1:9"})
    assert caught.value.message == "A custom API host is only allowed in development."


def test_a_custom_api_host_stored_earlier_is_ignored_when_no_longer_allowed(
    school: School, settings: Any
) -> None:
    settings.PUBLISHERS_ALLOW_CUSTOM_HOSTS = True
    account = connect(school, "x", config={"api_base": "http://127.0.0.1:9"})
    assert isinstance(adapter_for(account).client.session, RebasedSession)  # type: ignore[attr-defined]

    settings.PUBLISHERS_ALLOW_CUSTOM_HOSTS = False
    assert not isinstance(adapter_for(account).client.session, RebasedSession)  # type: ignore[attr-defined]


def test_the_rebased_session_sends_platform_calls_to_the_fake_host() -> None:
    session = RebasedSession("http://127.0.0.1:8123", ("https://api.twitter.com",))
    sent: list[str] = []

    def capture(self: Any, request: Any, **kwargs: Any) -> Any:
        sent.append(request.url)
        raise requests.ConnectionError("stop")

    import unittest.mock

    with unittest.mock.patch.object(requests.adapters.HTTPAdapter, "send", capture):
        with pytest.raises(requests.ConnectionError):
            session.get("https://api.twitter.com/2/users/me")
    assert sent == ["http://127.0.0.1:8123/2/users/me"]


def test_the_factory_builds_each_adapter(school: School, settings: Any) -> None:
    assert isinstance(adapter_for(connect(school, "website")), WebsitePublisher)
    assert isinstance(adapter_for(connect(school, "x")), XPublisher)
    assert isinstance(adapter_for(connect(school, "facebook")), FacebookPagePublisher)
    settings.PUBLIC_BASE_URL = "https://queue.test"
    instagram = adapter_for(connect(school, "instagram", display_name="IG"))
    assert isinstance(instagram, InstagramPublisher)


def test_unreadable_credentials_ask_for_a_reconnect(school: School) -> None:
    account = connect(school, "x")
    ChannelAccount.objects.filter(pk=account.pk).update(credentials_encrypted=b"garbage")
    account.refresh_from_db()

    with pytest.raises(PublisherError) as caught:
        adapter_for(account)
    assert caught.value.needs_reconnect
    assert "cannot be read" in caught.value.message


# --------------------------------------------------------------------------- health


def test_a_working_facebook_page_is_healthy(school: School, fake_graph: FakeGraph) -> None:
    account = connect(
        school, "facebook", config={"page_id": fake_graph.page_id, "app_id": fake_graph.app_id}
    )

    checked = services.channel_account_check_health(account=account, actor=SYSTEM_HEALTH_CHECK)

    assert checked.health_ok is True and checked.health_problems == []
    assert checked.health_checked_at is not None


def test_missing_permissions_are_named_in_the_health_check(
    school: School, fake_graph: FakeGraph
) -> None:
    fake_graph.scopes = ["pages_show_list"]
    account = connect(
        school, "facebook", config={"page_id": fake_graph.page_id, "app_id": fake_graph.app_id}
    )

    checked = services.channel_account_check_health(account=account, actor=SYSTEM_HEALTH_CHECK)

    assert checked.health_ok is False
    assert "missing permissions it needs" in checked.health_problems[0]
    assert "pages_manage_posts" in checked.health_problems[0]


def test_an_expired_token_shows_in_the_health_check(school: School, fake_x: FakeX) -> None:
    fake_x.expired = True
    checked = services.channel_account_check_health(
        account=connect(school, "x"), actor=SYSTEM_HEALTH_CHECK
    )
    assert checked.health_problems == [
        "The connection to X has expired or been revoked. An administrator needs to "
        "reconnect the X account in Settings."
    ]


def test_instagram_needs_the_site_on_https(
    school: School, fake_graph: FakeGraph, settings: Any
) -> None:
    account = connect(school, "instagram", config={"ig_user_id": fake_graph.ig_user_id})
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"

    checked = services.channel_account_check_health(account=account, actor=SYSTEM_HEALTH_CHECK)

    assert checked.health_ok is False
    assert any("HTTPS" in p for p in checked.health_problems)


def test_the_daily_check_covers_every_enabled_third_party_account(
    school: School, fake_x: FakeX
) -> None:
    from publishers import tasks

    connect(school, "website")
    connect(school, "x")
    assert tasks.check_health.delay().get() == 1


# --------------------------------------------------------------------------- admin


@pytest.fixture
def operator(db: None) -> User:
    return UserFactory(email="ops@trust.test", is_staff=True, is_superuser=True)


def test_credentials_pasted_in_the_admin_are_encrypted_and_never_shown_back(
    operator: User, school: School
) -> None:
    client = Client()
    client.force_login(operator)
    form = {
        "school": school.pk,
        "kind": "x",
        "display_name": "Oakfield on X",
        "enabled": "on",
        **{f"x__secret__{k}": v for k, v in X_SECRETS.items()},
    }

    response = client.post("/admin/publishers/channelaccount/add/", form)

    assert response.status_code == 302, response.content.decode()[:2000]
    account = ChannelAccount.objects.get()
    assert credentials_decrypt(account) == X_SECRETS
    page = client.get(f"/admin/publishers/channelaccount/{account.pk}/change/")
    assert page.status_code == 200
    assert not leaked(page.content.decode())
    assert AuditEvent.objects.filter(action="channel_account.created", actor=operator).exists()


def test_the_admin_form_says_what_is_missing(operator: User, school: School) -> None:
    client = Client()
    client.force_login(operator)

    response = client.post(
        "/admin/publishers/channelaccount/add/",
        {
            "school": school.pk,
            "kind": "facebook",
            "display_name": "Page",
            "facebook__secret__app_secret": "s",
        },
    )

    assert response.status_code == 200
    assert "These are needed to connect Facebook" in response.content.decode()
    assert not ChannelAccount.objects.exists()


def test_a_blank_password_field_in_the_admin_keeps_the_secret(
    operator: User, school: School
) -> None:
    account = connect(school, "x")
    client = Client()
    client.force_login(operator)

    response = client.post(
        f"/admin/publishers/channelaccount/{account.pk}/change/",
        {
            "display_name": "Renamed",
            "enabled": "on",
            "x__secret__access_token": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    account.refresh_from_db()
    assert account.display_name == "Renamed"
    assert credentials_decrypt(account) == X_SECRETS


def test_the_admin_action_checks_health(operator: User, school: School, fake_x: FakeX) -> None:
    account = connect(school, "x")
    client = Client()
    client.force_login(operator)

    response = client.post(
        "/admin/publishers/channelaccount/",
        {
            "action": "check_health",
            "_selected_action": [account.pk],
        },
        follow=True,
    )

    assert response.status_code == 200
    assert "working" in response.content.decode()
    account.refresh_from_db()
    assert account.health_ok is True


def test_staff_without_a_trust_admin_role_do_not_see_the_channels(school: School) -> None:
    staff = UserFactory(email="staff@trust.test", is_staff=True)
    client = Client()
    client.force_login(staff)
    assert client.get("/admin/publishers/channelaccount/").status_code == 403
