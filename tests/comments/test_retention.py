"""R15: comment evidence (R12) follows the school's retention policy (read from consent);
`comments.retention_purge` is what beat runs nightly; the dry-run report deletes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from backend.accounts.models import School, User
from backend.audit.models import AuditEvent
from backend.common.errors import Refused
from consent.retention import NOT_A_RETENTION_SWEEP, retention_policy_set
from moderation.comments import services, tasks
from moderation.comments.models import Comment, Evidence
from publishers.models import Publication
from tests.comments.conftest import Platforms, publish, remote

ORDINARY = "What a lovely day, well done to all the children!"


@pytest.fixture
def ig_post(platforms: Platforms, school: School, teacher: User) -> Publication:
    return publish(school, teacher, "instagram", platforms.graph.add_ig_media("Sports day"))


def ingest(pub: Publication, external_id: str, text: str) -> Comment:
    return services.comment_ingest(
        school=pub.school,
        channel=pub.channel,
        remote=remote(external_id, text),
        publication=pub,
        post_external_id=pub.external_id,
    ).comment


def _evidence(pub: Publication, external_id: str, actor: User, *, days_ago: int) -> Evidence:
    comment = ingest(pub, external_id, ORDINARY)
    evidence = services.comment_evidence_capture(comment=comment, actor=actor)
    then = timezone.now() - timedelta(days=days_ago)
    Evidence.objects.filter(pk=evidence.pk).update(captured_at=then)
    Comment.objects.filter(pk=comment.pk).update(created_at=then)
    evidence.refresh_from_db()
    return evidence


def test_r15_evidence_past_the_school_policy_is_purged_nightly_with_its_old_comment(
    ig_post: Publication,
    safeguarding_lead: User,
    settings: Any,
) -> None:
    settings.COMMENTS_RETENTION_DAYS = 365
    retention_policy_set(school=ig_post.school, actor=safeguarding_lead, evidence_days=400)
    old = _evidence(ig_post, "c-old", safeguarding_lead, days_ago=401)
    recent = _evidence(ig_post, "c-recent", safeguarding_lead, days_ago=399)

    assert tasks.retention_purge.delay().get() == {"evidence": 1, "comments": 1}

    assert list(Evidence.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not Comment.objects.filter(pk=old.comment_id).exists()
    event = AuditEvent.objects.get(action="retention.evidence_purged")
    assert event.data == {"evidence_ids": [old.pk], "policy_days": 400}
    assert event.actor_label == "system:retention_purge"


def test_r15_evidence_is_kept_six_years_when_the_school_set_no_policy(
    ig_post: Publication,
    safeguarding_lead: User,
) -> None:
    kept = _evidence(ig_post, "c-5y", safeguarding_lead, days_ago=5 * 365)
    gone = _evidence(ig_post, "c-6y", safeguarding_lead, days_ago=6 * 365 + 1)
    tasks.retention_purge.delay().get()
    assert list(Evidence.objects.values_list("pk", flat=True)) == [kept.pk]
    assert gone.pk not in Evidence.objects.values_list("pk", flat=True)


def test_r15_evidence_of_a_comment_awaiting_review_is_kept(
    ig_post: Publication,
    safeguarding_lead: User,
) -> None:
    evidence = _evidence(ig_post, "c-open", safeguarding_lead, days_ago=10 * 365)
    Comment.objects.filter(pk=evidence.comment_id).update(review=Comment.Review.OPEN)
    tasks.retention_purge.delay().get()
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_r15_the_dry_run_lists_evidence_and_comments_and_deletes_nothing(
    ig_post: Publication,
    safeguarding_lead: User,
    settings: Any,
    capsys: Any,
) -> None:
    settings.COMMENTS_RETENTION_DAYS = 30
    evidence = _evidence(ig_post, "c-evidence", safeguarding_lead, days_ago=7 * 365)
    plain = ingest(ig_post, "c-plain", ORDINARY)
    Comment.objects.filter(pk=plain.pk).update(created_at=timezone.now() - timedelta(days=31))

    call_command("retention_purge", "--dry-run")

    out = capsys.readouterr().out
    assert "Comment evidence (would delete): 1" in out
    assert f"comment evidence #{evidence.pk} (captured" in out and "policy: 2190 days" in out
    assert "Comments (would delete): 1" in out and f"comment #{plain.pk} " in out
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert Comment.objects.count() == 2
    assert not AuditEvent.objects.filter(action__startswith="retention.").exists()


def test_r15_a_moderator_cannot_run_the_evidence_purge(
    ig_post: Publication,
    safeguarding_lead: User,
) -> None:
    evidence = _evidence(ig_post, "c-old", safeguarding_lead, days_ago=7 * 365)
    with pytest.raises(Refused, match=NOT_A_RETENTION_SWEEP):
        services.comment_evidence_retention_purge(actor=safeguarding_lead)  # type: ignore[arg-type]
    assert Evidence.objects.filter(pk=evidence.pk).exists()
