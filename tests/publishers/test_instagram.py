"""InstagramPublisher against a fake Graph API (no network, no real waiting)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import responses

from publishers.base import MediaItem, PublisherError, PublishRequest
from publishers.meta.instagram import COMMENT_FIELDS, InstagramPublisher
from tests.publishers.fakes import FakeGraph, sample_jpeg


class Clock:
    """A fake monotonic clock that advances only when the publisher sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield FakeGraph(rsps)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def publisher(graph: FakeGraph, clock: Clock) -> InstagramPublisher:
    return InstagramPublisher(
        graph.ig_user_id,
        graph.page_token,
        graph.app_secret,
        app_id=graph.app_id,
        max_wait=10,
        poll_interval=2,
        sleep=clock.sleep,
        clock=clock.time,
    )


def image(n: int = 1) -> MediaItem:
    return MediaItem(
        sample_jpeg(f"photo {n}".encode()),
        "image/jpeg",
        f"Year {n} pupils planting trees",
        f"https://media.oakfield.example/{n}.jpg?signature=abc&expires=3600",
    )


def post(text: str = "Tree planting day", media: int = 1) -> PublishRequest:
    return PublishRequest(text, [image(i) for i in range(1, media + 1)], "post-7:instagram")


def a_minute_ago() -> datetime:
    return datetime.now(UTC) - timedelta(minutes=1)


# --------------------------------------------------------------------------- publishing


def test_it_publishes_one_image_with_caption_and_alt_text(
    graph: FakeGraph, publisher: InstagramPublisher
) -> None:
    result = publisher.publish(post())

    container = graph.calls("container")[0].form
    assert container["caption"] == "Tree planting day"
    assert container["alt_text"] == "Year 1 pupils planting trees"
    assert container["image_url"] == image(1).public_url
    publish = graph.calls("media_publish")[0].form
    assert publish["creation_id"] == next(iter(graph.containers))
    assert result.external_id in graph.ig_media
    assert result.url == graph.ig_media[result.external_id]["permalink"]


def test_it_sends_the_public_url_and_never_the_image_bytes(
    graph: FakeGraph, publisher: InstagramPublisher
) -> None:
    publisher.publish(post())

    assert all(not r.files for r in graph.requests)
    assert all(b"photo 1" not in r.body for r in graph.requests)


def test_it_publishes_a_carousel_with_children_and_alt_text_each(
    graph: FakeGraph, publisher: InstagramPublisher
) -> None:
    result = publisher.publish(post(media=3))

    containers = [c.form for c in graph.calls("container")]
    children, parent = containers[:3], containers[3]
    assert [c["is_carousel_item"] for c in children] == ["true"] * 3
    assert all("caption" not in c for c in children)
    assert parent["media_type"] == "CAROUSEL"
    assert parent["caption"] == "Tree planting day"
    assert parent["children"] == ",".join(list(graph.containers)[:3])
    assert graph.ig_media[result.external_id]["images"] == [
        {"image_url": image(n).public_url, "alt_text": image(n).alt_text} for n in (1, 2, 3)
    ]
    assert len(graph.calls("media_publish")) == 1


def test_it_waits_for_the_container_to_finish(
    graph: FakeGraph, publisher: InstagramPublisher, clock: Clock
) -> None:
    graph.set_container_statuses("IN_PROGRESS", "IN_PROGRESS", "FINISHED")

    publisher.publish(post())

    assert len(graph.calls("container_status")) == 3
    assert clock.sleeps == [2, 2]
    assert graph.calls("container_status")[0].query["fields"] == "status_code,status"


def test_it_stops_waiting_after_max_wait_without_publishing(
    graph: FakeGraph, publisher: InstagramPublisher, clock: Clock
) -> None:
    graph.set_container_statuses("IN_PROGRESS")

    with pytest.raises(PublisherError) as caught:
        publisher.publish(post())

    assert caught.value.retryable and caught.value.retry_after
    assert clock.now == 10
    assert graph.calls("media_publish") == []


def test_a_container_error_is_permanent(graph: FakeGraph, publisher: InstagramPublisher) -> None:
    graph.set_container_statuses("ERROR")

    with pytest.raises(PublisherError) as caught:
        publisher.publish(post())

    assert caught.value.permanent
    assert "could not use one of the images" in caught.value.message
    assert graph.calls("media_publish") == []


def test_an_expired_container_is_a_plain_retry(
    graph: FakeGraph, publisher: InstagramPublisher
) -> None:
    graph.set_container_statuses("EXPIRED")

    with pytest.raises(PublisherError) as caught:
        publisher.publish(post())

    assert caught.value.retryable


def test_a_container_already_published_counts_as_done(
    graph: FakeGraph, publisher: InstagramPublisher
) -> None:
    request = post()
    container = publisher.create_container(request)
    first = publisher.publish_container(container, request)

    again = publisher.publish_container(container, request)

    assert again == first
    assert len(graph.calls("media_publish")) == 1
    assert len(graph.ig_media) == 1


def test_a_timeout_on_media_publish_is_outcome_unknown(
    graph: FakeGraph, publisher: InstagramPublisher
) -> None:
    graph.fail("media_publish", "timeout_after_accept")

    with pytest.raises(PublisherError) as caught:
        publisher.publish(post())

    assert caught.value.outcome_unknown
    assert len(graph.ig_media) == 1


def test_find_existing_finds_the_post_after_a_timeout_so_it_is_not_posted_twice(
    graph: FakeGraph, publisher: InstagramPublisher
) -> None:
    since = a_minute_ago()
    graph.add_ig_media("Tree planting day", age=timedelta(days=30))
    graph.fail("media_publish", "connection_error_after_accept")
    with pytest.raises(PublisherError):
        publisher.publish(post())

    found = publisher.find_existing(post(), since=since)

    assert found is not None
    assert found.external_id == list(graph.ig_media)[-1]
    assert found.url == graph.ig_media[found.external_id]["permalink"]
    assert graph.calls("media_list")[0].query["fields"] == "id,caption,timestamp,permalink"


def test_find_existing_returns_none_when_nothing_was_published(
    graph: FakeGraph, publisher: InstagramPublisher
) -> None:
    assert publisher.find_existing(post(), since=a_minute_ago()) is None


def test_a_rate_limit_gives_retry_after_then_the_retry_succeeds(
    graph: FakeGraph, publisher: InstagramPublisher
) -> None:
    graph.fail("container", "rate_limit")
    with pytest.raises(PublisherError) as caught:
        publisher.publish(post())
    assert caught.value.retry_after == 600

    result = publisher.publish(post())

    assert list(graph.ig_media) == [result.external_id]


def test_the_daily_publishing_limit_defers(graph: FakeGraph, publisher: InstagramPublisher) -> None:
    graph.fail("media_publish", "publish_limit")

    with pytest.raises(PublisherError) as caught:
        publisher.publish(post())

    assert caught.value.retry_after == 3600
    assert "100 posts a day" in caught.value.message


def test_an_expired_token_needs_reconnect(graph: FakeGraph, publisher: InstagramPublisher) -> None:
    graph.expired = True

    with pytest.raises(PublisherError) as caught:
        publisher.publish(post())

    assert caught.value.needs_reconnect
    assert "reconnect the Instagram account" in caught.value.message


def test_a_missing_permalink_does_not_fail_a_published_post(
    graph: FakeGraph, publisher: InstagramPublisher
) -> None:
    graph.fail("permalink", "server_error")

    result = publisher.publish(post())

    assert result.external_id in graph.ig_media
    assert result.url == ""


@pytest.mark.parametrize(
    ("request_", "reason"),
    [
        (PublishRequest("No picture", [], "k"), "at least one image"),
        (post(media=11), "at most 10 images"),
        (post(text="x" * 2201), "2200 characters"),
        (
            PublishRequest("PNG", [MediaItem(b"png", "image/png", "", "https://a.example/1")], "k"),
            "only accepts JPEG",
        ),
        (
            PublishRequest("No URL", [MediaItem(b"jpg", "image/jpeg", "", None)], "k"),
            "no public link",
        ),
    ],
)
def test_it_refuses_posts_instagram_cannot_take_without_calling_it(
    graph: FakeGraph, publisher: InstagramPublisher, request_: PublishRequest, reason: str
) -> None:
    with pytest.raises(PublisherError) as caught:
        publisher.publish(request_)

    assert caught.value.permanent
    assert reason in caught.value.message
    assert graph.requests == []


# --------------------------------------------------------------------------- comments


def test_it_reads_comments_and_their_replies(
    graph: FakeGraph, publisher: InstagramPublisher
) -> None:
    media_id = graph.add_ig_media("Tree planting day")
    first = graph.add_comment(media_id, "Lovely!", author=("1789", "proud_dad"))
    graph.add_comment(media_id, "Thank you", parent=first, author=("1790", "oakfield"))

    page = publisher.fetch_comments(media_id, None)

    assert graph.calls("comments")[0].query["fields"] == COMMENT_FIELDS
    top, reply = page.comments
    assert (top.text, top.parent_external_id, top.author_name) == ("Lovely!", None, "proud_dad")
    assert (reply.text, reply.parent_external_id, reply.author_id) == ("Thank you", first, "1790")
    assert "replies" not in top.raw


def test_it_pages_through_comments_with_the_after_cursor(
    graph: FakeGraph, publisher: InstagramPublisher
) -> None:
    media_id = graph.add_ig_media("Tree planting day")
    for n in range(60):
        graph.add_comment(media_id, f"comment {n}")

    first = publisher.fetch_comments(media_id, None)
    second = publisher.fetch_comments(media_id, first.cursor)

    assert (len(first.comments), first.has_more) == (50, True)
    assert (len(second.comments), second.has_more, second.cursor) == (10, False, None)


def test_it_hides_a_comment_with_the_hide_parameter(
    graph: FakeGraph, publisher: InstagramPublisher
) -> None:
    comment = graph.add_comment(graph.add_ig_media("Tree planting day"), "rude words")

    publisher.hide_comment(comment, True)
    assert graph.comments[comment]["hidden"] is True
    publisher.hide_comment(comment, False)

    assert [c.params["hide"] for c in graph.calls("comment_update")] == ["true", "false"]
    assert graph.comments[comment]["hidden"] is False


def test_it_deletes_a_comment_and_a_gone_one_is_fine(
    graph: FakeGraph, publisher: InstagramPublisher
) -> None:
    comment = graph.add_comment(graph.add_ig_media("Tree planting day"), "rude words")

    publisher.delete_comment(comment)
    publisher.delete_comment(comment)

    assert comment not in graph.comments


def test_deleting_a_post_that_is_already_gone_succeeds(
    graph: FakeGraph, publisher: InstagramPublisher
) -> None:
    media_id = graph.add_ig_media("Oops")

    publisher.delete(media_id)
    publisher.delete(media_id)

    assert graph.ig_media == {}


def test_blocking_an_author_is_not_possible_on_instagram(publisher: InstagramPublisher) -> None:
    with pytest.raises(PublisherError) as caught:
        publisher.block_author("1789")

    assert caught.value.permanent
    assert caught.value.message.startswith("Instagram does not allow")


# --------------------------------------------------------------------------- health


def test_health_is_ok_with_quota_left_and_all_permissions(
    graph: FakeGraph, publisher: InstagramPublisher
) -> None:
    assert publisher.check_health().ok


def test_health_reports_the_daily_quota_used_up(
    graph: FakeGraph, publisher: InstagramPublisher
) -> None:
    graph.quota_usage = 100

    report = publisher.check_health()

    assert not report.ok
    assert "limit of 100" in report.problems[0]


def test_health_lists_missing_instagram_permissions(
    graph: FakeGraph, publisher: InstagramPublisher
) -> None:
    graph.scopes.remove("instagram_content_publish")

    report = publisher.check_health()

    assert "instagram_content_publish" in report.problems[0]
