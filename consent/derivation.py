"""Consent derivation: from the append-only history to "may we, and why?" (R16, R17, R18).

Pure functions over plain facts (no queries), so the selectors can answer for thousands of
people from two queries, the import can compare before and after in memory, and every rule
is tested on its own. Each rule is named by its id where it is applied.

The rules, in the order they are applied to one person and one purpose:

1. Not in the register, or erased: no.
2. R16: an active safeguarding flag: no, "Do not publish" (the kind only in
   `sensitive_reason`). Biometric identification is NOT blocked by a flag: identifying a
   flagged child is what lets the checks block their photos (docs/consent.md).
3. R17: left the school: no (leaving ends consent; grants from before leaving stay void
   if they come back).
4. Each giver's latest decision counts (a parent who refused and later granted has
   granted). Givers: each contact, the person themselves, the MIS.
5. R17: any refusal or withdrawal (a parent, the pupil, the MIS) wins over every grant.
   R18: a pupil's objection counts however it was made (verbal included), at any age.
6. R18: a grant counts only from someone who may give it: a contact with parental
   responsibility and no court order; a pupil judged competent (CONSENT_COMPETENCE_AGE,
   default 12, on the day they decided) for photo and name purposes; a pupil of 18+ for
   biometrics (PoFA 2012: parents consent for under-18s); staff and other adults for
   themselves; the MIS record of the school.
   R18: a biometric grant needs a written record (paper or electronic form with evidence,
   or the MIS holding the written form); a verbal biometric grant never counts.
7. R17: opt-in: no counting grant means no. An expired grant is none.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from django.utils import timezone

from .models import (
    WRITTEN_METHODS,
    Decision,
    FlagKind,
    GivenBy,
    Method,
    PersonKind,
    Purpose,
)

DO_NOT_PUBLISH = "Do not publish."
NOT_IN_REGISTER = "This person is not in the register."
ERASED = "This person's record was erased: no consent."
BIOMETRIC_ADULT_AGE = 18


@dataclass(frozen=True)
class ConsentDecision:
    """The answer to "may we?" for one person and one purpose or channel.

    `reason` is plain English and safe to show any member of staff: for a safeguarding
    flag (R16) it is only "Do not publish."; `sensitive_reason` says why, and is for the
    DSL and leaders only. `record_id` is the consent record the answer rests on (the
    grant, the refusal, the expired grant), or None when nothing was recorded.
    """

    allowed: bool
    reason: str
    record_id: int | None
    do_not_publish: bool = False
    sensitive_reason: str = ""
    purpose: str = ""
    outcome: str = ""


class Outcome(StrEnum):
    GRANTED = "granted"
    REFUSED = "refused"
    EXPIRED = "expired"
    NONE = "none"
    LEFT = "left"
    FLAGGED = "flagged"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class PersonFacts:
    id: int
    kind: str
    date_of_birth: datetime.date | None
    on_roll: bool
    left_on: datetime.date | None
    consent_void_before: datetime.datetime | None
    erased: bool
    flag_kind: str | None  # an active R16 flag's kind, or None


@dataclass(frozen=True)
class RecordFacts:
    id: int
    person_id: int
    purpose: str
    decision: str
    given_by: str
    contact_id: int | None
    contact_may_consent: bool
    method: str
    given_on: datetime.date
    expires_on: datetime.date | None
    recorded_at: datetime.datetime
    has_evidence: bool


def age_on(dob: datetime.date | None, day: datetime.date) -> int | None:
    if dob is None:
        return None
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def default_expiry(given_on: datetime.date) -> datetime.date:
    """R17 default: the end of the academic year (31 August) in which consent was given."""
    year = given_on.year + 1 if given_on.month >= 9 else given_on.year
    return datetime.date(year, 8, 31)


def has_left(person: PersonFacts, at_date: datetime.date) -> bool:
    if person.on_roll:
        return False
    return person.left_on is None or person.left_on <= at_date


def purpose_label(purpose: str) -> str:
    try:
        return str(Purpose(purpose).label)
    except ValueError:
        return purpose


def giver_label(record: RecordFacts, person: PersonFacts) -> str:
    """Who decided, without naming anyone (reasons are shown to all staff)."""
    if record.given_by == GivenBy.CONTACT:
        return "a parent/carer"
    if record.given_by == GivenBy.MIS:
        return "the school's MIS record"
    return "the pupil" if person.kind == PersonKind.PUPIL else "the person themselves"


def _date(day: datetime.date) -> str:
    return f"{day.day} {day.strftime('%b %Y')}"


def grant_counts(
    record: RecordFacts, person: PersonFacts, *, competence_age: int
) -> tuple[bool, str]:
    """R18: does this grant come from someone who may give it, in a form that counts?"""
    biometric = record.purpose == Purpose.BIOMETRIC
    if biometric:
        if record.method not in WRITTEN_METHODS:
            return False, "biometric consent must be in writing"
        if record.method != Method.MIS_IMPORT and not record.has_evidence:
            return False, "biometric consent has no written evidence"
    if record.given_by == GivenBy.MIS:
        return True, ""
    if record.given_by == GivenBy.CONTACT:
        if person.kind != PersonKind.PUPIL:
            return False, "staff and other adults consent for themselves"
        if not record.contact_may_consent:
            return False, "given by a contact without parental responsibility"
        return True, ""
    # The person themselves.
    if person.kind != PersonKind.PUPIL:
        return True, ""
    age = age_on(person.date_of_birth, record.given_on)
    needed = BIOMETRIC_ADULT_AGE if biometric else competence_age
    if age is None or age < needed:
        return False, f"a pupil under {needed} cannot give this consent themselves"
    return True, ""


def derive(
    person: PersonFacts | None,
    records: Iterable[RecordFacts],
    *,
    purpose: str,
    at: datetime.datetime,
    competence_age: int,
) -> ConsentDecision:
    """The current decision for one person and one purpose, as of `at`."""
    if person is None:
        return ConsentDecision(
            False, NOT_IN_REGISTER, None, purpose=purpose, outcome=Outcome.UNKNOWN
        )
    if person.erased:
        return ConsentDecision(False, ERASED, None, purpose=purpose, outcome=Outcome.NONE)
    flagged = person.flag_kind is not None
    sensitive = _flag_reason(person.flag_kind)
    # R16: whatever the consent says. Biometric identification is the exception: it is how
    # a flagged child's face gets recognised and blocked.
    if flagged and purpose != Purpose.BIOMETRIC:
        return ConsentDecision(
            False, DO_NOT_PUBLISH, None, True, sensitive, purpose, Outcome.FLAGGED
        )
    at_date = timezone.localdate(at) if timezone.is_aware(at) else at.date()
    if has_left(person, at_date):  # R17: leaving ends consent
        when = f" on {_date(person.left_on)}" if person.left_on else ""
        return ConsentDecision(
            False,
            f"Left the school{when}: consent ended.",
            None,
            flagged,
            sensitive,
            purpose,
            Outcome.LEFT,
        )
    latest = _latest_by_giver(
        records, purpose=purpose, at=at, void_before=person.consent_void_before
    )
    no = ConsentDecision(False, "", None, flagged, sensitive, purpose, Outcome.NONE)
    return _decide(latest, no, person=person, at_date=at_date, competence_age=competence_age)


def _flag_reason(flag_kind: str | None) -> str:
    """R16's reason, for the DSL and leaders only; "" when there is no flag."""
    if flag_kind is None:
        return ""
    try:
        kind_label = str(FlagKind(flag_kind).label)
    except ValueError:
        kind_label = flag_kind
    return f"Safeguarding flag: {kind_label}."


def _latest_by_giver(
    records: Iterable[RecordFacts],
    *,
    purpose: str,
    at: datetime.datetime,
    void_before: datetime.datetime | None,
) -> dict[tuple[str, int | None], RecordFacts]:
    """Each giver's latest decision for the purpose as of `at` (by the day it was made,
    then the order recorded); grants from before the person last left do not count."""
    relevant = [
        r
        for r in records
        if r.purpose == purpose
        and r.recorded_at <= at
        and not (
            void_before is not None
            and void_before <= at
            and r.recorded_at < void_before
            and r.decision == Decision.GRANTED
        )
    ]
    latest: dict[tuple[str, int | None], RecordFacts] = {}
    for record in sorted(relevant, key=lambda r: (r.given_on, r.recorded_at, r.id)):
        latest[(record.given_by, record.contact_id)] = record
    return latest


def _decide(
    latest: dict[tuple[str, int | None], RecordFacts],
    no: ConsentDecision,
    *,
    person: PersonFacts,
    at_date: datetime.date,
    competence_age: int,
) -> ConsentDecision:
    """The decision from each giver's latest record; `no` carries the flag and purpose."""
    label = purpose_label(no.purpose)

    def refused(reason: str, record_id: int | None, outcome: Outcome) -> ConsentDecision:
        return replace(no, reason=reason, record_id=record_id, outcome=outcome)

    # R17: any refusal wins; R18: a pupil's objection counts however made.
    refusals = [r for r in latest.values() if r.decision != Decision.GRANTED]
    if refusals:
        r = max(refusals, key=lambda r: (r.given_on, r.recorded_at, r.id))
        verb = "withdrawn" if r.decision == Decision.WITHDRAWN else "refused"
        who = giver_label(r, person)
        if r.given_by == GivenBy.SELF and person.kind == PersonKind.PUPIL:
            verb = "objected to"
            return refused(
                f"{label}: {who} {verb} it on {_date(r.given_on)}.", r.id, Outcome.REFUSED
            )
        return refused(f"{label}: {verb} by {who} on {_date(r.given_on)}.", r.id, Outcome.REFUSED)

    counting = [
        r for r in latest.values() if grant_counts(r, person, competence_age=competence_age)[0]
    ]
    live = [r for r in counting if r.expires_on is None or r.expires_on >= at_date]
    if live:
        r = max(live, key=lambda r: (r.given_on, r.recorded_at, r.id))
        until = f", until {_date(r.expires_on)}" if r.expires_on else ""
        reason = f"{label}: granted by {giver_label(r, person)} on {_date(r.given_on)}{until}."
        return replace(no, allowed=True, reason=reason, record_id=r.id, outcome=Outcome.GRANTED)
    if counting:  # R17: expired means none
        r = max(counting, key=lambda r: (r.expires_on or at_date, r.id))
        assert r.expires_on is not None
        return refused(f"{label}: consent expired on {_date(r.expires_on)}.", r.id, Outcome.EXPIRED)
    if latest:  # grants that do not count (R18)
        r = max(latest.values(), key=lambda r: (r.given_on, r.recorded_at, r.id))
        why = grant_counts(r, person, competence_age=competence_age)[1]
        return refused(f"{label}: no valid consent ({why}).", r.id, Outcome.NONE)
    # R17: opt-in, no answer means no.
    return refused(f"{label}: no consent recorded (no answer means no).", None, Outcome.NONE)


def combine_full_name(
    photo: ConsentDecision, name: ConsentDecision, *, channel_label: str
) -> ConsentDecision:
    """A full name with a photo needs both the name consent and the photo consent for the
    channel."""
    if not name.allowed:
        return name
    if not photo.allowed:
        return ConsentDecision(
            False,
            f"Full name only with a photo that may be published on {channel_label}: {photo.reason}",
            photo.record_id,
            photo.do_not_publish,
            photo.sensitive_reason,
            name.purpose,
            photo.outcome,
        )
    return name


def combine_first_name(first: ConsentDecision, full: ConsentDecision) -> ConsentDecision:
    """First name alone: allowed by a "first name only" grant, or by the full-name grant
    (which covers it), unless the first name itself was refused (R17: a no wins)."""
    if first.allowed or first.outcome in (Outcome.REFUSED, Outcome.FLAGGED, Outcome.LEFT):
        return first
    if full.allowed:
        return ConsentDecision(
            True,
            f"First name allowed: {full.reason}",
            full.record_id,
            full.do_not_publish,
            full.sensitive_reason,
            first.purpose,
            full.outcome,
        )
    return first
