"""Meta webhook helpers: signature check, subscription handshake, comment event parsing."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from publishers.meta.webhooks import (
    parse_comment_events,
    verify_signature,
    verify_subscription,
)

SECRET = "app-secret-value"


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def facebook_payload(**value: Any) -> dict[str, Any]:
    base = {
        "item": "comment",
        "verb": "add",
        "comment_id": "122000000000000007_900001",
        "post_id": "104000000000001_122000000000000007",
        "parent_id": "104000000000001_122000000000000007",
        "message": "Lovely photos!",
        "from": {"id": "5550001", "name": "A Parent"},
        "created_time": 1767268800,
    }
    return {
        "object": "page",
        "entry": [
            {
                "id": "104000000000001",
                "time": 1767268801,
                "changes": [{"field": "feed", "value": {**base, **value}}],
            }
        ],
    }


# --------------------------------------------------------------------------- signatures


def test_a_correctly_signed_body_is_accepted() -> None:
    body = json.dumps(facebook_payload()).encode()

    assert verify_signature(body, sign(body), SECRET)


def test_a_body_signed_with_another_secret_is_rejected() -> None:
    body = json.dumps(facebook_payload()).encode()

    assert not verify_signature(body, sign(body, "someone-else"), SECRET)


def test_a_tampered_body_is_rejected() -> None:
    body = json.dumps(facebook_payload()).encode()

    assert not verify_signature(body.replace(b"Lovely", b"Awful!"), sign(body), SECRET)


def test_the_signature_is_over_the_raw_bytes_not_reparsed_json() -> None:
    body = b'{"object": "page",  "entry": []}'
    reserialised = json.dumps(json.loads(body)).encode()

    assert not verify_signature(reserialised, sign(body), SECRET)


@pytest.mark.parametrize("header", [None, "", "sha256=", "sha1=abc", "garbage"])
def test_a_missing_or_malformed_signature_header_is_rejected(header: str | None) -> None:
    assert not verify_signature(b"{}", header, SECRET)


def test_an_empty_app_secret_never_verifies() -> None:
    assert not verify_signature(b"{}", sign(b"{}", ""), "")


def test_an_uppercase_hex_signature_is_accepted() -> None:
    body = b'{"object":"page"}'

    assert verify_signature(body, sign(body).upper().replace("SHA256=", "sha256="), SECRET)


# --------------------------------------------------------------------------- subscription


def test_the_subscription_handshake_returns_the_challenge() -> None:
    params = {"hub.mode": "subscribe", "hub.verify_token": "s3cret", "hub.challenge": "1158201444"}

    assert verify_subscription(params, "s3cret") == "1158201444"


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": "s3cret", "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.verify_token": "s3cret"},
        {},
    ],
)
def test_a_bad_subscription_handshake_is_refused(params: dict[str, str]) -> None:
    assert verify_subscription(params, "s3cret") is None


def test_an_unset_verify_token_refuses_every_handshake() -> None:
    params = {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}

    assert verify_subscription(params, "") is None


# --------------------------------------------------------------------------- parsing


def test_it_parses_a_new_facebook_comment() -> None:
    (event,) = parse_comment_events(facebook_payload())

    assert event.platform == "facebook"
    assert event.account_id == "104000000000001"
    assert event.verb == "add"
    assert event.comment_id == "122000000000000007_900001"
    assert event.post_id == "104000000000001_122000000000000007"
    assert event.parent_id is None  # a comment on the post itself
    assert (event.author_id, event.author_name) == ("5550001", "A Parent")
    assert event.text == "Lovely photos!"
    assert event.created_at == datetime.fromtimestamp(1767268800, tz=UTC)


def test_a_reply_keeps_its_parent_comment() -> None:
    (event,) = parse_comment_events(facebook_payload(parent_id="122000000000000007_900000"))

    assert event.parent_id == "122000000000000007_900000"


def test_a_removed_comment_has_the_remove_verb_and_may_lack_text() -> None:
    payload = facebook_payload(verb="remove")
    del payload["entry"][0]["changes"][0]["value"]["message"]

    (event,) = parse_comment_events(payload)

    assert (event.verb, event.text) == ("remove", None)


def test_non_comment_feed_changes_are_ignored() -> None:
    payload = facebook_payload(item="reaction", reaction_type="like")

    assert parse_comment_events(payload) == []


def test_it_parses_an_instagram_comment() -> None:
    payload = {
        "object": "instagram",
        "entry": [
            {
                "id": "17841400000000001",
                "time": 1767268801,
                "changes": [
                    {
                        "field": "comments",
                        "value": {
                            "from": {"id": "1789", "username": "proud_dad"},
                            "media": {"id": "17900000000000011", "media_product_type": "FEED"},
                            "id": "17865799348089039",
                            "text": "Brilliant!",
                        },
                    }
                ],
            }
        ],
    }

    (event,) = parse_comment_events(payload)

    assert event.platform == "instagram"
    assert (event.comment_id, event.post_id) == ("17865799348089039", "17900000000000011")
    assert (event.author_name, event.text, event.parent_id) == ("proud_dad", "Brilliant!", None)


def test_every_entry_and_change_is_read() -> None:
    first = facebook_payload()
    second = facebook_payload(comment_id="122000000000000007_900002")
    first["entry"].append(second["entry"][0])

    assert [e.comment_id for e in parse_comment_events(first)] == [
        "122000000000000007_900001",
        "122000000000000007_900002",
    ]


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"object": "page"},
        {"object": "page", "entry": "nope"},
        {"object": "page", "entry": [{"changes": [{"field": "feed", "value": None}]}]},
        {
            "object": "page",
            "entry": [{"changes": [{"field": "feed", "value": {"item": "comment"}}]}],
        },
        {"object": "user", "entry": [{"changes": [{"field": "feed", "value": {}}]}]},
    ],
)
def test_malformed_payloads_give_no_events_instead_of_raising(payload: dict[str, Any]) -> None:
    assert parse_comment_events(payload) == []
