"""Ingestion: polling with per-post cursors and back-off, Facebook webhooks (verified and
de-duplicated), website comments (R11), and storing each comment once whatever the order
or repetition of deliveries."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from backend.accounts.models import School, User
from backend.common.errors import Conflict
from moderation.comments import services, tasks
from moderation.comments.models import Comment, Evidence, ModerationAction, PollState
from publishers.models import ChannelKind, Publication, WebhookEvent, WebsiteComment
from publishers.selectors import website_comments_approved
from publishers.services import (
    COMMENT_ALREADY_DECIDED,
    website_comment_decide,
    website_comment_submit,
)
from tests.comments.conftest import Platforms, publish, remote, website_entry
from tests.commits import committed

THREAT = "I know where you live. Watch your back, I'll be waiting outside the gate for you"
ORDINARY = "What a lovely day, well done to all the children!"

A = ModerationAction


# --------------------------------------------------------------------------- polling


def test_r11_r13_a_threatening_reply_on_x_is_hidden_at_once_and_escalated(
    platforms: Platforms, x_post: Publication, safeguarding_lead: User
) -> None:
    reply_id = platforms.x.add_reply(x_post.external_id, THREAT)

    with committed():
        tasks.poll_due()

    comment = Comment.objects.get(channel="x", external_id=reply_id)
    assert comment.verdict == "escalate"
    assert comment.escalated
    assert comment.status == "hidden"
    assert platforms.x.tweets[reply_id]["hidden"] is True
    assert [r.path for r in platforms.x.calls("hide")] == [f"/2/tweets/{reply_id}/hidden"]
    assert {label["label"] for label in comment.labels} >= {"threat"}
    hide = comment.actions.get(kind=A.Kind.HIDE)
    assert hide.platform_state == "done" and hide.actor is None
    assert [m.to for m in mail.outbox] == [[safeguarding_lead.email]]
    assert THREAT not in mail.outbox[0].body


def test_an_ordinary_comment_stays_visible(platforms: Platforms, x_post: Publication) -> None:
    reply_id = platforms.x.add_reply(x_post.external_id, ORDINARY)

    tasks.poll_due()

    comment = Comment.objects.get(channel="x", external_id=reply_id)
    assert (comment.verdict, comment.status, comment.review) == ("ok", "visible", "none")
    assert comment.labels == []
    assert platforms.x.calls("hide") == []
    assert platforms.x.tweets[reply_id]["hidden"] is False
    assert not comment.evidence.exists()


def test_polling_keeps_a_cursor_per_post_and_reads_only_newer_replies(
    platforms: Platforms, x_post: Publication
) -> None:
    first = platforms.x.add_reply(x_post.external_id, ORDINARY)
    services.publication_poll(publication_id=x_post.pk)
    assert PollState.objects.get(publication=x_post).cursor == first

    second = platforms.x.add_reply(x_post.external_id, "Brilliant, thank you!")
    outcome = services.publication_poll(publication_id=x_post.pk)

    searches = platforms.x.calls("search")
    assert "since_id" not in searches[0].query
    assert searches[1].query["since_id"] == first
    assert outcome.new == 1
    assert PollState.objects.get(publication=x_post).cursor == second
    assert Comment.objects.filter(publication=x_post).count() == 2


def test_replies_to_replies_are_linked_to_their_parent(
    platforms: Platforms, x_post: Publication
) -> None:
    top = platforms.x.add_reply(x_post.external_id, ORDINARY)
    child = platforms.x.add_reply(x_post.external_id, "Agreed!", parent_id=top)

    services.publication_poll(publication_id=x_post.pk)

    reply = Comment.objects.get(external_id=child)
    assert reply.parent == Comment.objects.get(external_id=top)


def test_polling_backs_off_as_the_post_ages() -> None:
    assert services.poll_interval(channel="x", age=timedelta(minutes=10)) == timedelta(minutes=2)
    assert services.poll_interval(channel="x", age=timedelta(hours=3)) == timedelta(minutes=5)
    assert services.poll_interval(channel="facebook", age=timedelta(days=2)) == timedelta(hours=1)
    assert services.poll_interval(channel="facebook", age=timedelta(days=10)) == timedelta(hours=12)
    # X only searches the last 7 days; Meta stops after 30 (webhooks still deliver).
    assert services.poll_interval(channel="x", age=timedelta(days=8)) is None
    assert services.poll_interval(channel="facebook", age=timedelta(days=31)) is None
    assert services.poll_interval(channel="website", age=timedelta(days=400)) == timedelta(hours=12)


def test_a_poll_schedules_the_next_one_by_the_post_s_age(
    platforms: Platforms, school: School, teacher: User
) -> None:
    young = publish(school, teacher, "x", platforms.x.add_post("New post"))
    old = publish(
        school, teacher, "facebook", platforms.graph.add_post("Old"), age=timedelta(days=4)
    )
    now = timezone.now()

    services.publication_poll(publication_id=young.pk, now=now)
    services.publication_poll(publication_id=old.pk, now=now)

    assert PollState.objects.get(publication=young).next_poll_at == now + timedelta(minutes=2)
    assert PollState.objects.get(publication=old).next_poll_at == now + timedelta(hours=3)


def test_the_beat_task_claims_each_due_post_once(
    platforms: Platforms, x_post: Publication, fb_post: Publication
) -> None:
    now = timezone.now()

    claimed = services.polls_claim_due(now=now)
    again = services.polls_claim_due(now=now)

    assert sorted(claimed) == sorted([x_post.pk, fb_post.pk])
    assert again == []


def test_a_channel_the_school_switched_off_is_not_polled(
    platforms: Platforms, x_post: Publication, head_teacher: User, school: School
) -> None:
    services.screening_settings_update(
        school=school, actor=head_teacher, fetch_channels=["facebook", "website"]
    )

    assert services.polls_claim_due() == []
    assert platforms.x.calls("search") == []


def test_a_rate_limited_poll_backs_off_and_keeps_its_cursor(
    platforms: Platforms, x_post: Publication
) -> None:
    first = platforms.x.add_reply(x_post.external_id, ORDINARY)
    services.publication_poll(publication_id=x_post.pk)
    platforms.x.fail("search", "rate_limit", reset_in=900)
    now = timezone.now()

    outcome = services.publication_poll(publication_id=x_post.pk, now=now)

    state = PollState.objects.get(publication=x_post)
    assert outcome.error and state.failures == 1
    assert state.cursor == first
    assert state.next_poll_at is not None and state.next_poll_at >= now + timedelta(minutes=14)


def test_a_facebook_post_s_comments_are_read_page_by_page(
    platforms: Platforms, fb_post: Publication
) -> None:
    ids = [platforms.graph.add_comment(fb_post.external_id, f"Lovely {n}") for n in range(105)]

    outcome = services.publication_poll(publication_id=fb_post.pk)
    services.publication_poll(publication_id=fb_post.pk)

    assert outcome.new == 105
    assert len(platforms.graph.calls("comments")) == 4  # two pages, twice
    assert Comment.objects.filter(channel="facebook").count() == 105
    assert set(Comment.objects.values_list("external_id", flat=True)) == set(ids)


def test_a_harmful_facebook_comment_is_hidden_on_the_page(
    platforms: Platforms, fb_post: Publication
) -> None:
    bad = platforms.graph.add_comment(fb_post.external_id, "You're all a bunch of f*cking idiots")

    with committed():
        services.publication_poll(publication_id=fb_post.pk)

    comment = Comment.objects.get(external_id=bad)
    assert comment.verdict == "hold" and not comment.escalated
    assert comment.status == "hidden" and comment.review == "open"
    assert platforms.graph.comments[bad]["hidden"] is True


def test_the_school_s_own_replies_are_never_screened_or_hidden(
    platforms: Platforms, fb_post: Publication
) -> None:
    ours = platforms.graph.add_comment(
        fb_post.external_id,
        "Call the office on 01632 960999",
        author=(platforms.graph.page_id, "Oakfield Primary"),
    )

    services.publication_poll(publication_id=fb_post.pk)

    comment = Comment.objects.get(external_id=ours)
    assert (comment.verdict, comment.status) == ("ok", "visible")
    assert platforms.graph.comments[ours]["hidden"] is False


def test_media_on_a_possibly_sexual_comment_is_never_downloaded(
    platforms: Platforms, fb_post: Publication
) -> None:
    image = "https://scontent.example.invalid/v/t39/photo.jpg"
    bad = platforms.graph.add_comment(
        fb_post.external_id, "send me nudes of the girls in year 6", image=image
    )

    with committed():
        services.publication_poll(publication_id=fb_post.pk)

    comment = Comment.objects.get(external_id=bad)
    assert comment.escalated and "sexual" in {label["label"] for label in comment.labels}
    assert comment.media_urls == [image]
    assert all(r.host == "graph.facebook.com" for r in platforms.graph.requests)
    record = Evidence.objects.get(comment=comment).record
    assert record["media_possibly_indecent"] is True
    assert record["comment"]["media"] == [{"url": image, "downloaded": False}]


# --------------------------------------------------------------------------- stored once


def test_a_reply_delivered_before_its_parent_is_linked_when_the_parent_arrives(
    school: School, teacher: User
) -> None:
    pub = publish(school, teacher, "instagram", "17900000000000001")

    services.comment_ingest(
        school=school, channel="instagram", remote=remote("c2", "Yes!", parent="c1"),
        publication=pub,
    )  # fmt: skip
    services.comment_ingest(
        school=school, channel="instagram", remote=remote("c1", ORDINARY), publication=pub
    )

    assert Comment.objects.get(external_id="c2").parent == Comment.objects.get(external_id="c1")


def test_the_same_comment_delivered_again_is_stored_and_screened_once(
    platforms: Platforms, x_post: Publication
) -> None:
    reply_id = platforms.x.add_reply(x_post.external_id, THREAT)
    with committed():
        services.publication_poll(publication_id=x_post.pk)
    PollState.objects.filter(publication=x_post).update(cursor="")

    services.publication_poll(publication_id=x_post.pk)

    comment = Comment.objects.get(external_id=reply_id)
    assert Comment.objects.count() == 1
    assert comment.actions.filter(kind=A.Kind.HIDE).count() == 1
    assert comment.actions.filter(kind=A.Kind.ESCALATE).count() == 1
    assert comment.evidence.count() == 1
    assert len(platforms.x.calls("hide")) == 1


def test_an_edited_comment_is_screened_again_and_hidden_when_it_turns_harmful(
    platforms: Platforms, fb_post: Publication
) -> None:
    cid = platforms.graph.add_comment(fb_post.external_id, ORDINARY)
    services.publication_poll(publication_id=fb_post.pk)
    platforms.graph.comments[cid]["message"] = THREAT

    with committed():
        services.publication_poll(publication_id=fb_post.pk)

    comment = Comment.objects.get(external_id=cid)
    assert comment.text == THREAT
    assert [old["text"] for old in comment.previous_texts] == [ORDINARY]
    assert comment.escalated and comment.status == "hidden"
    assert platforms.graph.comments[cid]["hidden"] is True
    assert comment.actions.filter(kind=A.Kind.EDITED).exists()


def test_an_edit_never_softens_an_earlier_verdict(
    platforms: Platforms, fb_post: Publication
) -> None:
    cid = platforms.graph.add_comment(fb_post.external_id, THREAT)
    with committed():
        services.publication_poll(publication_id=fb_post.pk)
    platforms.graph.comments[cid]["message"] = ORDINARY

    services.publication_poll(publication_id=fb_post.pk)

    comment = Comment.objects.get(external_id=cid)
    assert comment.verdict == "escalate" and comment.status == "hidden"


# --------------------------------------------------------------------------- webhooks


def sign(body: bytes, secret: str = "app-secret-value") -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def delivery(page_id: str, post_id: str, comment_id: str, message: str, **extra: Any) -> bytes:
    value = {
        "item": "comment",
        "verb": "add",
        "comment_id": comment_id,
        "post_id": post_id,
        "parent_id": post_id,
        "message": message,
        "from": {"id": "5550002", "name": "Someone"},
        "created_time": 1767268800,
        **extra,
    }
    body = {
        "object": "page",
        "entry": [
            {"id": page_id, "time": 1767268801, "changes": [{"field": "feed", "value": value}]}
        ],
    }
    return json.dumps(body).encode()


@pytest.fixture
def webhooks_wired(settings: Any) -> None:
    """What the lead wires: publishers hands each stored event to the comments ingest."""
    settings.PUBLISHERS_COMMENT_EVENT_HANDLERS = [
        "moderation.comments.services.webhook_event_ingest"
    ]


def post_webhook(body: bytes, signature: str) -> Any:
    with committed():
        return Client().post(
            "/api/webhooks/facebook",
            data=body,
            content_type="application/json",
            HTTP_X_HUB_SIGNATURE_256=signature,
        )


def test_a_webhook_delivered_twice_stores_one_comment(
    platforms: Platforms, fb_post: Publication, webhooks_wired: None
) -> None:
    cid = platforms.graph.add_comment(fb_post.external_id, THREAT)
    body = delivery(platforms.graph.page_id, fb_post.external_id, cid, THREAT)

    first = post_webhook(body, sign(body))
    second = post_webhook(body, sign(body))

    assert (first.status_code, second.status_code) == (200, 200)
    assert WebhookEvent.objects.count() == 1
    comment = Comment.objects.get(channel="facebook", external_id=cid)
    assert Comment.objects.count() == 1
    assert comment.received_via == "webhook" and comment.publication == fb_post
    assert comment.escalated and comment.status == "hidden"
    assert platforms.graph.comments[cid]["hidden"] is True
    assert len(platforms.graph.calls("comment_update")) == 1


def test_a_webhook_and_a_poll_of_the_same_comment_store_it_once(
    platforms: Platforms, fb_post: Publication, webhooks_wired: None
) -> None:
    cid = platforms.graph.add_comment(fb_post.external_id, ORDINARY)
    body = delivery(platforms.graph.page_id, fb_post.external_id, cid, ORDINARY)
    post_webhook(body, sign(body))

    services.publication_poll(publication_id=fb_post.pk)

    comment = Comment.objects.get()
    assert comment.external_id == cid
    # The poll filled in what the webhook did not carry.
    assert comment.permalink.startswith("https://www.facebook.com/")


def test_a_webhook_with_a_bad_signature_is_rejected_and_nothing_is_stored(
    platforms: Platforms, fb_post: Publication, webhooks_wired: None
) -> None:
    body = delivery(platforms.graph.page_id, fb_post.external_id, "1_2", THREAT)

    forged = post_webhook(body, sign(body, secret="not-the-app-secret"))
    unsigned = post_webhook(body, "")

    assert (forged.status_code, unsigned.status_code) == (403, 403)
    assert not WebhookEvent.objects.exists()
    assert not Comment.objects.exists()


def test_a_removal_before_the_comment_leaves_a_placeholder_filled_in_later(
    platforms: Platforms, fb_post: Publication, webhooks_wired: None
) -> None:
    page = platforms.graph.page_id
    removed = delivery(page, fb_post.external_id, "122_9", "", verb="remove")
    added = delivery(page, fb_post.external_id, "122_9", THREAT)

    post_webhook(removed, sign(removed))
    post_webhook(added, sign(added))

    comment = Comment.objects.get(external_id="122_9")
    assert comment.status == "deleted"
    assert comment.text == THREAT and comment.escalated
    assert comment.evidence.exists()
    assert platforms.graph.calls("comment_update") == []  # nothing left to hide


def test_the_stored_event_task_is_safe_to_run_twice(
    platforms: Platforms, fb_post: Publication
) -> None:
    cid = platforms.graph.add_comment(fb_post.external_id, ORDINARY)
    event = WebhookEvent.objects.create(
        platform=ChannelKind.FACEBOOK,
        external_id=cid,
        account=fb_post.account,
        school=fb_post.school,
        verb="add",
        payload=json.loads(delivery(platforms.graph.page_id, fb_post.external_id, cid, ORDINARY))[
            "entry"
        ][0]["changes"][0]["value"],
    )

    tasks.process_webhook_event(event.pk)
    tasks.process_webhook_event(event.pk)

    assert Comment.objects.filter(external_id=cid).count() == 1


# --------------------------------------------------------------------------- website (R11)


def test_r11_the_website_channel_shows_nothing_unapproved(
    school: School, teacher: User, head_teacher: User, api_as: Any
) -> None:
    entry = website_entry(school, teacher)
    with committed():
        submitted = website_comment_submit(entry=entry, author_name="Gran", text=ORDINARY)

    tasks.ingest_website_comment(submitted.pk)

    comment = Comment.objects.get(channel="website", external_id=str(submitted.pk))
    assert comment.verdict == "ok"
    assert (comment.status, comment.review) == ("hidden", "open")
    assert not website_comments_approved(entry=entry).exists()

    with committed():
        response = api_as(head_teacher).post(
            f"/api/comments/{comment.pk}/approve", {}, format="json"
        )

    assert response.status_code == 200, response.content
    assert list(website_comments_approved(entry=entry)) == [submitted]
    assert Comment.objects.get(pk=comment.pk).status == "visible"


def test_r11_a_website_comment_is_screened_when_it_is_submitted(
    school: School, teacher: User, safeguarding_lead: User
) -> None:
    """Issue 13: a parent's comment is in the dashboard at once, not after the next poll."""
    entry = website_entry(school, teacher)

    with committed():
        response = Client().post(
            f"/news/{school.slug}/{entry.pk}/", {"author_name": "X", "text": THREAT}
        )

    assert response.status_code == 302
    submitted = WebsiteComment.objects.get(entry=entry)
    comment = Comment.objects.get(channel="website", external_id=str(submitted.pk))
    assert comment.escalated and comment.status == "hidden" and comment.review == "open"


def test_r11_a_harmful_website_comment_is_held_and_never_shown(
    school: School, teacher: User, head_teacher: User
) -> None:
    entry = website_entry(school, teacher)
    with committed():
        bad = website_comment_submit(entry=entry, author_name="X", text=THREAT)

    tasks.poll_due()

    comment = Comment.objects.get(channel="website", external_id=str(bad.pk))
    assert comment.escalated and comment.status == "hidden" and comment.review == "open"
    # Rejected on the feed too, so the publishers' own approval screen cannot publish it.
    assert WebsiteComment.objects.get(pk=bad.pk).status == "rejected"
    assert not website_comments_approved(entry=entry).exists()
    assert comment.evidence.exists()
    with pytest.raises(
        Conflict, match=re.escape(COMMENT_ALREADY_DECIDED.format(status="rejected"))
    ):
        website_comment_decide(comment=bad, actor=head_teacher, status="approved")


def test_comments_on_a_post_that_is_no_longer_published_are_not_polled(
    platforms: Platforms, x_post: Publication
) -> None:
    Publication.objects.filter(pk=x_post.pk).update(state=Publication.State.TAKEN_DOWN)

    services.publication_poll(publication_id=x_post.pk)

    assert PollState.objects.get(publication=x_post).next_poll_at is None
    assert platforms.x.calls("search") == []


def test_a_post_without_a_connected_account_backs_off(school: School, teacher: User) -> None:
    pub = publish(school, teacher, "instagram", "17900000000000009")
    pub.account.delete()

    outcome = services.publication_poll(publication_id=pub.pk)

    assert "no Instagram account" in outcome.error
