"""Step 2 of the import: the plan, a pure diff between the file and the register.

No database access here: the plan is worked out from the parsed rows and a snapshot of what
the register holds (`current.Snapshot`), so it can be reasoned about and tested on its own.
Idempotent by construction: a person is matched by MIS id, a contact by its MIS id (or column
slot), and a consent answer is planned only when it differs from the latest answer the MIS
gave before (decision and date).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from ..derivation import default_expiry
from ..models import Decision, Person, Purpose
from .current import Snapshot
from .format import PERSON_FIELDS, ContactRow, Parsed, Row

# Plain strings in the hot loop (enum member access is measurably slow at 100k rows).
_GRANTED = str(Decision.GRANTED.value)
_REFUSED = str(Decision.REFUSED.value)
_WITHDRAWN = str(Decision.WITHDRAWN.value)
_BIOMETRIC = str(Purpose.BIOMETRIC.value)

PlannedRecord = tuple[str, str, str, datetime.date, datetime.date | None, str, str]
"""(mis_id, purpose, decision, given_on, expires_on, evidence_reference, notes)."""


@dataclass(frozen=True)
class NewPerson:
    mis_id: str
    values: dict[str, Any]  # PERSON_FIELDS
    on_roll: bool
    left_on: datetime.date | None
    consent_void_before: datetime.datetime | None


@dataclass(frozen=True)
class RecordTexts:
    """What planned records say: the biometric grant's evidence, a cleared answer's note."""

    evidence: str
    cleared: str


@dataclass
class ImportPlan:
    """Everything the import will write. Existing people are keyed by id, anyone who may be
    new by MIS id (new people have no id until they are inserted)."""

    new_people: list[NewPerson] = field(default_factory=list)
    updates: dict[int, dict[str, Any]] = field(default_factory=dict)  # field -> new value
    left_ids: set[int] = field(default_factory=set)  # existing people who leave now
    rejoined: int = 0
    records: list[PlannedRecord] = field(default_factory=list)
    contacts_create: list[tuple[str, ContactRow]] = field(default_factory=list)
    contacts_update: list[tuple[int, int, ContactRow]] = field(default_factory=list)
    # Existing people whose consent may end: compare what they may do before and after.
    ended_candidates: set[int] = field(default_factory=set)
    # The run's change log by MIS id ("person_id" is filled in when the plan is applied).
    changes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def note(self, mis_id: str, key: str, value: Any) -> None:
        entry = self.changes.setdefault(mis_id, {"person_id": None, "action": "updated"})
        entry.setdefault(key, []).append(value)


def mis_import_plan(
    *,
    parsed: Parsed,
    snapshot: Snapshot,
    full_roll: bool,
    now: datetime.datetime,
    texts: RecordTexts,
) -> ImportPlan:
    """The diff between the file and the register (pure: nothing is read or written).

    1. Per row: a new person, or changed fields, leaving or re-joining.
    2. With full_roll, people of the kinds in the file who are on roll here but absent from
       the file (in good and bad rows alike) leave.
    3. Per row: consent answers that differ from the MIS's latest answer, and contacts that
       are new or changed (a contact losing parental responsibility may end consent).
    """
    today = timezone.localdate(now)
    plan = ImportPlan()
    for row in parsed.rows:
        person = snapshot.people.get(row.mis_id)
        if person is None:
            plan.new_people.append(_new_person(row, now=now, today=today))
        else:
            _person_changes(plan, person, row, now=now, today=today)
    if full_roll:
        _absent_leave(plan, parsed, snapshot, now=now, today=today)
    for new in plan.new_people:
        plan.changes[new.mis_id] = {"person_id": None, "action": "created"}
    new_by_mis_id = {p.mis_id: p for p in plan.new_people}
    for row in parsed.rows:
        person = snapshot.people.get(row.mis_id)
        if person is None:
            new = new_by_mis_id[row.mis_id]
            person_id, on_roll, void = None, new.on_roll, new.consent_void_before
        else:
            update = plan.updates.get(person.pk, {})
            person_id = person.pk
            on_roll = update.get("on_roll", person.on_roll)
            void = update.get("consent_void_before", person.consent_void_before)
        answers = _Answers(person_id=person_id, on_roll=on_roll, void=void, now=now, today=today)
        _answers_plan(plan, row, answers, snapshot, texts)
        _contacts_plan(plan, row, person_id, snapshot)
    plan.ended_candidates |= plan.left_ids
    return plan


def _new_person(row: Row, *, now: datetime.datetime, today: datetime.date) -> NewPerson:
    return NewPerson(
        mis_id=row.mis_id,
        values={name: row.values[name] for name in PERSON_FIELDS},
        on_roll=row.on_roll,
        left_on=None if row.on_roll else row.left_on or today,
        consent_void_before=None if row.on_roll else now,
    )


def _person_changes(
    plan: ImportPlan, person: Person, row: Row, *, now: datetime.datetime, today: datetime.date
) -> None:
    """Changed register fields; leaving (consent from before stays void) or re-joining."""
    update = {n: row.values[n] for n in PERSON_FIELDS if getattr(person, n) != row.values[n]}
    if person.on_roll and not row.on_roll:
        update.update(on_roll=False, left_on=row.left_on or today, consent_void_before=now)
        plan.left_ids.add(person.pk)
    elif not person.on_roll and row.on_roll:
        update.update(on_roll=True, left_on=None)
        plan.rejoined += 1
    elif not row.on_roll and row.left_on and person.left_on != row.left_on:
        update["left_on"] = row.left_on
    if update:
        plan.updates[person.pk] = {**update, "updated_at": now}
        for name in update:
            plan.note(person.mis_id, "fields", name)


def _absent_leave(
    plan: ImportPlan,
    parsed: Parsed,
    snapshot: Snapshot,
    *,
    now: datetime.datetime,
    today: datetime.date,
) -> None:
    """Full roll: on roll here, of a kind the file lists, and not in the file at all."""
    kinds = {row.values["kind"] for row in parsed.rows}
    for mis_id, person in snapshot.people.items():
        if person.on_roll and person.kind in kinds and mis_id not in parsed.seen_mis_ids:
            plan.updates[person.pk] = {
                "on_roll": False,
                "left_on": today,
                "consent_void_before": now,
                "updated_at": now,
            }
            plan.note(mis_id, "fields", "on_roll")
            plan.left_ids.add(person.pk)


@dataclass(frozen=True)
class _Answers:
    """Whose answers are planned: the person as they will be after this import."""

    person_id: int | None  # None: a new person
    on_roll: bool
    void: datetime.datetime | None  # consent recorded before this no longer counts
    now: datetime.datetime
    today: datetime.date


def _answers_plan(
    plan: ImportPlan, row: Row, who: _Answers, snapshot: Snapshot, texts: RecordTexts
) -> None:
    """The consent records one row adds: answers that differ from the MIS's latest one.

    A blank answer where the MIS had granted withdraws the grant; a person who is not on
    roll gets only refusals (leaving already ended their consent).
    """
    left_now = who.void is not None and who.void >= who.now
    date_iso = row.consent_date.isoformat() if row.consent_date else ""
    for purpose, answer in row.answers.items():
        before = snapshot.latest.get((who.person_id, purpose)) if who.person_id else None
        if before is not None and before.decision == _GRANTED and (before.voided or left_now):
            before = None  # leaving voided it
        if answer is None:
            if before is None or before.decision != _GRANTED:
                continue
            decision, given_on, notes = _WITHDRAWN, row.consent_date or who.today, texts.cleared
        else:
            assert row.consent_date is not None  # the parser insists on it
            if before is not None and before.decision == answer and before.given_on == date_iso:
                continue
            decision, given_on, notes = str(answer), row.consent_date, ""
        granted = decision == _GRANTED
        if not who.on_roll and decision != _REFUSED:
            continue  # leaving already ended their consent; nothing to grant
        plan.records.append(
            (
                row.mis_id,
                str(purpose),
                decision,
                given_on,
                default_expiry(given_on) if granted else None,
                texts.evidence if granted and purpose == _BIOMETRIC else "",
                notes,
            )
        )
        plan.note(row.mis_id, "consent", f"{purpose}:{decision}")
        if not granted and who.person_id is not None:
            plan.ended_candidates.add(who.person_id)


def _contacts_plan(plan: ImportPlan, row: Row, person_id: int | None, snapshot: Snapshot) -> None:
    """New and changed MIS contacts. A contact who loses parental responsibility, or gains
    a court order, no longer gives consent that counts (R18): their person's consent may end."""
    for contact in row.contacts:
        current = snapshot.contacts.get((person_id, contact.key)) if person_id else None
        if current is None or person_id is None:
            plan.contacts_create.append((row.mis_id, contact))
            plan.note(row.mis_id, "contacts", f"{contact.key}:created")
            continue
        if (
            current.court_order != contact.court_order
            or current.has_parental_responsibility != contact.has_parental_responsibility
        ):
            plan.ended_candidates.add(person_id)
        now_held = (
            current.name,
            current.relationship,
            current.has_parental_responsibility,
            current.court_order,
        )
        wanted = (
            contact.name,
            contact.relationship,
            contact.has_parental_responsibility,
            contact.court_order,
        )
        if now_held != wanted:
            plan.contacts_update.append((current.id, person_id, contact))
            plan.note(row.mis_id, "contacts", f"{contact.key}:updated")
