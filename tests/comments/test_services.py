"""Screening per school and the moderation services: every verdict explained, platform
calls idempotent and retried, every action audited."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from backend.accounts.models import Device, School, User
from backend.accounts.services import DEVICE_MISSING, device_enrol
from backend.audit.models import AuditEvent
from backend.common.actors import SYSTEM_SHELL
from backend.common.errors import Conflict, InvalidInput, NotFound, Refused
from moderation.comments import services, tasks
from moderation.comments.models import Comment, ModerationAction
from moderation.comments.selectors import NO_SUCH_COMMENT
from moderation.models import Post
from moderation.screening import LABELS
from publishers.models import Publication
from tests.comments.conftest import Platforms, publish, remote
from tests.commits import commits_for_real, committed
from tests.moderation.factories import person

A = ModerationAction
THREAT = "I know where you live. Watch your back"
ORDINARY = "What a lovely day, well done to all the children!"
SWEARING = "You're all a bunch of f*cking idiots"


def ingest(pub: Publication, external_id: str, text: str, **kwargs: Any) -> Comment:
    with committed():
        return services.comment_ingest(
            school=pub.school,
            channel=pub.channel,
            remote=remote(external_id, text, **kwargs),
            publication=pub,
            post_external_id=pub.external_id,
        ).comment


@pytest.fixture
def ig_post(platforms: Platforms, school: School, teacher: User) -> Publication:
    return publish(school, teacher, "instagram", platforms.graph.add_ig_media("Sports day"))


# --------------------------------------------------------------------------- screening


def test_a_comment_naming_a_pupil_in_full_is_held(ig_post: Publication, school: School) -> None:
    person(school, "Amelia", "Smith")

    comment = ingest(ig_post, "c1", "Amelia Smith was the star of the show!")

    assert comment.verdict == "hold"
    assert comment.review == "open"
    [label] = comment.labels
    assert label["label"] == "personal_data" and label["screener"] == "personal_data"
    assert "full name of someone on the register" in label["reason"]
    assert comment.text[slice(*label["span"])] == "Amelia Smith"


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("Am\u200belia Sm\u0456th was the star of the show!", "Am\u200belia Sm\u0456th"),
        ("Email me on jane\u200b.parent\uff20gmail.com", "jane\u200b.parent\uff20gmail.com"),
    ],
    ids=["name-with-zero-width-space-and-cyrillic-i", "email-with-full-width-at"],
)
def test_r4_r5_a_comment_hiding_a_name_or_email_with_unicode_is_held(
    ig_post: Publication, school: School, text: str, written: str
) -> None:
    person(school, "Amelia", "Smith")

    comment = ingest(ig_post, "c1", text)

    assert comment.verdict == "hold"
    found = [comment.text[slice(*label["span"])] for label in comment.labels]
    assert written in found


def _targeted(comment: Comment) -> dict[str, Any]:
    [label] = [label for label in comment.labels if label["screener"] == "targeted"]
    return label


def test_r13_a_threat_beside_a_street_address_escalates_to_the_dsl(
    ig_post: Publication, safeguarding_lead: User
) -> None:
    text = "someone should sort him out, he lives at 14 Oak Road"

    comment = ingest(ig_post, "c1", text)

    assert (comment.verdict, comment.escalated) == ("escalate", True)
    label = _targeted(comment)
    assert label["label"] == "threat"
    assert "a location ('14 Oak Road')" in label["reason"]
    assert text[slice(*label["span"])] == "sort him out"
    assert [m.to for m in mail.outbox] == [[safeguarding_lead.email]]


def test_r13_a_threat_beside_a_pupils_first_name_escalates(
    ig_post: Publication, school: School
) -> None:
    person(school, "Amelia", "Smith")

    comment = ingest(ig_post, "c1", "someone needs to teach Amelia a lesson")

    assert (comment.verdict, comment.escalated) == ("escalate", True)
    assert "a pupil's name ('Amelia')" in _targeted(comment)["reason"]


def test_r13_a_threat_beside_a_contact_request_escalates(ig_post: Publication) -> None:
    comment = ingest(ig_post, "c1", "send me his number, someone should sort him out")

    assert (comment.verdict, comment.escalated) == ("escalate", True)
    assert "a contact request ('send me his number')" in _targeted(comment)["reason"]


def test_r13_sexual_content_beside_a_contact_request_escalates(ig_post: Publication) -> None:
    comment = ingest(ig_post, "c1", "she's gorgeous, what's her snap?")

    assert (comment.verdict, comment.escalated) == ("escalate", True)
    assert _targeted(comment)["label"] == "sexual"


def test_r13_a_veiled_threat_beside_an_address_escalates(ig_post: Publication) -> None:
    """No phrase list has "I'll be seeing him soon": the sentence model reads it as a threat
    once the address no longer dilutes it."""
    comment = ingest(ig_post, "c1", "I'll be seeing him soon, he lives at 14 Oak Road")

    assert (comment.verdict, comment.escalated) == ("escalate", True)
    label = _targeted(comment)
    assert label["label"] == "threat" and label["reason"].startswith("reads as a threat")


def test_a_teacher_s_full_name_is_not_held_as_a_pupil_s(
    ig_post: Publication, school: School
) -> None:
    person(school, "Sarah", "Okonjo", kind="staff")

    comment = ingest(ig_post, "c1", "Thank you Sarah Okonjo for a lovely show!")

    assert comment.verdict == "ok"


def test_the_school_s_own_name_is_never_read_as_harmful(
    ig_post: Publication, school: School
) -> None:
    School.objects.filter(pk=school.pk).update(name="Twatt Primary School")
    pub = Publication.objects.select_related("school").get(pk=ig_post.pk)

    assert ingest(pub, "c1", "Twatt's nativity was the best yet!").verdict == "ok"
    assert ingest(pub, "c2", "what a twat").verdict != "ok"


def test_a_first_name_alone_is_not_held(ig_post: Publication, school: School) -> None:
    person(school, "Amelia", "Smith")

    assert ingest(ig_post, "c1", "Well done Amelia!").verdict == "ok"


def test_every_verdict_stores_which_screener_fired_why_and_where(ig_post: Publication) -> None:
    comment = ingest(ig_post, "c1", THREAT)

    assert comment.labels
    for label in comment.labels:
        assert set(label) == {"label", "score", "span", "screener", "reason"}
        assert label["screener"] and label["reason"]
        start, end = label["span"]
        assert 0 <= start < end <= len(comment.text)
    assert AuditEvent.objects.filter(action="comment.screened", target_id=str(comment.pk)).exists()


def test_a_school_s_blocked_words_hold_and_allowed_words_pass(
    ig_post: Publication, school: School, head_teacher: User
) -> None:
    services.screening_settings_update(
        school=school, actor=head_teacher, blocked_words=["wombat"], allowed_words=["Dick Road"]
    )

    blocked = ingest(ig_post, "c1", "what a wombat")
    assert blocked.verdict != "ok"
    assert any(
        label["label"] == "profanity" and "school blocks" in label["reason"]
        for label in blocked.labels
    )
    assert ingest(ig_post, "c2", "See you at the fair on Dick Road").verdict == "ok"


def test_a_school_s_thresholds_apply(
    ig_post: Publication, school: School, head_teacher: User
) -> None:
    services.screening_settings_update(school=school, actor=head_teacher, thresholds={"spam": 1.0})

    assert ingest(ig_post, "c1", "Check out www.cheap-deals.xyz").verdict == "ok"


def test_the_school_s_own_contact_details_are_not_personal_data(
    ig_post: Publication, school: School
) -> None:
    School.objects.filter(pk=school.pk).update(contact_phone="01632 960001")
    school.refresh_from_db()
    pub = Publication.objects.select_related("school").get(pk=ig_post.pk)

    assert ingest(pub, "c1", "Ring the office on 01632 960001").verdict == "ok"
    assert ingest(pub, "c2", "Ring me on 07700 900123").verdict == "hold"


def test_only_leaders_change_screening_settings(
    school: School, safeguarding_lead: User, teacher: User
) -> None:
    for user in (safeguarding_lead, teacher):
        with pytest.raises(Refused, match=re.escape(services.NOT_A_LEADER)):
            services.screening_settings_update(school=school, actor=user, blocked_words=["x"])


BAD_THRESHOLD = services.BAD_THRESHOLD.format(labels=", ".join(LABELS))
BAD_WORDS = services.BAD_WORDS.format(limit=services.MAX_WORD_CHARS)
BAD_CHANNELS = services.BAD_CHANNELS.format(channels="website, x, facebook, instagram")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("thresholds", {"threat": 2}, BAD_THRESHOLD),
        ("thresholds", {"nonsense": 0.5}, BAD_THRESHOLD),
        ("blocked_words", ["x" * 101], BAD_WORDS),
        ("blocked_words", "not a list", BAD_WORDS),
        ("fetch_channels", ["myspace"], BAD_CHANNELS),
    ],
)
def test_screening_settings_are_validated(
    school: School, head_teacher: User, field: str, value: Any, message: str
) -> None:
    with pytest.raises(InvalidInput, match=re.escape(message)) as raised:
        services.screening_settings_update(school=school, actor=head_teacher, **{field: value})

    assert raised.value.field == field


def test_settings_changes_are_audited_without_the_words(school: School, head_teacher: User) -> None:
    services.screening_settings_update(school=school, actor=head_teacher, blocked_words=["slur"])

    event = AuditEvent.objects.get(action="comments.screening_settings_changed")
    assert event.data["fields"] == ["blocked_words"]
    assert "slur" not in str(event.data)


# --------------------------------------------------------------------------- actions


@commits_for_real
def test_approving_a_held_comment_unhides_it_on_the_platform(
    platforms: Platforms, x_post: Publication, head_teacher: User
) -> None:
    reply = platforms.x.add_reply(x_post.external_id, SWEARING)
    services.publication_poll(publication_id=x_post.pk)
    comment = Comment.objects.get(external_id=reply)
    assert platforms.x.tweets[reply]["hidden"] is True

    comment = services.comment_approve(comment=comment, actor=head_teacher, note="Banter")

    assert (comment.status, comment.review) == ("visible", "approved")
    assert comment.decided_by == head_teacher
    assert platforms.x.tweets[reply]["hidden"] is False


@commits_for_real
def test_keeping_a_visible_comment_hidden_captures_evidence_then_hides_it(
    platforms: Platforms, fb_post: Publication, deputy_head: User
) -> None:
    cid = platforms.graph.add_comment(fb_post.external_id, "Meh")
    services.publication_poll(publication_id=fb_post.pk)
    comment = Comment.objects.get(external_id=cid)

    comment = services.comment_keep_hidden(comment=comment, actor=deputy_head)

    assert (comment.status, comment.review) == ("hidden", "kept_hidden")
    assert platforms.graph.comments[cid]["hidden"] is True
    evidence = comment.evidence.get()
    assert evidence.captured_by == deputy_head and evidence.reason == "before_hide"


def test_deleting_is_refused_where_the_platform_does_not_allow_it(
    platforms: Platforms, x_post: Publication, head_teacher: User
) -> None:
    reply = platforms.x.add_reply(x_post.external_id, SWEARING)
    with committed():
        services.publication_poll(publication_id=x_post.pk)

    with pytest.raises(Conflict, match="X does not let apps delete"):
        services.comment_delete(comment=Comment.objects.get(external_id=reply), actor=head_teacher)


@commits_for_real
def test_deleting_a_facebook_comment_removes_it_and_is_not_repeated(
    platforms: Platforms, fb_post: Publication, head_teacher: User
) -> None:
    cid = platforms.graph.add_comment(fb_post.external_id, SWEARING)
    services.publication_poll(publication_id=fb_post.pk)
    comment = Comment.objects.get(external_id=cid)

    comment = services.comment_delete(comment=comment, actor=head_teacher)
    action = comment.actions.get(kind=A.Kind.DELETE)
    services.action_apply(action_id=action.pk)  # a redelivered task

    assert (comment.status, comment.review) == ("deleted", "deleted")
    assert cid not in platforms.graph.comments
    assert len(platforms.graph.calls("delete")) == 1
    with pytest.raises(Conflict, match=re.escape(services.ALREADY_DELETED)):
        services.comment_delete(comment=comment, actor=head_teacher)


def test_blocking_the_author_works_on_facebook_only(
    platforms: Platforms, fb_post: Publication, x_post: Publication, head_teacher: User
) -> None:
    cid = platforms.graph.add_comment(fb_post.external_id, SWEARING, author=("666", "Troll"))
    reply = platforms.x.add_reply(x_post.external_id, SWEARING)
    with committed():
        services.publication_poll(publication_id=fb_post.pk)
        services.publication_poll(publication_id=x_post.pk)

    with committed():
        services.comment_block_author(
            comment=Comment.objects.get(external_id=cid), actor=head_teacher
        )

    assert platforms.graph.blocked == ["666"]
    with pytest.raises(Conflict, match="Block the author in the X app"):
        services.comment_block_author(
            comment=Comment.objects.get(external_id=reply), actor=head_teacher
        )


def test_a_rate_limited_hide_is_retried_with_back_off_until_it_succeeds(
    platforms: Platforms, x_post: Publication
) -> None:
    platforms.x.fail("hide", "rate_limit", reset_in=120)
    reply = platforms.x.add_reply(x_post.external_id, SWEARING)

    with committed():
        services.publication_poll(publication_id=x_post.pk)

    action = A.objects.get(comment__external_id=reply, kind=A.Kind.HIDE)
    assert action.platform_state == "pending" and action.attempts == 1
    assert "limiting" in action.last_error
    assert action.next_attempt_at is not None
    assert services.actions_due() == []  # not yet
    later = action.next_attempt_at + timedelta(seconds=1)
    assert services.actions_due(now=later) == [action.pk]

    services.action_apply(action_id=action.pk, now=later)

    action.refresh_from_db()
    assert action.platform_state == "done" and action.attempts == 2
    assert platforms.x.tweets[reply]["hidden"] is True
    assert Comment.objects.get(external_id=reply).status == "hidden"


def test_the_retry_task_picks_up_due_actions(platforms: Platforms, x_post: Publication) -> None:
    platforms.x.fail("hide", "server_error")
    reply = platforms.x.add_reply(x_post.external_id, SWEARING)
    with committed():
        services.publication_poll(publication_id=x_post.pk)
    A.objects.filter(kind=A.Kind.HIDE).update(next_attempt_at=timezone.now())

    assert tasks.retry_actions() == 1

    assert platforms.x.tweets[reply]["hidden"] is True


def test_a_permanent_failure_is_marked_failed_and_leaders_are_told(
    platforms: Platforms, x_post: Publication, head_teacher: User
) -> None:
    platforms.x.fail("hide", "forbidden")
    reply = platforms.x.add_reply(x_post.external_id, SWEARING)

    with committed():
        services.publication_poll(publication_id=x_post.pk)

    action = A.objects.get(comment__external_id=reply, kind=A.Kind.HIDE)
    assert action.platform_state == "failed"
    assert Comment.objects.get(external_id=reply).status == "visible"
    assert [m.to for m in mail.outbox] == [[head_teacher.email]]
    assert "could not hide" in mail.outbox[0].subject
    assert AuditEvent.objects.filter(action="comment.platform_failed").exists()


def test_an_approval_overtakes_a_hide_still_waiting_to_retry(
    platforms: Platforms, x_post: Publication, head_teacher: User
) -> None:
    platforms.x.fail("hide", "rate_limit")
    reply = platforms.x.add_reply(x_post.external_id, SWEARING)
    with committed():
        services.publication_poll(publication_id=x_post.pk)
    comment = Comment.objects.get(external_id=reply)

    with committed():
        services.comment_approve(comment=comment, actor=head_teacher)
    hide = A.objects.get(comment=comment, kind=A.Kind.HIDE)
    services.action_apply(action_id=hide.pk, now=timezone.now() + timedelta(hours=1))

    hide.refresh_from_db()
    assert hide.platform_state == "superseded"
    assert platforms.x.tweets[reply]["hidden"] is False


def test_a_reply_goes_through_the_approval_queue_as_a_post(
    platforms: Platforms, fb_post: Publication, head_teacher: User, school: School
) -> None:
    device, _ = device_enrol(school=school, name="Office iPad", actor=SYSTEM_SHELL)
    cid = platforms.graph.add_comment(fb_post.external_id, "When is the next open day?")
    services.publication_poll(publication_id=fb_post.pk)
    comment = Comment.objects.get(external_id=cid)

    with committed():
        action = services.comment_reply(
            comment=comment, actor=head_teacher, device=device, text="Open day is 3 March."
        )

    assert action.reply_post_id is not None
    post = Post.objects.get(pk=action.reply_post_id)
    assert post.channels == ["facebook"] and post.author == head_teacher
    assert post.status == Post.Status.AWAITING_APPROVAL
    assert action.kind == "reply" and action.data == {"post": post.pk}


def test_a_reply_needs_a_tablet_of_the_comment_s_school_and_a_channel_that_takes_one(
    ig_post: Publication, head_teacher: User, school: School, teacher: User,
    other_school: School,
) -> None:  # fmt: skip
    foreign: Device = device_enrol(school=other_school, name="Elsewhere", actor=SYSTEM_SHELL)[0]
    own: Device = device_enrol(school=school, name="Office iPad", actor=SYSTEM_SHELL)[0]
    on_facebook = ingest(publish(school, teacher, "facebook", "104_122"), "fb1", ORDINARY)
    on_instagram = ingest(ig_post, "ig1", ORDINARY)
    on_website = services.comment_ingest(
        school=school, channel="website", remote=remote("w1", ORDINARY)
    ).comment

    with pytest.raises(Refused, match=re.escape(DEVICE_MISSING)):
        services.comment_reply(comment=on_facebook, actor=head_teacher, device=None, text="Hi")
    with pytest.raises(Refused, match="another school"):
        services.comment_reply(comment=on_facebook, actor=head_teacher, device=foreign, text="Hi")
    with pytest.raises(Conflict, match="Instagram posts need a photo"):
        services.comment_reply(comment=on_instagram, actor=head_teacher, device=own, text="Hi")
    with pytest.raises(Conflict, match="website feed has no replies"):
        services.comment_reply(comment=on_website, actor=head_teacher, device=own, text="Hi")
    with pytest.raises(InvalidInput, match=re.escape(services.REPLY_TEXT_REQUIRED)):
        services.comment_reply(comment=on_facebook, actor=head_teacher, device=own, text=" ")
    assert not Post.objects.filter(author=head_teacher).exists()


def test_assignment_is_only_to_someone_who_may_see_the_comment(
    ig_post: Publication, head_teacher: User, safeguarding_lead: User, teacher: User
) -> None:
    comment = ingest(ig_post, "c1", THREAT)

    comment = services.comment_assign(
        comment=comment, actor=head_teacher, assignee=safeguarding_lead
    )
    assert comment.assigned_to == safeguarding_lead
    with pytest.raises(InvalidInput, match=re.escape(services.ASSIGNEE_NOT_MODERATOR)):
        services.comment_assign(comment=comment, actor=head_teacher, assignee=teacher)
    comment = services.comment_assign(comment=comment, actor=head_teacher, assignee=None)
    assert comment.assigned_to is None


def test_staff_cannot_moderate_and_cannot_see_escalated_comments(
    ig_post: Publication, teacher: User
) -> None:
    ok = ingest(ig_post, "c1", ORDINARY)
    escalated = ingest(ig_post, "c2", THREAT)

    with pytest.raises(Refused, match=re.escape(services.NOT_A_MODERATOR)):
        services.comment_keep_hidden(comment=ok, actor=teacher)
    with pytest.raises(NotFound, match=re.escape(NO_SUCH_COMMENT)):
        services.comment_approve(comment=escalated, actor=teacher)


def test_notes_and_reports_are_recorded(ig_post: Publication, safeguarding_lead: User) -> None:
    comment = ingest(ig_post, "c1", THREAT)

    services.comment_note_add(comment=comment, actor=safeguarding_lead, text="Rang the parent")
    services.comment_report(
        comment=comment, actor=safeguarding_lead, reference="IG-12345", note="Reported in app"
    )

    kinds = list(comment.actions.values_list("kind", "actor_id"))
    assert ("note", safeguarding_lead.pk) in kinds
    report = comment.actions.get(kind="report")
    assert report.data == {"reference": "IG-12345"} and report.platform_state == ""
    with pytest.raises(InvalidInput, match=re.escape(services.NOTE_REQUIRED)):
        services.comment_note_add(comment=comment, actor=safeguarding_lead, text="  ")


def test_bulk_actions_succeed_or_fail_one_by_one(
    platforms: Platforms, x_post: Publication, fb_post: Publication, head_teacher: User,
    outsider: User,
) -> None:  # fmt: skip
    x_reply = platforms.x.add_reply(x_post.external_id, SWEARING)
    fb_comment = platforms.graph.add_comment(fb_post.external_id, SWEARING)
    with committed():
        services.publication_poll(publication_id=x_post.pk)
        services.publication_poll(publication_id=fb_post.pk)
    ids = [Comment.objects.get(external_id=e).pk for e in (x_reply, fb_comment)]

    with committed():
        outcomes = services.comments_bulk(
            actor=head_teacher, comment_ids=[*ids, 999999], action="delete"
        )
    foreign = services.comments_bulk(actor=outsider, comment_ids=ids, action="approve")

    assert [(o.ok, o.detail[:20]) for o in outcomes] == [
        (False, "X does not let apps "),
        (True, ""),
        (False, "No such comment amon"),
    ]
    assert fb_comment not in platforms.graph.comments
    assert [o.ok for o in foreign] == [False, False]


@commits_for_real
def test_every_action_is_audited(
    platforms: Platforms, fb_post: Publication, head_teacher: User, safeguarding_lead: User
) -> None:
    cid = platforms.graph.add_comment(fb_post.external_id, SWEARING)
    services.publication_poll(publication_id=fb_post.pk)
    comment = Comment.objects.get(external_id=cid)

    services.comment_assign(comment=comment, actor=head_teacher, assignee=safeguarding_lead)
    services.comment_note_add(comment=comment, actor=head_teacher, text="Looking")
    services.comment_report(comment=comment, actor=head_teacher)
    services.comment_block_author(comment=comment, actor=head_teacher)
    services.comment_approve(comment=comment, actor=head_teacher)
    services.comment_keep_hidden(comment=comment, actor=head_teacher)
    services.comment_delete(comment=comment, actor=head_teacher)

    actions = set(
        AuditEvent.objects.filter(target_id=str(comment.pk), target_type="comments.comment")
        .values_list("action", flat=True)
    )  # fmt: skip
    assert actions >= {
        "comment.received", "comment.screened", "comment.evidence_captured",
        "comment.hide_requested", "comment.platform_hide", "comment.assigned",
        "comment.note_added", "comment.reported", "comment.block_requested",
        "comment.platform_block", "comment.approved", "comment.platform_unhide",
        "comment.kept_hidden", "comment.delete_requested", "comment.platform_delete",
    }  # fmt: skip
    assert SWEARING not in str(list(AuditEvent.objects.values_list("data", flat=True)))


def test_r13_an_escalation_goes_to_the_head_teacher_when_there_is_no_dsl(
    ig_post: Publication, head_teacher: User
) -> None:
    ingest(ig_post, "c1", THREAT)

    assert [m.to for m in mail.outbox] == [[head_teacher.email]]


def test_r13_an_escalation_is_emailed_to_the_dsl_and_head_teacher_only(
    ig_post: Publication, head_teacher: User, deputy_head: User, safeguarding_lead: User
) -> None:
    ingest(ig_post, "c1", THREAT)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [head_teacher.email, safeguarding_lead.email]
    )


@commits_for_real
def test_r13_a_failed_hide_of_an_escalated_comment_is_not_told_to_ordinary_leaders(
    platforms: Platforms,
    x_post: Publication,
    head_teacher: User,
    deputy_head: User,
    safeguarding_lead: User,
) -> None:
    platforms.x.fail("hide", "forbidden")
    platforms.x.add_reply(x_post.external_id, THREAT)

    services.publication_poll(publication_id=x_post.pk)

    failures = [m for m in mail.outbox if "could not hide" in m.subject]
    assert sorted(m.to[0] for m in failures) == sorted(
        [head_teacher.email, safeguarding_lead.email]
    )


# --------------------------------------------------------------------------- retention (R15)


def test_r15_old_settled_comments_are_deleted_after_retention(
    ig_post: Publication, settings: Any
) -> None:
    settings.COMMENTS_RETENTION_DAYS = 30
    old = ingest(ig_post, "c-old", ORDINARY)
    recent = ingest(ig_post, "c-new", ORDINARY)
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    assert services.comments_retention_purge() == 1
    assert list(Comment.objects.values_list("pk", flat=True)) == [recent.pk]


def test_r15_comments_backing_evidence_or_awaiting_review_are_kept(
    ig_post: Publication, safeguarding_lead: User, settings: Any
) -> None:
    settings.COMMENTS_RETENTION_DAYS = 30
    awaiting = ingest(ig_post, "c-open", ORDINARY)
    evidenced = ingest(ig_post, "c-evidence", ORDINARY)
    Comment.objects.filter(pk=awaiting.pk).update(review=Comment.Review.OPEN)
    services.comment_evidence_capture(comment=evidenced, actor=safeguarding_lead)
    Comment.objects.update(created_at=timezone.now() - timedelta(days=400))
    assert services.comments_retention_purge() == 0
    assert Comment.objects.count() == 2
