"""FacebookPagePublisher and the Graph client against a fake Graph API (no network)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import responses
from responses import matchers

from publishers.base import MediaItem, PublisherError, PublishRequest
from publishers.meta.facebook import COMMENT_FIELDS, FacebookPagePublisher
from publishers.meta.graph import appsecret_proof, graph_error
from tests.publishers.fakes import FakeGraph, sample_jpeg


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield FakeGraph(rsps)


@pytest.fixture
def publisher(graph: FakeGraph) -> FacebookPagePublisher:
    return FacebookPagePublisher(
        graph.page_id, graph.page_token, graph.app_secret, app_id=graph.app_id
    )


def image(n: int = 1) -> MediaItem:
    return MediaItem(sample_jpeg(f"photo {n}".encode()), "image/jpeg", f"Class {n} on stage")


def post(text: str = "Our nativity play!", media: int = 0) -> PublishRequest:
    return PublishRequest(text, [image(i) for i in range(1, media + 1)], "post-7:facebook")


def a_minute_ago() -> datetime:
    return datetime.now(UTC) - timedelta(minutes=1)


# --------------------------------------------------------------------------- publishing


def test_it_posts_text_to_the_page_feed(graph: FakeGraph, publisher: FacebookPagePublisher) -> None:
    result = publisher.publish(post("Hello from Oakfield"))

    assert graph.calls("feed")[0].form["message"] == "Hello from Oakfield"
    assert result.external_id in graph.posts
    page, _, story = result.external_id.partition("_")
    assert result.url == f"https://www.facebook.com/{page}/posts/{story}"


def test_it_posts_one_image_as_a_published_photo_with_alt_text(
    graph: FakeGraph, publisher: FacebookPagePublisher
) -> None:
    result = publisher.publish(post(media=1))

    call = graph.calls("photos")[0]
    assert call.form["message"] == "Our nativity play!"
    assert call.form["alt_text_custom"] == "Class 1 on stage"
    assert call.form["published"] == "true"
    assert result.external_id == next(iter(graph.photos.values()))["post_id"]
    assert graph.calls("feed") == []


def test_it_sends_the_exact_image_bytes(graph: FakeGraph, publisher: FacebookPagePublisher) -> None:
    item = image()

    publisher.publish(PublishRequest("Art week", [item], "post-8:facebook"))

    part = graph.calls("photos")[0].files["source"]
    assert part.data == item.data
    assert part.content_type == "image/jpeg"


def test_it_uploads_several_images_unpublished_then_makes_one_feed_post(
    graph: FakeGraph, publisher: FacebookPagePublisher
) -> None:
    result = publisher.publish(post(media=3))

    uploads = graph.calls("photos")
    assert [u.form["published"] for u in uploads] == ["false"] * 3
    assert all("message" not in u.form for u in uploads)
    feed = graph.calls("feed")
    assert len(feed) == 1
    attached = [json.loads(feed[0].form[f"attached_media[{i}]"]) for i in range(3)]
    assert attached == [{"media_fbid": photo_id} for photo_id in graph.photos]
    assert graph.posts[result.external_id]["photos"] == list(graph.photos)


def test_it_sends_alt_text_with_each_image(
    graph: FakeGraph, publisher: FacebookPagePublisher
) -> None:
    publisher.publish(post(media=3))

    assert [p["alt_text"] for p in graph.photos.values()] == [
        "Class 1 on stage",
        "Class 2 on stage",
        "Class 3 on stage",
    ]
    assert [p["data"] for p in graph.photos.values()] == [image(n).data for n in (1, 2, 3)]


def test_every_call_is_pinned_signed_and_timed(publisher: FacebookPagePublisher) -> None:
    proof = appsecret_proof("EAAPageTokenValue", "app-secret-value")
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        rsps.post(
            "https://graph.facebook.com/v25.0/104000000000001/feed",
            match=[
                matchers.urlencoded_params_matcher({"message": "Hello", "appsecret_proof": proof}),
                matchers.header_matcher({"Authorization": "Bearer EAAPageTokenValue"}),
                matchers.request_kwargs_matcher({"timeout": (5.0, 30.0)}),
            ],
            json={"id": "104000000000001_1"},
        )

        assert publisher.publish(post("Hello")).external_id == "104000000000001_1"


def test_the_graph_version_is_configurable(graph: FakeGraph) -> None:
    graph.version = "v26.0"
    publisher = FacebookPagePublisher(
        graph.page_id, graph.page_token, graph.app_secret, graph_version="v26.0"
    )

    publisher.publish(post())

    assert graph.requests[0].path == f"/v26.0/{graph.page_id}/feed"


def test_the_token_never_travels_in_a_url_or_shows_in_repr(
    graph: FakeGraph, publisher: FacebookPagePublisher
) -> None:
    publisher.publish(post(media=2))
    publisher.fetch_comments(next(iter(graph.posts)), None)

    for request in graph.requests:
        assert graph.page_token not in request.path + str(request.query)
        assert request.params["appsecret_proof"]
    shown = repr(publisher) + repr(publisher.graph)
    assert graph.page_token not in shown and graph.app_secret not in shown


# --------------------------------------------------------------------------- failures


def test_a_rate_limit_gives_retry_after_then_the_retry_succeeds(
    graph: FakeGraph, publisher: FacebookPagePublisher
) -> None:
    graph.fail("feed", "rate_limit")
    with pytest.raises(PublisherError) as caught:
        publisher.publish(post())
    assert caught.value.retry_after == 600
    assert caught.value.retryable

    result = publisher.publish(post())

    assert list(graph.posts) == [result.external_id]


def test_the_wait_comes_from_the_business_use_case_header(
    graph: FakeGraph, publisher: FacebookPagePublisher
) -> None:
    graph.fail("feed", "page_rate_limit", minutes=7)

    with pytest.raises(PublisherError) as caught:
        publisher.publish(post())

    assert caught.value.retry_after == 7 * 60
    assert "about 7 minutes" in caught.value.message


def test_a_timeout_after_facebook_accepted_is_outcome_unknown(
    graph: FakeGraph, publisher: FacebookPagePublisher
) -> None:
    graph.fail("feed", "timeout_after_accept")

    with pytest.raises(PublisherError) as caught:
        publisher.publish(post(media=2))

    assert caught.value.outcome_unknown
    assert len(graph.posts) == 1


def test_find_existing_finds_the_post_after_a_timeout_so_it_is_not_posted_twice(
    graph: FakeGraph, publisher: FacebookPagePublisher
) -> None:
    since = a_minute_ago()
    graph.fail("photos", "connection_error_after_accept")
    with pytest.raises(PublisherError) as caught:
        publisher.publish(post(media=1))
    assert caught.value.outcome_unknown

    found = publisher.find_existing(post(media=1), since=since)

    assert found is not None
    assert found.external_id == next(iter(graph.posts))
    assert len(graph.posts) == 1
    query = graph.calls("published_posts")[0].query
    assert int(query["since"]) == int(since.timestamp())


def test_find_existing_ignores_an_identical_older_post(
    graph: FakeGraph, publisher: FacebookPagePublisher
) -> None:
    graph.add_post("Reminder: no school on Monday", age=timedelta(days=7))

    assert (
        publisher.find_existing(post("Reminder: no school on Monday"), since=a_minute_ago()) is None
    )


def test_an_unpublished_photo_upload_timeout_is_a_plain_retry(
    graph: FakeGraph, publisher: FacebookPagePublisher
) -> None:
    graph.fail("photos", "timeout_after_accept")

    with pytest.raises(PublisherError) as caught:
        publisher.publish(post(media=2))

    assert caught.value.retryable
    assert graph.posts == {}


def test_a_transient_error_on_the_final_feed_call_means_reconcile(
    graph: FakeGraph, publisher: FacebookPagePublisher
) -> None:
    graph.fail("feed", "server_error")

    with pytest.raises(PublisherError) as caught:
        publisher.publish(post(media=2))

    assert caught.value.outcome_unknown


def test_a_duplicate_answer_on_create_means_reconcile(
    graph: FakeGraph, publisher: FacebookPagePublisher
) -> None:
    graph.fail("feed", "duplicate")

    with pytest.raises(PublisherError) as caught:
        publisher.publish(post())

    assert caught.value.outcome_unknown
    assert "code=506" in (caught.value.detail or "")


def test_an_expired_token_needs_reconnect(
    graph: FakeGraph, publisher: FacebookPagePublisher
) -> None:
    graph.fail("feed", "expired_token")

    with pytest.raises(PublisherError) as caught:
        publisher.publish(post())

    assert caught.value.needs_reconnect
    assert "reconnect the Facebook account" in caught.value.message
    assert "code=190 subcode=463" in (caught.value.detail or "")


def test_a_policy_block_is_permanent(graph: FakeGraph, publisher: FacebookPagePublisher) -> None:
    graph.fail("feed", "policy_block")

    with pytest.raises(PublisherError) as caught:
        publisher.publish(post())

    assert caught.value.permanent
    assert not caught.value.outcome_unknown


def test_a_missing_permission_is_permanent(
    graph: FakeGraph, publisher: FacebookPagePublisher
) -> None:
    graph.fail("feed", "permission")

    with pytest.raises(PublisherError) as caught:
        publisher.publish(post())

    assert caught.value.permanent
    assert "permission" in caught.value.message


def test_an_invalid_parameter_is_permanent(
    graph: FakeGraph, publisher: FacebookPagePublisher
) -> None:
    graph.fail("feed", "invalid_parameter")

    with pytest.raises(PublisherError) as caught:
        publisher.publish(post())

    assert caught.value.permanent


def test_the_feed_limit_defers_for_hours(
    graph: FakeGraph, publisher: FacebookPagePublisher
) -> None:
    graph.fail("feed", "feed_limit")

    with pytest.raises(PublisherError) as caught:
        publisher.publish(post())

    assert caught.value.retry_after is not None and caught.value.retry_after >= 3600


def test_an_error_page_without_json_on_create_is_outcome_unknown() -> None:
    error = graph_error(502, None, {}, platform="Facebook", creating=True)

    assert error.outcome_unknown


# --------------------------------------------------------------------------- deleting


def test_delete_removes_the_post(graph: FakeGraph, publisher: FacebookPagePublisher) -> None:
    post_id = graph.add_post("Oops")

    publisher.delete(post_id)

    assert graph.posts == {}


def test_deleting_a_post_that_is_already_gone_succeeds(
    graph: FakeGraph, publisher: FacebookPagePublisher
) -> None:
    publisher.delete(f"{graph.page_id}_999")

    assert graph.calls("delete")[0].path == f"/v25.0/{graph.page_id}_999"


# --------------------------------------------------------------------------- comments


def test_it_reads_comments_with_the_documented_fields(
    graph: FakeGraph, publisher: FacebookPagePublisher
) -> None:
    post_id = graph.add_post("Sports day!")
    first = graph.add_comment(post_id, "Well done!", image="https://scontent.example/c.jpg")
    graph.add_comment(post_id, "Agreed", parent=first, author=("777", "Grandma"))

    page = publisher.fetch_comments(post_id, None)

    query = graph.calls("comments")[0].query
    assert query["fields"] == COMMENT_FIELDS
    assert (query["filter"], query["order"], query["limit"]) == (
        "stream",
        "reverse_chronological",
        "100",
    )
    by_text = {c.text: c for c in page.comments}
    assert by_text["Well done!"].parent_external_id is None
    assert by_text["Well done!"].author_name == "A Parent"
    assert by_text["Well done!"].media_urls == ["https://scontent.example/c.jpg"]
    assert by_text["Agreed"].parent_external_id == first
    assert by_text["Agreed"].author_id == "777"
    assert by_text["Agreed"].permalink is not None
    assert page.cursor is None and not page.has_more


def test_it_pages_through_comments_with_the_after_cursor(
    graph: FakeGraph, publisher: FacebookPagePublisher
) -> None:
    post_id = graph.add_post("Sports day!")
    for n in range(150):
        graph.add_comment(post_id, f"comment {n}")

    first = publisher.fetch_comments(post_id, None)
    second = publisher.fetch_comments(post_id, first.cursor)

    assert (len(first.comments), first.has_more) == (100, True)
    assert (len(second.comments), second.has_more, second.cursor) == (50, False, None)
    assert graph.calls("comments")[1].query["after"] == first.cursor
    seen = {c.text for c in first.comments + second.comments}
    assert len(seen) == 150


def test_a_comment_without_from_has_no_author(
    graph: FakeGraph, publisher: FacebookPagePublisher
) -> None:
    post_id = graph.add_post("Sports day!")
    graph.add_comment(post_id, "anonymous", author=None)

    comment = publisher.fetch_comments(post_id, None).comments[0]

    assert (comment.author_id, comment.author_name) == (None, None)
    assert "from" not in comment.raw


def test_it_hides_and_unhides_a_comment(graph: FakeGraph, publisher: FacebookPagePublisher) -> None:
    comment = graph.add_comment(graph.add_post("Sports day!"), "rude words")

    publisher.hide_comment(comment, True)
    assert graph.comments[comment]["hidden"] is True

    publisher.hide_comment(comment, False)
    assert graph.comments[comment]["hidden"] is False
    assert [c.form["is_hidden"] for c in graph.calls("comment_update")] == ["true", "false"]


def test_hiding_a_comment_that_is_gone_succeeds(
    graph: FakeGraph, publisher: FacebookPagePublisher
) -> None:
    publisher.hide_comment("1_2", True)

    assert len(graph.calls("comment_update")) == 1


def test_it_deletes_a_comment(graph: FakeGraph, publisher: FacebookPagePublisher) -> None:
    comment = graph.add_comment(graph.add_post("Sports day!"), "rude words")

    publisher.delete_comment(comment)
    publisher.delete_comment(comment)  # already gone: still fine

    assert comment not in graph.comments


def test_it_bans_the_author_from_the_page(
    graph: FakeGraph, publisher: FacebookPagePublisher
) -> None:
    publisher.block_author("5550001")

    assert graph.blocked == ["5550001"]
    assert graph.calls("blocked")[0].path == f"/v25.0/{graph.page_id}/blocked"


# --------------------------------------------------------------------------- health


def test_health_is_ok_with_a_page_token_and_all_permissions(
    graph: FakeGraph, publisher: FacebookPagePublisher
) -> None:
    report = publisher.check_health()

    assert report.ok and report.problems == []
    debug = graph.calls("debug_token")[0]
    assert debug.headers["Authorization"] == f"Bearer {graph.app_id}|{graph.app_secret}"


def test_health_lists_missing_permissions(
    graph: FakeGraph, publisher: FacebookPagePublisher
) -> None:
    graph.scopes.remove("pages_manage_posts")

    report = publisher.check_health()

    assert not report.ok
    assert "pages_manage_posts" in report.problems[0]


def test_health_spots_a_token_for_another_page(
    graph: FakeGraph, publisher: FacebookPagePublisher
) -> None:
    graph.me_id = "999"

    report = publisher.check_health()

    assert not report.ok
    assert "different Page" in report.problems[0]


def test_health_reports_an_expired_token(
    graph: FakeGraph, publisher: FacebookPagePublisher
) -> None:
    graph.expired = True

    report = publisher.check_health()

    assert not report.ok
    assert "reconnect" in report.problems[0]


def test_health_without_an_app_id_skips_the_permission_check(graph: FakeGraph) -> None:
    publisher = FacebookPagePublisher(graph.page_id, graph.page_token, graph.app_secret)

    assert publisher.check_health().ok
    assert graph.calls("debug_token") == []
