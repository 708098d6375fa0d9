"""XPublisher against a fake X API v2 that speaks the real HTTP contract (no network)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import responses
from responses import matchers

from publishers.base import MediaItem, PublisherError, PublishRequest
from publishers.x.client import XPublisher, parse_media_id
from tests.publishers.fakes import FakeX, sample_jpeg

SECRETS = ("consumer-secret-value", "access-token-value", "access-secret-value")


@pytest.fixture
def x() -> Iterator[FakeX]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield FakeX(rsps)


@pytest.fixture
def publisher() -> XPublisher:
    return XPublisher("consumer-key-value", *SECRETS)


def image(n: int = 1) -> MediaItem:
    return MediaItem(sample_jpeg(f"photo {n}".encode()), "image/jpeg", f"Pupils at sports day {n}")


def post(text: str = "Sports day was brilliant!", media: int = 0) -> PublishRequest:
    return PublishRequest(text, [image(i) for i in range(1, media + 1)], "post-7:x")


def a_minute_ago() -> datetime:
    return datetime.now(UTC) - timedelta(minutes=1)


# --------------------------------------------------------------------------- publishing


def test_it_publishes_text_and_returns_the_post_url(x: FakeX, publisher: XPublisher) -> None:
    result = publisher.publish(post("Hello from Oakfield"))

    assert [p["text"] for p in x.posts] == ["Hello from Oakfield"]
    assert result.external_id == x.posts[0]["id"]
    assert result.url == f"https://x.com/i/web/status/{result.external_id}"


def test_it_uploads_each_image_to_the_v2_media_endpoint(x: FakeX, publisher: XPublisher) -> None:
    publisher.publish(post(media=2))

    uploads = x.calls("upload")
    assert [u.host for u in uploads] == ["api.x.com", "api.x.com"]
    assert [u.form["media_category"] for u in uploads] == ["tweet_image", "tweet_image"]
    assert [u.files["media"].content_type for u in uploads] == ["image/jpeg", "image/jpeg"]


def test_it_sends_alt_text_with_each_image(x: FakeX, publisher: XPublisher) -> None:
    publisher.publish(post(media=3))

    assert [m["alt_text"] for m in x.uploads] == [
        "Pupils at sports day 1",
        "Pupils at sports day 2",
        "Pupils at sports day 3",
    ]
    sent = [c.json for c in x.calls("metadata")]
    assert sent[0] == {
        "id": x.calls("create")[0].json["media"]["media_ids"][0],
        "metadata": {"alt_text": {"text": "Pupils at sports day 1"}},
    }


def test_it_sends_the_exact_image_bytes(x: FakeX, publisher: XPublisher) -> None:
    item = image()

    publisher.publish(PublishRequest("Art week", [item], "post-8:x"))

    assert x.uploads[0]["data"] == item.data


def test_it_attaches_the_uploaded_media_ids_to_the_post(x: FakeX, publisher: XPublisher) -> None:
    publisher.publish(post(media=2))

    assert x.calls("create")[0].json == {
        "text": "Sports day was brilliant!",
        "media": {"media_ids": list(x.media)},
    }


def test_it_skips_the_alt_text_call_when_there_is_no_alt_text(
    x: FakeX, publisher: XPublisher
) -> None:
    publisher.publish(PublishRequest("No alt", [MediaItem(b"\xff\xd8", "image/jpeg", "")], "k"))

    assert x.calls("metadata") == []
    assert len(x.posts) == 1


def test_it_refuses_more_than_four_images_without_calling_x(
    x: FakeX, publisher: XPublisher
) -> None:
    with pytest.raises(PublisherError) as caught:
        publisher.publish(post(media=5))

    assert caught.value.permanent
    assert "at most 4 images" in caught.value.message
    assert x.requests == []


def test_every_call_has_a_timeout_and_oauth1_signature(publisher: XPublisher) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        rsps.post(
            "https://api.twitter.com/2/tweets",
            match=[
                matchers.json_params_matcher({"text": "Timed"}),
                matchers.request_kwargs_matcher({"timeout": (5.0, 30.0)}),
                matchers.header_matcher(
                    {"Authorization": re.compile(r"OAuth .*oauth_signature=.*")}, strict_match=False
                ),
            ],
            status=201,
            json={"data": {"id": "1", "text": "Timed", "edit_history_tweet_ids": ["1"]}},
        )

        assert publisher.publish(post("Timed")).external_id == "1"


def test_secrets_never_appear_in_urls_or_bodies(x: FakeX, publisher: XPublisher) -> None:
    publisher.publish(post(media=1))

    for request in x.requests:
        seen = request.path + str(request.query) + request.body.decode("latin-1")
        assert not any(secret in seen for secret in SECRETS)


def test_the_repr_never_shows_secrets(publisher: XPublisher) -> None:
    shown = repr(publisher) + repr(publisher.client)

    assert not any(secret in shown for secret in SECRETS)


@pytest.mark.parametrize(
    "payload",
    [
        {"data": {"id": "1912", "media_key": "3_1912"}},
        {"id": "1912"},
        {"media_id": 1912, "media_id_string": "1912"},
        {"data": {"media_id_string": "1912"}},
    ],
)
def test_the_media_id_is_read_from_any_known_answer_shape(payload: dict[str, object]) -> None:
    assert parse_media_id(payload) == "1912"


def test_an_upload_answer_without_an_id_is_a_plain_retry() -> None:
    with pytest.raises(PublisherError) as caught:
        parse_media_id({"data": {}})

    assert caught.value.retryable


# --------------------------------------------------------------------------- failures


def test_a_rate_limit_gives_retry_after_from_the_reset_time(
    x: FakeX, publisher: XPublisher
) -> None:
    x.fail("create", "rate_limit", reset_in=120)

    with pytest.raises(PublisherError) as caught:
        publisher.publish(post())

    assert caught.value.retry_after is not None
    assert 100 < caught.value.retry_after <= 121
    assert caught.value.retryable
    assert x.posts == []


def test_the_post_goes_out_when_retried_after_the_rate_limit(
    x: FakeX, publisher: XPublisher
) -> None:
    x.fail("create", "rate_limit")
    with pytest.raises(PublisherError):
        publisher.publish(post())

    result = publisher.publish(post())

    assert [p["id"] for p in x.posts] == [result.external_id]


def test_a_timeout_after_x_accepted_the_post_is_outcome_unknown(
    x: FakeX, publisher: XPublisher
) -> None:
    x.fail("create", "timeout_after_accept")

    with pytest.raises(PublisherError) as caught:
        publisher.publish(post(media=1))

    assert caught.value.outcome_unknown
    assert not caught.value.retryable
    assert len(x.posts) == 1  # X did publish it


def test_find_existing_finds_the_post_after_a_timeout_so_it_is_not_posted_twice(
    x: FakeX, publisher: XPublisher
) -> None:
    since = a_minute_ago()
    request = post("Trip to the museum & zoo <3", media=1)
    x.fail("create", "connection_error_after_accept")
    with pytest.raises(PublisherError):
        publisher.publish(request)

    found = publisher.find_existing(request, since=since)

    assert found is not None
    assert found.external_id == x.posts[0]["id"]
    assert len(x.posts) == 1
    assert x.calls("timeline")[0].path == f"/2/users/{x.user['id']}/tweets"


def test_find_existing_returns_none_when_the_post_never_arrived(
    x: FakeX, publisher: XPublisher
) -> None:
    x.fail("create", "timeout_before_accept")
    with pytest.raises(PublisherError) as caught:
        publisher.publish(post())

    assert caught.value.retryable  # the connection never opened
    assert publisher.find_existing(post(), since=a_minute_ago()) is None


def test_find_existing_ignores_an_identical_older_post(x: FakeX, publisher: XPublisher) -> None:
    x.add_post("Reminder: no school on Monday", age=timedelta(days=3))

    found = publisher.find_existing(post("Reminder: no school on Monday"), since=a_minute_ago())

    assert found is None


def test_a_duplicate_content_answer_on_create_means_reconcile(
    x: FakeX, publisher: XPublisher
) -> None:
    x.fail("create", "duplicate")

    with pytest.raises(PublisherError) as caught:
        publisher.publish(post())

    assert caught.value.outcome_unknown
    assert "duplicate" in (caught.value.detail or "")


def test_a_blind_retry_after_a_timeout_would_be_refused_as_a_duplicate(
    x: FakeX, publisher: XPublisher
) -> None:
    x.fail("create", "timeout_after_accept")
    with pytest.raises(PublisherError):
        publisher.publish(post())

    with pytest.raises(PublisherError) as caught:
        publisher.publish(post())

    assert caught.value.outcome_unknown
    assert len(x.posts) == 1


def test_a_server_error_on_create_means_outcome_unknown(x: FakeX, publisher: XPublisher) -> None:
    x.fail("create", "server_error")

    with pytest.raises(PublisherError) as caught:
        publisher.publish(post())

    assert caught.value.outcome_unknown


def test_a_server_error_during_media_upload_is_a_plain_retry(
    x: FakeX, publisher: XPublisher
) -> None:
    x.fail("upload", "server_error")

    with pytest.raises(PublisherError) as caught:
        publisher.publish(post(media=1))

    assert caught.value.retryable
    assert x.calls("create") == []


def test_an_expired_token_needs_reconnect(x: FakeX, publisher: XPublisher) -> None:
    x.expired = True

    with pytest.raises(PublisherError) as caught:
        publisher.publish(post())

    assert caught.value.needs_reconnect
    assert "reconnect" in caught.value.message


def test_a_content_rejection_is_permanent(x: FakeX, publisher: XPublisher) -> None:
    x.fail("create", "forbidden")

    with pytest.raises(PublisherError) as caught:
        publisher.publish(post())

    assert caught.value.permanent
    assert not caught.value.outcome_unknown
    assert caught.value.message.startswith("X refused this.")


def test_an_invalid_request_is_permanent(x: FakeX, publisher: XPublisher) -> None:
    x.fail("create", "bad_request")

    with pytest.raises(PublisherError) as caught:
        publisher.publish(post())

    assert caught.value.permanent


# --------------------------------------------------------------------------- deleting


def test_delete_removes_the_post(x: FakeX, publisher: XPublisher) -> None:
    post_id = x.add_post("Oops")

    publisher.delete(post_id)

    assert x.posts == []


def test_deleting_a_post_that_is_already_gone_succeeds(x: FakeX, publisher: XPublisher) -> None:
    publisher.delete("1912000000000009999")

    assert x.calls("delete")[0].method == "DELETE"


def test_a_rate_limited_delete_is_still_an_error(x: FakeX, publisher: XPublisher) -> None:
    x.fail("delete", "rate_limit")

    with pytest.raises(PublisherError) as caught:
        publisher.delete(x.add_post("Oops"))

    assert caught.value.retry_after is not None


# --------------------------------------------------------------------------- replies


def test_it_fetches_replies_with_authors_and_parents(x: FakeX, publisher: XPublisher) -> None:
    root = x.add_post("Sports day!")
    first = x.add_reply(root, "Well done everyone", username="proud_parent")
    x.add_reply(root, "Agreed", parent_id=first, author_id="99", username="grandma")

    page = publisher.fetch_comments(root, None)

    by_text = {c.text: c for c in page.comments}
    assert by_text["Well done everyone"].parent_external_id is None
    assert by_text["Well done everyone"].author_name == "proud_parent"
    assert by_text["Agreed"].parent_external_id == first
    assert by_text["Agreed"].author_id == "99"
    assert (
        by_text["Agreed"].permalink
        == f"https://x.com/grandma/status/{by_text['Agreed'].external_id}"
    )
    assert page.cursor == max(c.external_id for c in page.comments)
    assert not page.has_more


def test_it_searches_the_conversation_for_replies(x: FakeX, publisher: XPublisher) -> None:
    root = x.add_post("Sports day!")

    publisher.fetch_comments(root, None)

    query = x.calls("search")[0].query
    assert query["query"] == f"conversation_id:{root} is:reply"
    assert query["max_results"] == "100"
    assert "author_id" in query["expansions"]


def test_it_only_fetches_replies_newer_than_the_cursor(x: FakeX, publisher: XPublisher) -> None:
    root = x.add_post("Sports day!")
    x.add_reply(root, "old")
    cursor = publisher.fetch_comments(root, None).cursor
    x.add_reply(root, "new")

    page = publisher.fetch_comments(root, cursor)

    assert [c.text for c in page.comments] == ["new"]
    assert x.calls("search")[-1].query["since_id"] == cursor


def test_it_follows_every_result_page_and_keeps_the_newest_id(
    x: FakeX, publisher: XPublisher
) -> None:
    root = x.add_post("Sports day!")
    ids = [x.add_reply(root, f"reply {n}") for n in range(150)]

    page = publisher.fetch_comments(root, None)

    assert len(page.comments) == 150
    assert page.cursor == ids[-1]
    assert [c.query.get("next_token") for c in x.calls("search")] == [None, "100"]


def test_an_empty_reply_search_keeps_the_cursor(x: FakeX, publisher: XPublisher) -> None:
    root = x.add_post("Sports day!")

    page = publisher.fetch_comments(root, "1912000000000000001")

    assert page.comments == []
    assert page.cursor == "1912000000000000001"


def test_it_hides_and_unhides_a_reply(x: FakeX, publisher: XPublisher) -> None:
    reply = x.add_reply(x.add_post("Sports day!"), "rude words")

    publisher.hide_comment(reply, True)
    assert x.tweets[reply]["hidden"] is True

    publisher.hide_comment(reply, False)
    assert x.tweets[reply]["hidden"] is False
    assert [c.json for c in x.calls("hide")] == [{"hidden": True}, {"hidden": False}]


def test_hiding_a_reply_that_is_gone_succeeds(x: FakeX, publisher: XPublisher) -> None:
    publisher.hide_comment("1912000000000009999", True)

    assert len(x.calls("hide")) == 1


def test_deleting_someone_elses_reply_is_not_possible_on_x(publisher: XPublisher) -> None:
    with pytest.raises(PublisherError) as caught:
        publisher.delete_comment("1")

    assert caught.value.permanent
    assert caught.value.message.startswith("X does not allow")


def test_blocking_an_author_is_not_possible_on_x(publisher: XPublisher) -> None:
    with pytest.raises(PublisherError) as caught:
        publisher.block_author("2244994945")

    assert caught.value.permanent
    assert caught.value.message.startswith("X does not allow")


# --------------------------------------------------------------------------- health


def test_health_is_ok_with_a_read_write_token(x: FakeX, publisher: XPublisher) -> None:
    report = publisher.check_health()

    assert report.ok
    assert report.problems == []
    assert publisher.user_id == x.user["id"]


def test_health_reports_a_read_only_token(x: FakeX, publisher: XPublisher) -> None:
    x.access_level = "read"

    report = publisher.check_health()

    assert not report.ok
    assert "read-only" in report.problems[0]


def test_health_reports_an_expired_token(x: FakeX, publisher: XPublisher) -> None:
    x.expired = True

    report = publisher.check_health()

    assert not report.ok
    assert "reconnect" in report.problems[0]
