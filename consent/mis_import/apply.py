"""Step 3 of the import: write the plan with bulk operations, and the run's record.

No query runs per row: new people, consent records and contacts go in with one COPY (or
executemany) each, changed people and contacts with bulk_update.
"""

from __future__ import annotations

import datetime
import hashlib
import time
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from backend.accounts.models import School
from backend.audit.services import audit_record
from backend.common.actors import Actor, SystemActor, actor_user

from ..models import ConsentRecord, Contact, FaceEnrolment, GivenBy, ImportRun, Method, Person
from ..selectors import allowed_purposes
from .bulk import BATCH, CONTACT_INSERT, PERSON_INSERT, RECORD_INSERT, fast_insert
from .current import mis_import_snapshot
from .format import MIS_CLEARED, MIS_EVIDENCE, PERSON_FIELDS, Parsed
from .plan import ImportPlan, RecordTexts, mis_import_plan

_MIS = str(GivenBy.MIS.value)
_MIS_IMPORT = str(Method.MIS_IMPORT.value)


@dataclass(frozen=True)
class ImportEnds:
    """People whose consent the import ended, for the consent-ended work (R10)."""

    left: list[int]  # leavers who were allowed something
    withdrawn: list[int]  # others who lost something (a refusal, a cleared grant, a contact)
    # Leavers with face enrolments who are not in `left` (they were allowed nothing): their
    # encodings must go all the same (R10, R3).
    enrolled_leavers: list[int]


def mis_import_run_start(
    *,
    school: School,
    data: bytes,
    filename: str,
    full_roll: bool,
    parsed: Parsed,
    actor: Actor,
) -> ImportRun:
    """The run's record (not saved yet)."""
    return ImportRun(
        school=school,
        filename=(filename or "")[-200:],
        sha256=hashlib.sha256(data).hexdigest(),
        full_roll=full_roll,
        started_by=actor_user(actor),
        started_at=timezone.now(),
        rows=len(parsed.rows) + len(parsed.errors),
    )


def mis_import_reject(*, run: ImportRun, parsed: Parsed, actor: Actor, started: float) -> ImportRun:
    """A file-level problem (no header, missing required columns): nothing is applied."""
    run.status = ImportRun.Status.REJECTED
    run.errors = [{"line": 1, "mis_id": "", "errors": parsed.file_errors}]
    run.error_count = 1
    run.finished_at = timezone.now()
    run.duration_ms = int((time.monotonic() - started) * 1000)
    with transaction.atomic():
        run.save()
        audit_record(
            action="consent.import_rejected",
            actor=actor,
            school=run.school,
            target=run,
            data={"errors": parsed.file_errors, "sha256": run.sha256},
        )
    return run


def mis_import_apply(*, run: ImportRun, parsed: Parsed, actor: Actor, started: float) -> ImportEnds:
    """Plan and write every good row (the caller's transaction); returns whose consent ended.

    1. Save the run; read and lock the school's people, MIS contacts and latest MIS answers.
    2. Plan (`mis_import_plan`, pure).
    3. Note what each person whose consent may end was allowed, then write.
    4. Compare: who lost something, leavers and others apart.
    5. The run records every change and bad row; one audit event for the run.
    """
    run.status = ImportRun.Status.APPLIED_WITH_ERRORS if parsed.errors else ImportRun.Status.APPLIED
    run.save()
    snapshot = mis_import_snapshot(school=run.school)
    texts = RecordTexts(
        evidence=MIS_EVIDENCE.format(run=run.pk, filename=run.filename or "upload"),
        cleared=MIS_CLEARED.format(run=run.pk),
    )
    plan = mis_import_plan(
        parsed=parsed, snapshot=snapshot, full_roll=run.full_roll, now=run.started_at, texts=texts
    )
    candidates = plan.ended_candidates
    before = allowed_purposes(person_ids=candidates) if candidates else {}

    person_ids = {mis_id: p.pk for mis_id, p in snapshot.people.items()}
    person_ids.update(_people_create(plan, school=run.school, now=run.started_at))
    _people_update(plan, snapshot.people)
    contacts = _contacts_write(plan, person_ids)
    _records_write(plan, person_ids, run=run, actor=actor)
    ends = _ends(plan, before)
    _run_finish(run, plan, parsed, person_ids, started=started)
    audit_record(
        action="consent.import_run",
        actor=actor,
        school=run.school,
        target=run,
        data={
            "sha256": run.sha256,
            "rows": run.rows,
            "created": run.created,
            "updated": run.updated,
            "unchanged": run.unchanged,
            "left": run.left,
            "rejoined": plan.rejoined,
            "consent_records": run.consent_records,
            "contacts_created": contacts[0],
            "contacts_updated": contacts[1],
            "errors": run.error_count,
            "ignored_headers": parsed.ignored_headers,
            "full_roll": run.full_roll,
        },
    )
    return ends


def _records_write(
    plan: ImportPlan, person_ids: dict[str, int], *, run: ImportRun, actor: Actor
) -> None:
    recorded_by = actor.pk if not isinstance(actor, SystemActor) else None
    at = run.started_at
    fast_insert(
        ConsentRecord,
        RECORD_INSERT,
        [
            (person_ids[m], p, d, _MIS, _MIS_IMPORT, g, e, ev, n, run.pk, recorded_by, at)
            for m, p, d, g, e, ev, n in plan.records
        ],
    )


def _people_create(plan: ImportPlan, *, school: School, now: datetime.datetime) -> dict[str, int]:
    """Insert the new people; their ids by MIS id (one more query for the ids)."""
    if not plan.new_people:
        return {}
    fast_insert(
        Person,
        PERSON_INSERT,
        [
            (
                school.pk,
                p.mis_id,
                *(p.values[name] for name in PERSON_FIELDS),
                p.on_roll,
                p.left_on,
                p.consent_void_before,
                now,
                now,
            )
            for p in plan.new_people
        ],
    )
    ids = dict(
        Person.objects.filter(school=school, erased_at__isnull=True)
        .exclude(mis_id="")
        .values_list("mis_id", "id")
    )
    return {p.mis_id: ids[p.mis_id] for p in plan.new_people}


def _people_update(plan: ImportPlan, people: dict[str, Person]) -> None:
    if not plan.updates:
        return
    by_id = {p.pk: p for p in people.values()}
    fields: set[str] = set()
    for pid, update in plan.updates.items():
        person = by_id[pid]
        for name, value in update.items():
            setattr(person, name, value)
        fields.update(update)
    Person.objects.bulk_update(
        [by_id[pid] for pid in plan.updates], sorted(fields), batch_size=BATCH
    )


def _contacts_write(plan: ImportPlan, person_ids: dict[str, int]) -> tuple[int, int]:
    """New and changed MIS contacts; (created, updated)."""
    now = timezone.now()
    fast_insert(
        Contact,
        CONTACT_INSERT,
        [
            (
                person_ids[mis_id],
                c.key,
                c.name,
                c.relationship,
                c.has_parental_responsibility,
                c.court_order,
                now,
            )
            for mis_id, c in plan.contacts_create
        ],
    )
    if plan.contacts_update:
        Contact.objects.bulk_update(
            [
                Contact(
                    pk=contact_id,
                    person_id=person_id,
                    name=c.name,
                    relationship=c.relationship,
                    has_parental_responsibility=c.has_parental_responsibility,
                    court_order=c.court_order,
                )
                for contact_id, person_id, c in plan.contacts_update
            ],
            ["name", "relationship", "has_parental_responsibility", "court_order"],
            batch_size=BATCH,
        )
    return len(plan.contacts_create), len(plan.contacts_update)


def _ends(plan: ImportPlan, before: dict[int, set[str]]) -> ImportEnds:
    """Whose consent the writes ended: what they may do now against `before`."""
    left: list[int] = []
    withdrawn: list[int] = []
    if before:
        after = allowed_purposes(person_ids=before)
        lost = {pid for pid in before if before[pid] - after[pid]}
        left = sorted(pid for pid in plan.left_ids if pid in lost)
        withdrawn = sorted(pid for pid in lost if pid not in plan.left_ids)
    enrolled: set[int] = set()
    if plan.left_ids:
        enrolled = set(
            FaceEnrolment.objects.filter(person_id__in=plan.left_ids).values_list(
                "person_id", flat=True
            )
        )
    # Told once per person: a leaver in `left` has their encodings deleted by that work.
    return ImportEnds(left=left, withdrawn=withdrawn, enrolled_leavers=sorted(enrolled - set(left)))


def _run_finish(
    run: ImportRun,
    plan: ImportPlan,
    parsed: Parsed,
    person_ids: dict[str, int],
    *,
    started: float,
) -> None:
    for mis_id, entry in plan.changes.items():
        entry["person_id"] = person_ids[mis_id]
    run.created = len(plan.new_people)
    run.updated = len([e for e in plan.changes.values() if e["action"] == "updated"])
    run.unchanged = len(parsed.rows) - run.created - run.updated
    run.left = len(plan.left_ids) + len([p for p in plan.new_people if not p.on_roll])
    run.consent_records = len(plan.records)
    run.error_count = len(parsed.errors)
    run.errors = parsed.errors
    run.changes = sorted(plan.changes.values(), key=lambda c: c["person_id"])
    run.finished_at = timezone.now()
    run.duration_ms = int((time.monotonic() - started) * 1000)
    run.save()
