"""The call into the screening library (moderation/screening) and what a verdict does.

R11: a held comment is hidden on the platform at once; on the website channel nothing is
visible until a moderator approves it. R12: evidence first. R13: threats, hate, sexual
content, self-harm and allegations escalate to the DSL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone

from backend.accounts.models import School
from backend.common.actors import SYSTEM_COMMENT_SCREENING
from backend.common.channels import ChannelKind
from moderation.screening import ScreeningConfig, ScreenResult, screen_comment, screen_comments
from moderation.screening.types import Label

from .. import selectors
from ..models import Comment, Evidence, ModerationAction
from .action_log import action_record, after_commit, audit_comment, needs_hide
from .evidence import comment_evidence_take

A = ModerationAction
V = Comment.Verdict
St = Comment.Status

SEVERITY = {V.OK: 0, V.HOLD: 1, V.ESCALATE: 2}


def labels_json(labels: Iterable[Label]) -> list[dict[str, Any]]:
    """What fired, how sure, where (span in the original text), which screener and why."""
    return [
        {
            "label": label.label,
            "score": label.score,
            "span": list(label.span) if label.span is not None else None,
            "screener": label.screener,
            "reason": label.reason,
        }
        for label in labels
    ]


def comment_screen(
    *,
    school: School,
    text: str,
    author_is_new: bool = False,
    config: ScreeningConfig | None = None,
) -> ScreenResult:
    """The one screening path: ingestion, the preview API and ``screen_comments`` all call
    this with the school's config (thresholds, word lists, register names)."""
    if config is None:
        config = selectors.screening_config_for(school=school)
    return screen_comment(text, config, author_is_new=author_is_new)


def comments_screen(
    *, school: School, texts: Sequence[str], config: ScreeningConfig | None = None
) -> list[ScreenResult]:
    """``comment_screen`` for many comments at once (a backlog, ``screen_comments``): the
    same verdicts, with the semantic model reading them all in one pass."""
    if config is None:
        config = selectors.screening_config_for(school=school)
    return screen_comments(texts, config)


class LazyScreeningConfig:
    """Build the school's screening config only when something needs screening."""

    def __init__(self, school: School, config: ScreeningConfig | None) -> None:
        self.school = school
        self._config = config

    def get(self) -> ScreeningConfig:
        if self._config is None:
            self._config = selectors.screening_config_for(school=self.school)
        return self._config


def _store_verdict(comment: Comment, result: ScreenResult, *, edit: bool) -> bool:
    """Store the verdict with every label's screener and reason; whether it holds."""
    verdict = str(result.verdict)
    comment.verdict = verdict
    comment.labels = labels_json(result.labels)
    comment.screened_at = timezone.now()
    comment.escalated = comment.escalated or verdict == V.ESCALATE
    held = verdict != V.OK
    if held and (comment.status != St.DELETED or comment.escalated):
        comment.review = Comment.Review.OPEN
    elif comment.channel == ChannelKind.WEBSITE and comment.status == St.HIDDEN and not edit:
        comment.review = Comment.Review.OPEN  # R11: waits for a moderator's approval
    comment.save(
        update_fields=["verdict", "labels", "screened_at", "escalated", "review", "updated_at"]
    )
    audit_comment(
        "comment.screened",
        comment,
        actor=SYSTEM_COMMENT_SCREENING,
        verdict=verdict,
        labels=sorted({label.label for label in result.labels}),
        screeners=sorted({label.screener for label in result.labels}),
    )
    return held


def _escalate(comment: Comment) -> None:
    """R13: record the escalation and tell the DSL and the head teacher after commit."""
    action_record(
        comment,
        kind=A.Kind.ESCALATE,
        actor=SYSTEM_COMMENT_SCREENING,
        note="Escalated to the safeguarding lead.",
    )
    audit_comment("comment.escalated", comment, actor=SYSTEM_COMMENT_SCREENING)
    comment_id = comment.pk

    def notify() -> None:
        from ..notifications import notify_escalated

        notify_escalated(comment_id=comment_id)

    after_commit(notify)


def screen_and_act(
    comment: Comment, *, lazy: LazyScreeningConfig, author_is_new: bool, edit: bool
) -> None:
    """Screen, store the verdict, then act: evidence, hide at once, escalate.

    An edit is screened again but never softens an earlier verdict: only a harsher one
    replaces it.
    """
    result = comment_screen(
        school=comment.school, text=comment.text, author_is_new=author_is_new, config=lazy.get()
    )
    harsher = SEVERITY[str(result.verdict)] > SEVERITY[comment.verdict]  # type: ignore[index]
    if edit and not harsher:
        Comment.objects.filter(pk=comment.pk).update(screened_at=timezone.now())
        return
    was_escalated = comment.escalated
    if not _store_verdict(comment, result, edit=edit):
        return
    # R12: evidence first, then hide (R11).
    comment_evidence_take(
        comment, actor=SYSTEM_COMMENT_SCREENING, reason=Evidence.Reason.BEFORE_HIDE
    )
    if needs_hide(comment):
        reasons = ", ".join(sorted({label.label for label in result.labels}))
        action_record(
            comment,
            kind=A.Kind.HIDE,
            op=A.Op.HIDE,
            actor=SYSTEM_COMMENT_SCREENING,
            note=f"Held by screening: {reasons}.",
        )
        audit_comment(
            "comment.hide_requested", comment, actor=SYSTEM_COMMENT_SCREENING, by="screening"
        )
    if comment.escalated and not was_escalated:
        _escalate(comment)
