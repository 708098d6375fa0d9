"""GET/POST /api/webhooks/facebook: the hub.challenge handshake, X-Hub-Signature-256 over
the raw body, storing each comment event once (Meta redelivers)."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest
from django.test import Client

from publishers.models import ChannelAccount, WebhookEvent
from tests.commits import committed
from tests.publishers.factories import PAGE_ID

URL = "/api/webhooks/facebook"
SECRET = "app-secret-value"  # the connected account's app secret (factories)


def payload(comment_id: str = "122_900001", verb: str = "add", page: str = PAGE_ID) -> bytes:
    return json.dumps(
        {
            "object": "page",
            "entry": [
                {
                    "id": page,
                    "time": 1767225600,
                    "changes": [
                        {
                            "field": "feed",
                            "value": {
                                "item": "comment",
                                "verb": verb,
                                "comment_id": comment_id,
                                "post_id": f"{page}_122",
                                "parent_id": f"{page}_122",
                                "message": "Lovely!",
                                "from": {"id": "5550001", "name": "A Parent"},
                                "created_time": 1767225600,
                            },
                        }
                    ],
                }
            ],
        }
    ).encode()


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(client: Client, body: bytes, signature: str | None) -> Any:
    headers = {"HTTP_X_HUB_SIGNATURE_256": signature} if signature is not None else {}
    with committed():
        return client.post(URL, data=body, content_type="application/json", **headers)


@pytest.fixture(autouse=True)
def _no_screening(settings: Any) -> None:
    """The comment screening is the comments work's to test; here only intake counts."""
    settings.PUBLISHERS_COMMENT_EVENT_HANDLERS = []


@pytest.fixture
def client(db: None) -> Client:
    return Client(enforce_csrf_checks=True)


def test_the_handshake_echoes_the_challenge_for_the_accounts_verify_token(
    client: Client, facebook_account: ChannelAccount
) -> None:
    response = client.get(
        URL,
        {
            "hub.mode": "subscribe",
            "hub.verify_token": "verify-token-value",
            "hub.challenge": "1158201444",
        },
    )

    assert response.status_code == 200
    assert response.content == b"1158201444"
    assert response["Content-Type"].startswith("text/plain")


def test_the_handshake_accepts_the_configured_token(client: Client, settings: Any) -> None:
    settings.FACEBOOK_WEBHOOK_VERIFY_TOKEN = "from-the-environment"
    response = client.get(
        URL,
        {
            "hub.mode": "subscribe",
            "hub.verify_token": "from-the-environment",
            "hub.challenge": "42",
        },
    )
    assert response.content == b"42"


def test_a_wrong_verify_token_is_refused(client: Client, facebook_account: ChannelAccount) -> None:
    response = client.get(
        URL, {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"}
    )
    assert response.status_code == 403


def test_a_signed_event_is_stored_and_queued(
    client: Client, facebook_account: ChannelAccount
) -> None:
    body = payload()

    response = post(client, body, sign(body))

    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert (event.platform, event.external_id, event.verb) == ("facebook", "122_900001", "add")
    assert event.account == facebook_account and event.school_id == facebook_account.school_id
    assert event.payload["message"] == "Lovely!"
    assert event.processed_at is not None  # the eager task ran


@pytest.mark.parametrize(
    "signature", [None, "", "sha256=00", sign(b"other body"), sign(payload(), "wrong-secret")]
)
def test_a_bad_signature_is_rejected_and_nothing_stored(
    client: Client, facebook_account: ChannelAccount, signature: str | None
) -> None:
    response = post(client, payload(), signature)

    assert response.status_code == 403
    assert not WebhookEvent.objects.exists()


def test_a_redelivered_event_is_stored_once(
    client: Client, facebook_account: ChannelAccount
) -> None:
    body = payload()
    for _ in range(3):
        assert post(client, body, sign(body)).status_code == 200

    assert WebhookEvent.objects.count() == 1


def test_a_later_change_to_the_same_comment_is_kept(
    client: Client, facebook_account: ChannelAccount
) -> None:
    for verb in ("add", "edited", "remove"):
        body = payload(verb=verb)
        post(client, body, sign(body))

    assert sorted(WebhookEvent.objects.values_list("external_id", flat=True)) == [
        "122_900001",
        "122_900001:edited",
        "122_900001:remove",
    ]


def test_the_global_app_secret_also_verifies(client: Client, settings: Any) -> None:
    settings.FACEBOOK_APP_SECRET = "global-secret"
    body = payload(page="999")

    assert post(client, body, sign(body, "global-secret")).status_code == 200
    event = WebhookEvent.objects.get()
    assert event.account is None and event.school is None


def test_another_pages_event_is_not_accepted_with_this_accounts_secret(
    client: Client, facebook_account: ChannelAccount
) -> None:
    body = payload(page="999")
    assert post(client, body, sign(body)).status_code == 403
    assert not WebhookEvent.objects.exists()


calls: list[int] = []


def record_event(*, event_id: int) -> None:
    calls.append(event_id)


def test_each_new_event_is_handed_to_the_comment_handlers_once(
    client: Client, facebook_account: ChannelAccount, settings: Any
) -> None:
    settings.PUBLISHERS_COMMENT_EVENT_HANDLERS = [f"{__name__}.record_event"]
    calls.clear()
    body = payload()

    post(client, body, sign(body))
    post(client, body, sign(body))

    assert calls == [WebhookEvent.objects.get().pk]


def test_an_event_whose_processing_was_lost_is_picked_up_by_the_sweep(
    client: Client, facebook_account: ChannelAccount, monkeypatch: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from publishers import services
    from publishers.services import common as services_common

    body = payload()
    with monkeypatch.context() as patched:
        patched.setattr(services_common, "queue_task", lambda *args, **kwargs: None)  # broker down
        post(client, body, sign(body))
    event = WebhookEvent.objects.get()
    assert event.processed_at is None

    with committed():
        counts = services.publications_recover(now=timezone.now() + timedelta(minutes=5))

    assert counts["webhook_events"] == 1
    event.refresh_from_db()
    assert event.processed_at is not None
