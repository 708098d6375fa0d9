"""Learning from moderators (issue 15): "Reclassify" records a correction; the refit teaches
the school's screener from its corrections, and installs nothing that scores worse.

Services (writes): ``comment_reclassify``, ``screening_sensitivity_set``,
``school_screening_refit``. Selectors (reads): ``screening_adaptation_for``,
``schools_with_new_corrections``. The pure part (fitting, comparing) is
``moderation.screening.adaptation``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from backend.accounts.models import Role, School, User
from backend.audit.services import audit_record
from backend.common.actors import SYSTEM_SHELL, Actor, SystemActor, require_role
from backend.common.errors import InvalidInput, Refused
from moderation.screening import LABELS, ScreeningConfig, screen_comment
from moderation.screening import adaptation as learning
from moderation.screening.corpus import SCHOOL_HELDOUT_FILES, demo_school, read_school
from moderation.screening.pipeline import prepare
from moderation.screening.screeners import semantic_input
from moderation.screening.semantic import SENSITIVITIES, semantic_model

from .models import Comment, CommentCorrection, ScreeningAdaptation, ScreeningSettings

CORRECTION_ROLES = (Role.LEADER, Role.DSL)
SENSITIVITY_ROLES = (Role.LEADER,)
# The weekly refit (beat) and the operator's command.
SYSTEM_SCREENING_REFIT = SystemActor("system:screening_refit")

NOT_A_MODERATOR = "Only the leadership team or the safeguarding lead can reclassify comments."
NOT_A_LEADER = "Only the leadership team can change the screening sensitivity."
BAD_LABELS = "Labels must be a list of: {labels}; an empty list means the comment was ordinary."
BAD_SENSITIVITY = "Sensitivity is one of: {choices}."
NO_REFERENCE = "No held-out comments to measure a refit on."


# --------------------------------------------------------------------------- services


def _clean_labels(labels: Any) -> list[str]:
    message = BAD_LABELS.format(labels=", ".join(LABELS))
    if not isinstance(labels, list | tuple) or any(label not in LABELS for label in labels):
        raise InvalidInput(message, field="labels")
    return sorted(set(labels))


def comment_reclassify(
    *, comment: Comment, actor: User, labels: Sequence[str]
) -> CommentCorrection:
    """A moderator says what a comment really was: ordinary (no labels) or harmful with these
    labels. Safe to repeat: the same answer again changes nothing and audits nothing.

    1. Check the actor is a leader or the DSL at the comment's school, then the labels.
    2. Lock the comment's correction, write it if it differs, audit before and after (labels
       and verdicts only: the comment's text stays out of the log).
    """
    require_role(actor=actor, school=comment.school_id, roles=CORRECTION_ROLES,
                 message=NOT_A_MODERATOR)  # fmt: skip
    clean = _clean_labels(labels)
    with transaction.atomic():
        correction = (
            CommentCorrection.objects.select_for_update(of=("self",))
            .filter(comment=comment)
            .first()
        )
        if correction is not None and correction.labels == clean:
            return correction
        before = correction.labels if correction is not None else None
        if correction is None:
            correction = CommentCorrection(school_id=comment.school_id, comment=comment)
        correction.labels = clean
        correction.corrected_by = actor
        correction.updated_at = timezone.now()
        correction.save()
        audit_record(
            action="comments.reclassified",
            actor=actor,
            school=comment.school,
            target=comment,
            data={"screened": {"verdict": comment.verdict,
                               "labels": sorted({str(x.get("label")) for x in comment.labels})},
                  "before": before, "labels": clean},
        )  # fmt: skip
    return correction


def screening_sensitivity_set(
    *, school: School, actor: User, sensitivity: str
) -> ScreeningSettings:
    """A leader picks the school's operating point (strict, balanced or relaxed)."""
    require_role(actor=actor, school=school, roles=SENSITIVITY_ROLES, message=NOT_A_LEADER)
    if sensitivity not in SENSITIVITIES:
        raise InvalidInput(
            BAD_SENSITIVITY.format(choices=", ".join(SENSITIVITIES)), field="sensitivity"
        )
    with transaction.atomic():
        stored, _ = ScreeningSettings.objects.select_for_update(of=("self",)).get_or_create(
            school=school
        )
        if stored.sensitivity == sensitivity:
            return stored
        before = stored.sensitivity
        stored.sensitivity = sensitivity
        stored.updated_by = actor
        stored.updated_at = timezone.now()
        stored.save(update_fields=["sensitivity", "updated_by", "updated_at"])
        audit_record(
            action="comments.screening_sensitivity_changed",
            actor=actor,
            school=school,
            target=stored,
            data={"before": before, "sensitivity": sensitivity},
        )
    return stored


@dataclass(frozen=True)
class RefitOutcome:
    installed: bool
    corrections: int
    before: dict[str, float | int]
    after: dict[str, float | int]
    thresholds: dict[str, float]


def reference_comments() -> list[tuple[str, bool]]:
    """The school held-out sets (``eval.jsonl``, ``blind*.jsonl``): never trained on."""
    return [
        (example.text, example.harmful)
        for name in SCHOOL_HELDOUT_FILES
        for example in read_school(f"{name}.jsonl")
    ]


def school_screening_refit(
    *, school: School, actor: Actor, reference: Sequence[tuple[str, bool]] | None = None
) -> RefitOutcome:
    """Refit the school's thresholds and similar-comment exemplars from its corrections and
    install them only if they score no worse on held-out comments.

    1. Check the actor (a leader, the operator's shell, or the weekly refit).
    2. Read the corrections; score each with the base model at the school's sensitivity.
    3. Fit the candidate (``adaptation.fit``); screen ``reference`` (default: the school
       held-out sets, as the demo school they were written for) with the installed
       adaptation and with the candidate.
    4. Worse: refuse (audited, nothing changes). Otherwise install and audit before/after.
    """
    require_role(actor=actor, school=school, roles=SENSITIVITY_ROLES, message=NOT_A_LEADER,
                 system=(SYSTEM_SCREENING_REFIT, SYSTEM_SHELL))  # fmt: skip
    reference = reference_comments() if reference is None else list(reference)
    if not reference:
        raise Refused(NO_REFERENCE)
    stored, _ = ScreeningSettings.objects.get_or_create(school=school)
    base = dataclasses.replace(demo_school(), sensitivity=stored.sensitivity)
    rows = list(
        CommentCorrection.objects.filter(school=school).select_related("comment").order_by("id")
    )
    classifier = semantic_model()
    corrections = []
    for row in rows:
        text = semantic_input(prepare(row.comment.text, base))
        corrections.append(learning.Correction(text, tuple(row.labels),
                                               classifier.probabilities(text)))  # fmt: skip
    base_thresholds = {label: classifier.threshold(label, stored.sensitivity) for label in LABELS}
    candidate = learning.fit(corrections, base_thresholds)
    current = screening_adaptation_for(school=school)

    def screen(text: str, adaptation: learning.SchoolAdaptation | None) -> str:
        return screen_comment(text, dataclasses.replace(base, adaptation=adaptation)).verdict

    before, after = learning.compare(screen, reference, candidate, current)
    outcome = RefitOutcome(
        installed=not learning.is_worse(before, after),
        corrections=len(rows),
        before=before.as_dict(),
        after=after.as_dict(),
        thresholds=dict(candidate.thresholds),
    )
    _record_refit(
        school=school,
        actor=actor,
        outcome=outcome,
        comment_ids=[r.comment_id for r in rows],
        similarity=candidate.similarity,
    )
    return outcome


def _record_refit(
    *, school: School, actor: Actor, outcome: RefitOutcome, comment_ids: list[int],
    similarity: float,
) -> None:  # fmt: skip
    report = {"before": outcome.before, "after": outcome.after,
              "corrections": outcome.corrections}  # fmt: skip
    with transaction.atomic():
        if outcome.installed:
            ScreeningAdaptation.objects.update_or_create(
                school=school,
                defaults={"thresholds": outcome.thresholds, "comment_ids": comment_ids,
                          "similarity": similarity, "report": report,
                          "fitted_at": timezone.now()},
            )  # fmt: skip
        audit_record(
            action="comments.screening_refit_installed"
            if outcome.installed
            else "comments.screening_refit_refused",
            actor=actor,
            school=school,
            data={**report, "thresholds": outcome.thresholds},
        )


# --------------------------------------------------------------------------- selectors


def screening_adaptation_for(*, school: School | int) -> learning.SchoolAdaptation | None:
    """The installed adaptation, with the corrected comments it follows that still exist."""
    school_id = school if isinstance(school, int) else school.pk
    installed = ScreeningAdaptation.objects.filter(school_id=school_id).first()
    if installed is None:
        return None
    rows = CommentCorrection.objects.filter(
        school_id=school_id, comment_id__in=installed.comment_ids
    ).select_related("comment")
    # As the model reads them (folded; the refit used the school's register names too).
    plain = ScreeningConfig()
    return learning.SchoolAdaptation(
        thresholds={str(k): float(v) for k, v in installed.thresholds.items()},
        exemplar_texts=tuple(semantic_input(prepare(r.comment.text, plain)) for r in rows),
        exemplar_labels=tuple(tuple(r.labels) for r in rows),
        similarity=installed.similarity,
    )


def screening_adaptation_report(*, school: School | int) -> dict[str, Any] | None:
    """When the installed adaptation was fitted, from how many corrections, and its
    before/after on held-out comments (the settings page shows it)."""
    school_id = school if isinstance(school, int) else school.pk
    installed = ScreeningAdaptation.objects.filter(school_id=school_id).first()
    if installed is None:
        return None
    report = installed.report
    return {"fitted_at": installed.fitted_at, "corrections": report.get("corrections", 0),
            "before": report.get("before", {}), "after": report.get("after", {})}  # fmt: skip


def schools_with_new_corrections() -> list[int]:
    """Schools with a correction newer than their installed adaptation (the weekly refit)."""
    latest = CommentCorrection.objects.values("school_id").annotate(latest=Max("updated_at"))
    fitted = dict(ScreeningAdaptation.objects.values_list("school_id", "fitted_at"))
    return sorted(
        row["school_id"]
        for row in latest
        if row["school_id"] not in fitted or row["latest"] > fitted[row["school_id"]]
    )


def screening_refit_due(*, actor: Actor = SYSTEM_SCREENING_REFIT) -> dict[str, bool]:
    """The weekly refit: every school with corrections newer than its installed adaptation,
    by slug, and whether its refit was installed (a worse one never is)."""
    return {
        school.slug: school_screening_refit(school=school, actor=actor).installed
        for school in School.objects.filter(pk__in=schools_with_new_corrections())
    }
