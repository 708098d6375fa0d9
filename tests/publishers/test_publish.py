"""Exactly-once publishing through the services and eager tasks, against the fakes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail

from backend.audit.models import AuditEvent
from backend.common.actors import SYSTEM_SHELL
from moderation.models import Post
from publishers import services, tasks
from publishers.models import ChannelAccount, Publication, WebsiteEntry
from publishers.selectors import publication_outcomes
from publishers.services import common as services_common
from tests.commits import committed
from tests.publishers.fakes import FakeGraph, FakeX

P = Publication.State
S = Post.Status


def pub_of(post: Post, channel: str) -> Publication:
    return Publication.objects.get(post=post, channel=channel)


def actions(pub: Publication) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_type="publishers.publication", target_id=str(pub.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


# --------------------------------------------------------------------------- the happy path


def test_it_publishes_once_per_channel_and_the_post_becomes_published(
    make_post: Callable[..., Post], fake_x: FakeX, x_account: ChannelAccount
) -> None:
    post = make_post(channels=("website", "x"), text="Harvest festival today")

    with committed():
        services.publications_start(post_id=post.pk)

    assert publication_outcomes(post_id=post.pk) == {"website": "published", "x": "published"}
    assert [p["text"] for p in fake_x.posts] == ["Harvest festival today"]
    x_pub = pub_of(post, "x")
    assert x_pub.external_id == fake_x.posts[0]["id"]
    assert x_pub.url.endswith(f"/status/{x_pub.external_id}")
    assert WebsiteEntry.objects.get(publication=pub_of(post, "website")).text == (
        "Harvest festival today"
    )
    post.refresh_from_db()
    assert post.status == S.PUBLISHED


def test_every_attempt_is_audited(
    make_post: Callable[..., Post], fake_x: FakeX, x_account: ChannelAccount
) -> None:
    post = make_post(channels=("x",))

    with committed():
        services.publications_start(post_id=post.pk)

    assert actions(pub_of(post, "x")) == [
        "publication.queued",
        "publication.attempting",
        "publication.published",
    ]


def test_starting_twice_creates_no_second_publication_or_post(
    make_post: Callable[..., Post], fake_x: FakeX, x_account: ChannelAccount
) -> None:
    post = make_post(channels=("website", "x"))

    with committed():
        services.publications_start(post_id=post.pk)
    services.publications_start(post_id=post.pk)

    assert Publication.objects.filter(post=post).count() == 2
    assert len(fake_x.posts) == 1
    assert len(fake_x.calls("create")) == 1


def test_running_the_publish_task_again_posts_nothing(
    make_post: Callable[..., Post], fake_x: FakeX, x_account: ChannelAccount
) -> None:
    post = make_post(channels=("x",))
    services.publications_start(post_id=post.pk)
    pub = pub_of(post, "x")

    tasks.publish.delay(pub.pk)
    tasks.publish.delay(pub.pk)

    assert len(fake_x.calls("create")) == 1
    assert pub_of(post, "x").attempts == 1


def test_a_publication_claimed_by_another_worker_is_left_alone(
    make_post: Callable[..., Post], fake_x: FakeX, x_account: ChannelAccount, monkeypatch: Any
) -> None:
    post = make_post(channels=("x",))
    monkeypatch.setattr(services_common, "queue_task", lambda *args, **kwargs: None)
    services.publications_start(post_id=post.pk)
    pub = pub_of(post, "x")
    assert services.publication_claim(publication_id=pub.pk) is True

    services.publication_publish(publication_id=pub.pk)

    assert services.publication_claim(publication_id=pub.pk) is False
    assert fake_x.requests == []
    assert pub_of(post, "x").state == P.ATTEMPTING


# --------------------------------------------------------------------------- transient errors


def test_a_rate_limit_is_retried_after_the_platforms_wait_then_succeeds(
    make_post: Callable[..., Post], fake_x: FakeX, x_account: ChannelAccount
) -> None:
    fake_x.fail("create", "rate_limit", reset_in=120)
    post = make_post(channels=("x",))

    with committed():
        services.publications_start(post_id=post.pk)

    pub = pub_of(post, "x")
    assert pub.state == P.PUBLISHED and pub.attempts == 2
    assert len(fake_x.posts) == 1
    retry = AuditEvent.objects.get(action="publication.retry_scheduled", target_id=str(pub.pk))
    assert 100 <= retry.data["delay_seconds"] <= 140
    assert "limiting how often" in retry.data["error"]


def test_a_connection_that_never_opened_is_retried_with_backoff(
    make_post: Callable[..., Post], fake_x: FakeX, x_account: ChannelAccount
) -> None:
    fake_x.fail("create", "timeout_before_accept", times=2)
    post = make_post(channels=("x",))

    with committed():
        services.publications_start(post_id=post.pk)

    pub = pub_of(post, "x")
    assert pub.state == P.PUBLISHED and pub.attempts == 3
    assert len(fake_x.posts) == 1


def test_it_gives_up_after_the_attempt_limit_and_says_why(
    make_post: Callable[..., Post],
    fake_x: FakeX,
    x_account: ChannelAccount,
    settings: Any,
    head_teacher: Any,
) -> None:
    settings.PUBLISHERS_MAX_ATTEMPTS = 3
    fake_x.fail("create", "timeout_before_accept", times=10)
    post = make_post(channels=("x",))

    with committed():
        services.publications_start(post_id=post.pk)

    pub = pub_of(post, "x")
    assert pub.state == P.FAILED and pub.attempts == 3
    assert pub.error.startswith("We tried 3 times and stopped.")
    assert fake_x.posts == []
    post.refresh_from_db()
    assert post.status == S.FAILED


@pytest.mark.parametrize(
    ("attempt", "low", "high"), [(1, 15, 30), (2, 15, 60), (3, 15, 120), (20, 15, 1800)]
)
def test_backoff_grows_exponentially_with_jitter_and_a_cap(
    attempt: int, low: float, high: float
) -> None:
    delays = [services.backoff_delay(attempt) for _ in range(200)]
    assert low <= min(delays) and max(delays) <= high
    assert len(set(delays)) > 1


def test_backoff_follows_the_platforms_retry_after() -> None:
    delays = [services.backoff_delay(5, retry_after=600) for _ in range(50)]
    assert all(600 <= d <= 661 for d in delays)


def test_a_long_wait_is_left_to_the_sweep_not_the_broker(
    make_post: Callable[..., Post], fake_graph: FakeGraph, facebook_account: ChannelAccount
) -> None:
    fake_graph.fail("feed", "feed_limit")  # Facebook says: come back in two hours
    post = make_post(channels=("facebook",))

    with committed():
        services.publications_start(post_id=post.pk)

    pub = pub_of(post, "facebook")
    assert pub.state == P.QUEUED and fake_graph.posts == {}
    assert pub.next_attempt_at is not None
    later = pub.next_attempt_at + services.REQUEUE_GRACE
    with committed():
        assert services.publications_recover(now=later)["requeued"] == 1
    assert pub_of(post, "facebook").state == P.PUBLISHED
    assert len(fake_graph.posts) == 1


# --------------------------------------------------------------------------- outcome unknown


def test_a_timeout_after_the_platform_accepted_never_posts_twice(
    make_post: Callable[..., Post], fake_x: FakeX, x_account: ChannelAccount
) -> None:
    fake_x.fail("create", "timeout_after_accept")
    post = make_post(channels=("x",), text="Science week starts Monday")

    with committed():
        services.publications_start(post_id=post.pk)

    pub = pub_of(post, "x")
    assert len(fake_x.calls("create")) == 1
    assert [p["text"] for p in fake_x.posts] == ["Science week starts Monday"]
    assert pub.state == P.PUBLISHED and pub.external_id == fake_x.posts[0]["id"]
    event = AuditEvent.objects.get(action="publication.published", target_id=str(pub.pk))
    assert event.data["reconciled"] is True


def test_a_facebook_timeout_after_accepting_is_found_not_reposted(
    make_post: Callable[..., Post], fake_graph: FakeGraph, facebook_account: ChannelAccount
) -> None:
    fake_graph.fail("photos", "timeout_after_accept")
    post = make_post(channels=("facebook",), images=1)

    with committed():
        services.publications_start(post_id=post.pk)

    assert len(fake_graph.posts) == 1
    assert pub_of(post, "facebook").external_id == next(iter(fake_graph.posts))


def test_an_unknown_outcome_not_found_becomes_unconfirmed_for_a_person(
    make_post: Callable[..., Post], fake_x: FakeX, x_account: ChannelAccount, head_teacher: Any
) -> None:
    fake_x.fail("create", "server_error")
    post = make_post(channels=("x", "website"))

    with committed():
        services.publications_start(post_id=post.pk)

    pub = pub_of(post, "x")
    assert pub.state == P.UNCONFIRMED
    assert len(fake_x.calls("create")) == 1
    assert len(fake_x.calls("timeline")) == services.RECONCILE_LOOKS
    assert "Mark as posted" in pub.error and "Post again" in pub.error
    assert any("check whether it appeared on X" in m.subject for m in mail.outbox)
    post.refresh_from_db()
    assert post.status == S.PARTIALLY_PUBLISHED


def test_a_worker_killed_mid_publish_is_reconciled_by_the_sweep(
    make_post: Callable[..., Post], fake_x: FakeX, x_account: ChannelAccount, monkeypatch: Any
) -> None:
    post = make_post(channels=("x",), text="Book fair on Friday")
    with monkeypatch.context() as patched:
        patched.setattr(services_common, "queue_task", lambda *args, **kwargs: None)
        services.publications_start(post_id=post.pk)
    pub = pub_of(post, "x")
    services.publication_claim(publication_id=pub.pk)
    tweet_id = fake_x.add_post("Book fair on Friday")  # the worker died after X accepted

    counts = services.publications_recover(older_than=timedelta(0))

    assert counts["reconciled"] == 1
    pub.refresh_from_db()
    assert pub.state == P.PUBLISHED and pub.external_id == tweet_id
    assert fake_x.calls("create") == []


def test_the_sweep_leaves_recent_attempts_alone(
    make_post: Callable[..., Post], fake_x: FakeX, x_account: ChannelAccount, monkeypatch: Any
) -> None:
    post = make_post(channels=("x",))
    monkeypatch.setattr(services_common, "queue_task", lambda *args, **kwargs: None)
    services.publications_start(post_id=post.pk)
    services.publication_claim(publication_id=pub_of(post, "x").pk)

    assert services.publications_recover()["reconciled"] == 0
    assert pub_of(post, "x").state == P.ATTEMPTING


# --------------------------------------------------------------------------- permanent errors


def test_an_expired_token_fails_at_once_and_tells_leaders_and_admins(
    make_post: Callable[..., Post],
    fake_x: FakeX,
    x_account: ChannelAccount,
    head_teacher: Any,
    trust_admin: Any,
    teacher: Any,
) -> None:
    fake_x.expired = True
    post = make_post(channels=("x",))

    with committed():
        services.publications_start(post_id=post.pk)

    pub = pub_of(post, "x")
    assert pub.state == P.FAILED and pub.attempts == 1
    assert "reconnect the X account" in pub.error
    recipients = {m.to[0] for m in mail.outbox if "was not published on X" in m.subject}
    assert recipients == {head_teacher.email, trust_admin.email}
    body = next(m.body for m in mail.outbox if m.to == [head_teacher.email])
    assert "Sports day" not in body  # no post text, no pupil data
    x_account.refresh_from_db()
    assert x_account.health_ok is False


def test_content_the_platform_rejects_is_not_retried(
    make_post: Callable[..., Post], fake_x: FakeX, x_account: ChannelAccount
) -> None:
    fake_x.fail("create", "forbidden")
    post = make_post(channels=("x",))

    with committed():
        services.publications_start(post_id=post.pk)

    assert pub_of(post, "x").state == P.FAILED
    assert len(fake_x.calls("create")) == 1


def test_partial_success_is_visible_per_channel(
    make_post: Callable[..., Post],
    fake_x: FakeX,
    x_account: ChannelAccount,
    fake_graph: FakeGraph,
    facebook_account: ChannelAccount,
) -> None:
    fake_graph.fail("feed", "policy_block")
    post = make_post(channels=("website", "x", "facebook"))

    with committed():
        services.publications_start(post_id=post.pk)

    assert publication_outcomes(post_id=post.pk) == {
        "facebook": "failed",
        "website": "published",
        "x": "published",
    }
    post.refresh_from_db()
    assert post.status == S.PARTIALLY_PUBLISHED


def test_a_channel_with_no_account_fails_at_once_in_plain_english(
    make_post: Callable[..., Post], head_teacher: Any
) -> None:
    post = make_post(channels=("website", "facebook"))

    with committed():
        services.publications_start(post_id=post.pk)

    pub = pub_of(post, "facebook")
    assert pub.state == P.FAILED
    assert pub.error.startswith("This school has no account connected for Facebook")
    assert pub_of(post, "website").state == P.PUBLISHED


def test_a_switched_off_account_publishes_nothing(
    make_post: Callable[..., Post], fake_x: FakeX, x_account: ChannelAccount
) -> None:
    services.channel_account_update(account=x_account, actor=SYSTEM_SHELL, enabled=False)
    post = make_post(channels=("x",))

    services.publications_start(post_id=post.pk)

    assert pub_of(post, "x").state == P.FAILED
    assert fake_x.requests == []


def test_content_changed_after_approval_is_not_published(
    make_post: Callable[..., Post], fake_x: FakeX, x_account: ChannelAccount, monkeypatch: Any
) -> None:
    post = make_post(channels=("x",))
    monkeypatch.setattr(services_common, "queue_task", lambda *args, **kwargs: None)
    services.publications_start(post_id=post.pk)
    Post.objects.filter(pk=post.pk).update(text="Something else", content_hash="0" * 64)

    services.publication_publish(publication_id=pub_of(post, "x").pk)

    pub = pub_of(post, "x")
    assert pub.state == P.FAILED
    assert pub.error == "The post changed after it was approved, so it was not published on X."
    assert fake_x.requests == []


def test_a_paused_school_publishes_nothing_until_resumed(
    make_post: Callable[..., Post],
    fake_x: FakeX,
    x_account: ChannelAccount,
    head_teacher: Any,
    school: Any,
) -> None:
    from moderation import approvals

    approvals.publishing_pause(actor=head_teacher, school=school, reason="Incident")
    post = make_post(channels=("x",))

    with committed():
        services.publications_start(post_id=post.pk)

    pub = pub_of(post, "x")
    assert pub.state == P.QUEUED and fake_x.requests == []
    assert pub.next_attempt_at is not None
    approvals.publishing_resume(actor=head_teacher, school=school)
    with committed():
        services.publications_recover(now=pub.next_attempt_at + services.REQUEUE_GRACE)
    assert pub_of(post, "x").state == P.PUBLISHED


# --------------------------------------------------------------------------- media


def test_images_go_out_with_their_alt_text(
    make_post: Callable[..., Post], fake_x: FakeX, x_account: ChannelAccount
) -> None:
    post = make_post(channels=("x",), images=2, alt="Year 4 planting trees")

    with committed():
        services.publications_start(post_id=post.pk)

    assert [m["alt_text"] for m in fake_x.uploads] == [
        "Year 4 planting trees 1",
        "Year 4 planting trees 2",
    ]
    assert fake_x.calls("create")[0].json["media"]["media_ids"] == list(fake_x.media)


def test_facebook_gets_the_alt_text_with_the_photo(
    make_post: Callable[..., Post], fake_graph: FakeGraph, facebook_account: ChannelAccount
) -> None:
    post = make_post(channels=("facebook",), images=1, alt="The school choir")

    with committed():
        services.publications_start(post_id=post.pk)

    assert [p["alt_text"] for p in fake_graph.photos.values()] == ["The school choir 1"]


def test_r6_no_metadata_in_the_bytes_sent_only_the_publishable_variant(
    make_post: Callable[..., Post],
    fake_x: FakeX,
    x_account: ChannelAccount,
    fake_graph: FakeGraph,
    facebook_account: ChannelAccount,
) -> None:
    from moderation.imaging import metadata_present
    from tests.publishers.factories import photo_with_metadata

    assert metadata_present(photo_with_metadata(0)) == ["comment", "exif", "gps"]
    post = make_post(channels=("x", "facebook", "website"), images=2)
    large = [image.large.open("rb").read() for image in post.images.all()]

    with committed():
        services.publications_start(post_id=post.pk)

    sent = [m["data"] for m in fake_x.uploads] + [p["data"] for p in fake_graph.photos.values()]
    assert len(sent) == 4
    for data in sent:
        assert metadata_present(data) == []
        assert data in large
    entry = WebsiteEntry.objects.get(publication__post=post)
    for image in entry.images.all():
        assert image.file.open("rb").read() in large


def test_instagram_fetches_signed_links_to_the_publishable_images(
    make_post: Callable[..., Post], fake_graph: FakeGraph, instagram_account: ChannelAccount
) -> None:
    post = make_post(channels=("instagram",), images=2, alt="Reception class")

    with committed():
        services.publications_start(post_id=post.pk)

    pub = pub_of(post, "instagram")
    assert pub.state == P.PUBLISHED
    items = [c.form for c in fake_graph.calls("container") if c.form.get("is_carousel_item")]
    assert [i["alt_text"] for i in items] == ["Reception class 1", "Reception class 2"]
    assert all(i["image_url"].startswith("https://queue.oakfield.test/media/p/") for i in items)


def test_instagram_without_https_fails_with_a_plain_reason(
    make_post: Callable[..., Post],
    fake_graph: FakeGraph,
    instagram_account: ChannelAccount,
    settings: Any,
) -> None:
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    post = make_post(channels=("instagram",), images=1)

    with committed():
        services.publications_start(post_id=post.pk)

    pub = pub_of(post, "instagram")
    assert pub.state == P.FAILED
    assert pub.error == "An image has no public link for Instagram to fetch it from."


def test_an_approved_post_goes_out_once_through_the_whole_flow(
    teacher: Any, head_teacher: Any, tablet: Any, fake_x: FakeX, x_account: ChannelAccount
) -> None:
    from moderation import approvals
    from moderation import services as moderation_services

    post = moderation_services.post_create(
        author=teacher, device=tablet, text="Our harvest festival", channels=["website", "x"]
    )
    with committed():
        moderation_services.post_submit(post=post, actor=teacher, device=tablet)
    post.refresh_from_db()
    assert post.status == S.AWAITING_APPROVAL, post.status_reason

    with committed():
        approvals.post_approve(
            post_id=post.pk, approver=head_teacher, content_hash=post.content_hash
        )

    post.refresh_from_db()
    assert post.status == S.PUBLISHED
    assert publication_outcomes(post_id=post.pk) == {"website": "published", "x": "published"}
    assert [p["text"] for p in fake_x.posts] == ["Our harvest festival"]


def test_the_sweep_settles_a_post_left_publishing(
    make_post: Callable[..., Post], fake_x: FakeX, x_account: ChannelAccount, monkeypatch: Any
) -> None:
    post = make_post(channels=("x",))
    with monkeypatch.context() as patched:
        patched.setattr(services_common, "publications_settle", lambda *, post_id: None)
        with committed():
            services.publications_start(post_id=post.pk)
    post.refresh_from_db()
    assert post.status == S.PUBLISHING  # moderation was never told

    assert services.publications_recover()["settled"] == 1
    post.refresh_from_db()
    assert post.status == S.PUBLISHED
