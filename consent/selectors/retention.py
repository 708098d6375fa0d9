"""Retention terms (R15) per school."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from backend.accounts.models import School

from ..models import DEFAULT_EVIDENCE_DAYS, DEFAULT_LEAVER_ENCODINGS_DAYS, RetentionPolicy


@dataclass(frozen=True)
class RetentionTerms:
    """What a school's retention policy says, defaults filled in (R15)."""

    leaver_encodings_days: int = DEFAULT_LEAVER_ENCODINGS_DAYS
    evidence_days: int = DEFAULT_EVIDENCE_DAYS


@dataclass(frozen=True)
class RetentionItem:
    """One thing a retention purge deletes (or, in a dry run, would delete)."""

    school_id: int
    kind: str  # what it is, in words: "face enrolment", "comment evidence", "comment"
    object_id: int
    why: str  # e.g. "person #12 left on 2026-09-01; policy: 0 days after leaving"

    def line(self) -> str:
        return f"school {self.school_id}: {self.kind} #{self.object_id} ({self.why})"


def retention_terms_for_schools(*, school_ids: Iterable[int]) -> dict[int, RetentionTerms]:
    """Each school's retention terms in one query; a school without a policy gets the
    defaults. Other apps (comment evidence) read the policy through this."""
    ids = set(school_ids)
    terms = {sid: RetentionTerms() for sid in ids}
    for policy in RetentionPolicy.objects.filter(school_id__in=ids):
        terms[policy.school_id] = RetentionTerms(
            leaver_encodings_days=policy.leaver_encodings_days,
            evidence_days=policy.evidence_days,
        )
    return terms


def retention_terms_for(*, school: School | int) -> RetentionTerms:
    school_id = school if isinstance(school, int) else school.pk
    return retention_terms_for_schools(school_ids=[school_id])[school_id]
