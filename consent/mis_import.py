"""MIS CSV import: the whole roll in one go, idempotent, validated, fast.

Called through `consent.services.people_import` (which checks the actor). The format is
documented in docs/consent.md; in short, one row per person with the headers in
`HEADERS` (SIMS/Arbor report names in `ALIASES` are accepted too).

How it stays fast: the file is parsed and every row validated in memory first; then the
school's existing people, contacts and latest MIS consent answers are read in three
queries; the differences are written with bulk_create/bulk_update inside one transaction.
No query runs per row. How it stays idempotent: a person is matched by MIS id, a contact
by its MIS id (or column slot), and a consent answer is written only when it differs from
the latest answer the MIS gave before (decision and date). A bad row is reported (line
number and every reason) and skipped as a whole; the good rows are applied.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import connection, models, transaction
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from backend.accounts.models import School
from backend.audit.services import audit_record
from backend.common.actors import Actor, SystemActor, actor_user
from moderation.checks.textfold import has_invisible

from .derivation import default_expiry
from .models import (
    SOCIAL_PHOTO_PURPOSES,
    ConsentRecord,
    Contact,
    Decision,
    GivenBy,
    ImportRun,
    Method,
    Person,
    PersonKind,
    Purpose,
)

# --- the format ------------------------------------------------------------------------------

HEADERS = (
    "mis_id",
    "legal_first_name",
    "preferred_first_name",
    "last_name",
    "kind",
    "year_group",
    "registration_group",
    "date_of_birth",
    "on_roll",
    "left_on",
    "consent_photo_website",
    "consent_photo_social",
    "consent_photo_x",
    "consent_photo_facebook",
    "consent_photo_instagram",
    "consent_photo_press",
    "consent_name",
    "consent_first_name",
    "consent_biometric",
    "consent_date",
)
REQUIRED_HEADERS = ("mis_id", "legal_first_name", "last_name")
CONTACT_FIELDS = ("id", "name", "relationship", "parental_responsibility", "court_order")
CONTACT_HEADER = re.compile(r"^contact(\d{1,2})_(" + "|".join(CONTACT_FIELDS) + r")$")
MAX_CONTACTS = 10

# Column names seen in SIMS and Arbor reports, normalised (lower case, spaces and dashes
# to underscores), mapped to ours.
ALIASES = {
    "upn": "mis_id",
    "admission_number": "mis_id",
    "adno": "mis_id",
    "mis_id_(upn)": "mis_id",
    "legal_forename": "legal_first_name",
    "forename": "legal_first_name",
    "first_name": "legal_first_name",
    "preferred_forename": "preferred_first_name",
    "preferred_name": "preferred_first_name",
    "legal_surname": "last_name",
    "surname": "last_name",
    "year": "year_group",
    "year_group_name": "year_group",
    "reg_group": "registration_group",
    "registration": "registration_group",
    "class": "registration_group",
    "form": "registration_group",
    "dob": "date_of_birth",
    "date_of_leaving": "left_on",
    "leaving_date": "left_on",
}

# Consent columns and the purposes each answers. Per-channel columns override the social
# column for their channel.
CONSENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "consent_photo_website": (Purpose.PHOTO_WEBSITE,),
    "consent_photo_social": SOCIAL_PHOTO_PURPOSES,
    "consent_photo_press": (Purpose.PHOTO_PRESS,),
    "consent_name": (Purpose.NAME_WITH_PHOTO,),
    "consent_first_name": (Purpose.FIRST_NAME_ONLY,),
    "consent_biometric": (Purpose.BIOMETRIC,),
    # Applied after the social column, so they win for their channel.
    "consent_photo_x": (Purpose.PHOTO_X,),
    "consent_photo_facebook": (Purpose.PHOTO_FACEBOOK,),
    "consent_photo_instagram": (Purpose.PHOTO_INSTAGRAM,),
}
KINDS = {
    "pupil": PersonKind.PUPIL,
    "student": PersonKind.PUPIL,
    "staff": PersonKind.STAFF,
    "adult": PersonKind.ADULT,
    "other_adult": PersonKind.ADULT,
    "other adult": PersonKind.ADULT,
}
TRUE = {"true", "yes", "y", "1", "t"}
FALSE = {"false", "no", "n", "0", "f"}
ANSWERS = {"granted": Decision.GRANTED, "refused": Decision.REFUSED, "": None}

MIS_EVIDENCE = (
    "MIS import #{run} ({filename}): the school's MIS records that the signed written "
    "consent is held."
)
MIS_CLEARED = "The answer was cleared in the MIS export (import #{run})."

# Messages (line-level reasons and file-level problems).
FILE_EMPTY = "The file is empty."
FILE_NOT_TEXT = "The file is not a CSV text file (UTF-8 or Windows-1252)."
MISSING_HEADERS = "The header row lacks required columns: {columns}."
DUPLICATE_HEADER = "The header row has {column!r} twice."
REQUIRED = "{column}: required."
TOO_LONG = "{column}: longer than {limit} characters."
INVISIBLE_CHARACTERS = (
    "{column}: contains invisible characters (zero-width spaces, direction marks); remove them."
)
BAD_DATE = "{column}: {value!r} is not a date in the form YYYY-MM-DD."
FUTURE_DATE = "{column}: {value} is in the future."
BAD_BOOL = "{column}: {value!r} is not true or false."
BAD_KIND = "kind: {value!r} is not pupil, staff or adult."
BAD_ANSWER = "{column}: {value!r} is not granted, refused or blank."
DATE_NEEDED = "consent_date: required when any consent column has an answer."
DUPLICATE_MIS_ID = "mis_id: {value!r} appears more than once in the file (lines {lines})."
WRONG_COLUMNS = "The row has {found} fields; the header has {expected}."
CONTACT_NAME_NEEDED = "contact{n}_name: required when other contact{n} columns are filled."

LIMITS = {
    "mis_id": 50,
    "legal_first_name": 100,
    "preferred_first_name": 100,
    "last_name": 100,
    "year_group": 30,
    "registration_group": 30,
}
NAME_COLUMNS = frozenset({"legal_first_name", "preferred_first_name", "last_name"})
PERSON_FIELDS = (
    "kind",
    "legal_first_name",
    "preferred_first_name",
    "last_name",
    "year_group",
    "registration_group",
    "date_of_birth",
)
BATCH = 1000
_GRANTED = str(Decision.GRANTED.value)
_REFUSED = str(Decision.REFUSED.value)
_WITHDRAWN = str(Decision.WITHDRAWN.value)
_MIS = str(GivenBy.MIS.value)
_MIS_IMPORT = str(Method.MIS_IMPORT.value)
_BIOMETRIC = str(Purpose.BIOMETRIC.value)


@dataclass
class ContactRow:
    key: str
    name: str
    relationship: str
    has_parental_responsibility: bool
    court_order: bool


@dataclass
class Row:
    line: int
    mis_id: str
    values: dict[str, Any]
    on_roll: bool
    left_on: datetime.date | None
    answers: dict[str, str | None]  # purpose -> decision or None (blank)
    consent_date: datetime.date | None
    contacts: list[ContactRow] = field(default_factory=list)


@dataclass
class Parsed:
    rows: list[Row]
    errors: list[dict[str, Any]]
    seen_mis_ids: set[str]
    file_errors: list[str]
    ignored_headers: list[str]


# --- parsing ---------------------------------------------------------------------------------


PER_CHANNEL_COLUMNS = frozenset(
    {"consent_photo_x", "consent_photo_facebook", "consent_photo_instagram"}
)


class _Cells(dict[str, str]):
    """A row by column name; a column the file lacks reads as blank."""

    def __missing__(self, key: str) -> str:
        return ""


def _normalise_header(name: str) -> str:
    key = re.sub(r"[\s\-]+", "_", name.strip().lower())
    return ALIASES.get(key, key)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _date(column: str, raw: str, errors: list[str], *, today: datetime.date) -> Any:
    raw = raw.strip()
    if not raw:
        return None
    try:
        day = datetime.date.fromisoformat(raw)
        if len(raw) != 10:
            raise ValueError(raw)
    except ValueError:
        errors.append(BAD_DATE.format(column=column, value=raw))
        return None
    if day > today:
        errors.append(FUTURE_DATE.format(column=column, value=raw))
        return None
    return day


def _bool(column: str, raw: str, errors: list[str], *, default: bool) -> bool:
    value = raw.strip().lower()
    if not value:
        return default
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    errors.append(BAD_BOOL.format(column=column, value=raw))
    return default


def parse(data: bytes) -> Parsed:
    """Parse and validate every row; nothing is written here."""
    today = timezone.localdate()
    if not data.strip():
        return Parsed([], [], set(), [FILE_EMPTY], [])
    if b"\x00" in data[:4096]:
        return Parsed([], [], set(), [FILE_NOT_TEXT], [])
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        raw_header = next(reader)
    except (StopIteration, csv.Error):
        return Parsed([], [], set(), [FILE_EMPTY], [])
    header = [_normalise_header(h) for h in raw_header]
    file_errors = []
    for column in sorted({h for h in header if h and header.count(h) > 1}):
        file_errors.append(DUPLICATE_HEADER.format(column=column))
    missing = [c for c in REQUIRED_HEADERS if c not in header]
    if missing:
        file_errors.append(MISSING_HEADERS.format(columns=", ".join(missing)))
    if file_errors:
        return Parsed([], [], set(), file_errors, [])
    known = set(HEADERS)
    ignored = [
        raw_header[i]
        for i, h in enumerate(header)
        if h and h not in known and not CONTACT_HEADER.match(h)
    ]
    slots = sorted({int(m.group(1)) for h in header if (m := CONTACT_HEADER.match(h))})
    contact_slots = [
        (n, {f: f"contact{n}_{f}" for f in CONTACT_FIELDS}) for n in slots[:MAX_CONTACTS]
    ]
    consent_columns = [(c, p) for c, p in CONSENT_COLUMNS.items() if c in set(header)]

    rows: list[Row] = []
    errors: list[dict[str, Any]] = []
    seen: set[str] = set()
    first_line: dict[str, list[int]] = defaultdict(list)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append({"line": reader.line_num, "mis_id": "", "errors": [str(exc)]})
            continue
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        problems: list[str] = []
        if len(cells) != len(header):
            problems.append(WRONG_COLUMNS.format(found=len(cells), expected=len(header)))
        cell = _Cells(zip(header, (c.strip() for c in cells), strict=False)).__getitem__

        mis_id = cell("mis_id")
        if mis_id:
            seen.add(mis_id)
            first_line[mis_id].append(line)
        values: dict[str, Any] = {}
        for column in ("mis_id", "legal_first_name", "last_name"):
            if not cell(column):
                problems.append(REQUIRED.format(column=column))
        for column, limit in LIMITS.items():
            value = cell(column)
            if len(value) > limit:
                problems.append(TOO_LONG.format(column=column, limit=limit))
            if column in NAME_COLUMNS and has_invisible(value):
                # R4/R20: such a name would match nothing the names check reads.
                problems.append(INVISIBLE_CHARACTERS.format(column=column))
            values[column] = value
        kind_raw = cell("kind").lower()
        kind = KINDS.get(kind_raw or "pupil")
        if kind is None:
            problems.append(BAD_KIND.format(value=cell("kind")))
        values["kind"] = str((kind or PersonKind.PUPIL).value)
        values["date_of_birth"] = _date(
            "date_of_birth", cell("date_of_birth"), problems, today=today
        )
        on_roll = _bool("on_roll", cell("on_roll"), problems, default=True)
        left_on = _date("left_on", cell("left_on"), problems, today=today)
        answers: dict[str, str | None] = {}
        any_answer = False
        for column, purposes in consent_columns:
            raw = cell(column)
            answer = ANSWERS.get(raw.lower(), "bad")
            if answer == "bad":
                problems.append(BAD_ANSWER.format(column=column, value=raw))
                continue
            if answer is None and column in PER_CHANNEL_COLUMNS:
                continue  # blank per-channel column: the social column answers
            any_answer = any_answer or answer is not None
            for purpose in purposes:
                answers[purpose] = answer
        consent_date = _date("consent_date", cell("consent_date"), problems, today=today)
        if any_answer and consent_date is None and not cell("consent_date"):
            problems.append(DATE_NEEDED)
        contacts: list[ContactRow] = []
        for n, keys in contact_slots:
            name = cell(keys["name"])
            if not name:
                if any(cell(keys[f]) for f in CONTACT_FIELDS if f != "name"):
                    problems.append(CONTACT_NAME_NEEDED.format(n=n))
                continue
            if len(name) > 200:
                problems.append(TOO_LONG.format(column=keys["name"], limit=200))
            pr, order = keys["parental_responsibility"], keys["court_order"]
            contacts.append(
                ContactRow(
                    key=cell(keys["id"])[:50] or f"slot{n}",
                    name=name[:200],
                    relationship=cell(keys["relationship"])[:50],
                    has_parental_responsibility=_bool(pr, cell(pr), problems, default=False),
                    court_order=_bool(order, cell(order), problems, default=False),
                )
            )
        if problems:
            errors.append({"line": line, "mis_id": mis_id, "errors": problems})
            continue
        rows.append(
            Row(
                line=line,
                mis_id=mis_id,
                values=values,
                on_roll=on_roll,
                left_on=left_on,
                answers=answers,
                consent_date=consent_date,
                contacts=contacts,
            )
        )
    # The same MIS id twice: which row is right is unknown, so neither is applied.
    duplicated = {m: lines for m, lines in first_line.items() if len(lines) > 1}
    if duplicated:
        keep: list[Row] = []
        for row in rows:
            if row.mis_id in duplicated:
                lines = ", ".join(str(n) for n in duplicated[row.mis_id])
                errors.append(
                    {
                        "line": row.line,
                        "mis_id": row.mis_id,
                        "errors": [DUPLICATE_MIS_ID.format(value=row.mis_id, lines=lines)],
                    }
                )
            else:
                keep.append(row)
        rows = keep
    errors.sort(key=lambda e: e["line"])
    return Parsed(rows, errors, seen, [], ignored)


# --- applying --------------------------------------------------------------------------------


@dataclass
class _Latest:
    decision: str
    given_on: str  # ISO date
    voided: bool  # a grant recorded before the person last left


def _raw_rows(qs: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a values_list queryset without the ORM's per-value converters (dates
    come back as ISO strings on SQLite, date objects on PostgreSQL: callers normalise)."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _latest_mis_answers(school: School) -> dict[tuple[int, str], _Latest]:
    """The MIS's latest answer per person and purpose (one query, tens of thousands of rows
    read raw: the converters cost more than the query)."""
    voided = Case(
        When(
            Q(person__consent_void_before__isnull=False)
            & Q(recorded_at__lt=F("person__consent_void_before")),
            then=Value(1),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
    qs = (
        ConsentRecord.objects.filter(person__school=school, given_by=GivenBy.MIS)
        .annotate(voided=voided)
        .order_by("given_on", "recorded_at", "id")
        .values_list("person_id", "purpose", "decision", "given_on", "voided")
    )
    latest: dict[tuple[int, str], _Latest] = {}
    for pid, purpose, decision, given_on, void in _raw_rows(qs):
        latest[(pid, purpose)] = _Latest(decision, str(given_on)[:10], bool(void))
    return latest


@dataclass
class _ContactNow:
    id: int
    name: str
    relationship: str
    has_parental_responsibility: bool
    court_order: bool


def _mis_contacts(school: School) -> dict[tuple[int, str], _ContactNow]:
    qs = (
        Contact.objects.filter(person__school=school)
        .exclude(mis_key="")
        .values_list(
            "person_id",
            "mis_key",
            "id",
            "name",
            "relationship",
            "has_parental_responsibility",
            "court_order",
        )
    )
    return {
        (pid, key): _ContactNow(cid, name, rel, bool(pr), bool(order))
        for pid, key, cid, name, rel, pr, order in _raw_rows(qs)
    }


def fast_insert(
    model: type[models.Model], columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """INSERT many rows with one executemany, skipping the ORM's per-object SQL compilation.

    Profiling a 10,000-pupil import showed ~85% of the time in bulk_create building SQL for
    ~100,000 objects and ~5% in the database. Values here are plain str/int/bool/None,
    dates and datetimes; dates and datetimes are adapted with the backend's own adapters
    (memoised: an import uses a handful of distinct values), so what is stored is exactly
    what the ORM would store.
    """
    if not rows:
        return
    ops = connection.ops
    fields = [cast(models.Field[Any, Any], model._meta.get_field(name)) for name in columns]
    adapters: list[Any] = []
    for f in fields:
        if isinstance(f, models.DateTimeField):
            adapters.append(_memo(ops.adapt_datetimefield_value))
        elif isinstance(f, models.DateField):
            adapters.append(_memo(ops.adapt_datefield_value))
        else:
            adapters.append(None)
    convert = [(i, a) for i, a in enumerate(adapters) if a is not None]
    if convert:
        prepared: list[Any] = []
        for row in rows:
            values = list(row)
            for i, adapt in convert:
                values[i] = adapt(values[i])
            prepared.append(values)
    else:
        prepared = [list(r) for r in rows]
    qn = ops.quote_name
    table = qn(model._meta.db_table)
    cols = ", ".join(qn(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: one stream, no SQL to build or parse (psycopg 3).
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for values in prepared:
                    copy.write_row(values)
            return
        # sqlite3's executemany loops in C: the fastest way in there.
        placeholders = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({placeholders})", prepared)


def _memo(adapt: Any) -> Any:
    cache: dict[Any, Any] = {}

    def adapted(value: Any) -> Any:
        if value is None:
            return None
        if value not in cache:
            cache[value] = adapt(value)
        return cache[value]

    return adapted


PERSON_INSERT = (
    "school",
    "mis_id",
    *PERSON_FIELDS,
    "on_roll",
    "left_on",
    "consent_void_before",
    "created_at",
    "updated_at",
)
RECORD_INSERT = (
    "person",
    "purpose",
    "decision",
    "given_by",
    "method",
    "given_on",
    "expires_on",
    "evidence_reference",
    "notes",
    "import_run",
    "recorded_by",
    "recorded_at",
)
CONTACT_INSERT = (
    "person",
    "mis_key",
    "name",
    "relationship",
    "has_parental_responsibility",
    "court_order",
    "created_at",
)


def _create_people(people: list[Person]) -> None:
    """Insert new people and give each its id (one more query for the ids)."""
    if not people:
        return
    fast_insert(
        Person,
        PERSON_INSERT,
        [
            (
                p.school_id,
                p.mis_id,
                *(getattr(p, name) for name in PERSON_FIELDS),
                p.on_roll,
                p.left_on,
                p.consent_void_before,
                p.created_at,
                p.updated_at,
            )
            for p in people
        ],
    )
    ids = dict(
        Person.objects.filter(school_id=people[0].school_id, erased_at__isnull=True)
        .exclude(mis_id="")
        .values_list("mis_id", "id")
    )
    for person in people:
        person.pk = ids[person.mis_id]
        person._state.adding = False


def import_people(
    *,
    school: School,
    data: bytes,
    filename: str = "",
    full_roll: bool = False,
    actor: Actor,
) -> ImportRun:
    """Validate the whole file, then apply every good row in one transaction.

    1. Parse and validate (no writes). A file-level problem (no header, missing required
       columns) rejects the whole file.
    2. Read the school's people, MIS contacts and latest MIS consent answers (3 queries).
    3. Work out per row: new person, changed fields, leaving or re-joining, contact
       changes, consent answers that differ from the MIS's latest answer.
    4. Write with bulk operations; note what each person's consent allowed before, so that
       anyone whose consent ended (leaving, a refusal, a cleared grant) gets the
       consent-ended work after commit (R10).
    5. With full_roll, people of the kinds in the file who are on roll here but absent
       from the file (in good and bad rows alike) are marked left.
    6. One audit event for the run; the run itself lists every change and bad row.
    """
    from .services import (
        REASON_LEFT,
        REASON_WITHDRAWN,
        _allowed,
        consent_ended_queue,
    )

    started = time.monotonic()
    now = timezone.now()
    today = timezone.localdate(now)
    parsed = parse(data)
    run = ImportRun(
        school=school,
        filename=(filename or "")[-200:],
        sha256=hashlib.sha256(data).hexdigest(),
        full_roll=full_roll,
        started_by=actor_user(actor),
        started_at=now,
        rows=len(parsed.rows) + len(parsed.errors),
    )
    if parsed.file_errors:
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
                school=school,
                target=run,
                data={"errors": parsed.file_errors, "sha256": run.sha256},
            )
        return run

    with transaction.atomic():
        run.status = (
            ImportRun.Status.APPLIED_WITH_ERRORS if parsed.errors else ImportRun.Status.APPLIED
        )
        run.save()
        existing: dict[str, Person] = {
            p.mis_id: p
            for p in Person.objects.select_for_update()
            .filter(school=school, erased_at__isnull=True)
            .exclude(mis_id="")
        }
        latest = _latest_mis_answers(school)
        contacts_by_key = _mis_contacts(school)

        new_people: list[Person] = []
        new_rows: list[tuple[Person, Row]] = []
        changed_people: dict[int, Person] = {}
        changed_fields: set[str] = set()
        changes: dict[int, dict[str, Any]] = {}
        left_ids: set[int] = set()
        rejoined = 0

        def note(person: Person, key: str, value: Any) -> None:
            entry = changes.setdefault(person.pk, {"person_id": person.pk, "action": "updated"})
            entry.setdefault(key, []).append(value)

        for row in parsed.rows:
            person = existing.get(row.mis_id)
            if person is None:
                person = Person(school=school, mis_id=row.mis_id, created_at=now, updated_at=now)
                for name in PERSON_FIELDS:
                    setattr(person, name, row.values[name])
                person.on_roll = row.on_roll
                if not row.on_roll:
                    person.left_on = row.left_on or today
                    person.consent_void_before = now
                new_people.append(person)
                new_rows.append((person, row))
                continue
            fields = [n for n in PERSON_FIELDS if getattr(person, n) != row.values[n]]
            for name in fields:
                setattr(person, name, row.values[name])
            if person.on_roll and not row.on_roll:
                person.on_roll = False
                person.left_on = row.left_on or today
                person.consent_void_before = now
                fields += ["on_roll", "left_on", "consent_void_before"]
                left_ids.add(person.pk)
            elif not person.on_roll and row.on_roll:
                person.on_roll = True
                person.left_on = None
                fields += ["on_roll", "left_on"]
                rejoined += 1
            elif not row.on_roll and row.left_on and person.left_on != row.left_on:
                person.left_on = row.left_on
                fields.append("left_on")
            if fields:
                person.updated_at = now
                changed_people[person.pk] = person
                changed_fields.update(fields)
                for name in fields:
                    note(person, "fields", name)

        # 5. Full roll: on roll here, not in the file at all.
        if full_roll:
            kinds = {row.values["kind"] for row in parsed.rows}
            for mis_id, person in existing.items():
                if person.on_roll and person.kind in kinds and mis_id not in parsed.seen_mis_ids:
                    person.on_roll = False
                    person.left_on = today
                    person.consent_void_before = now
                    person.updated_at = now
                    changed_people[person.pk] = person
                    changed_fields.update(["on_roll", "left_on", "consent_void_before"])
                    note(person, "fields", "on_roll")
                    left_ids.add(person.pk)

        _create_people(new_people)
        new_ids = {p.pk for p in new_people}
        for person, _row in new_rows:
            changes[person.pk] = {"person_id": person.pk, "action": "created"}

        # Consent answers and contacts.
        by_mis_id = {**existing, **{p.mis_id: p for p in new_people}}
        records: list[tuple[Any, ...]] = []
        ended_candidates: set[int] = set(left_ids)
        evidence_text = MIS_EVIDENCE.format(run=run.pk, filename=run.filename or "upload")
        cleared = MIS_CLEARED.format(run=run.pk)
        actor_id = actor.pk if not isinstance(actor, SystemActor) else None
        # Plain strings in the hot loop (enum member access is measurably slow at 100k).
        granted_, refused_, withdrawn_ = _GRANTED, _REFUSED, _WITHDRAWN
        mis_, mis_import_, biometric_ = _MIS, _MIS_IMPORT, _BIOMETRIC
        for row in parsed.rows:
            person = by_mis_id[row.mis_id]
            pid = person.pk
            void = person.consent_void_before
            left_now = void is not None and void >= now
            on_roll = person.on_roll
            date_iso = row.consent_date.isoformat() if row.consent_date else ""
            created_entry = changes.get(pid) if pid in new_ids else None
            for purpose, answer in row.answers.items():
                before = latest.get((pid, purpose))
                if (
                    before is not None
                    and before.decision == granted_
                    and (before.voided or left_now)
                ):
                    before = None  # leaving voided it
                if answer is None:
                    if before is None or before.decision != granted_:
                        continue
                    decision = withdrawn_
                    given_on = row.consent_date or today
                    notes = cleared
                else:
                    assert row.consent_date is not None
                    if (
                        before is not None
                        and before.decision == answer
                        and before.given_on == date_iso
                    ):
                        continue
                    decision, given_on, notes = str(answer), row.consent_date, ""
                granted = decision == granted_
                if not on_roll and decision != refused_:
                    continue  # leaving already ended their consent; nothing to grant
                records.append(
                    (
                        pid,
                        str(purpose),
                        decision,
                        mis_,
                        mis_import_,
                        given_on,
                        default_expiry(given_on) if granted else None,
                        evidence_text if granted and purpose == biometric_ else "",
                        notes,
                        run.pk,
                        actor_id,
                        now,
                    )
                )
                if created_entry is not None:
                    created_entry.setdefault("consent", []).append(f"{purpose}:{decision}")
                else:
                    note(person, "consent", f"{purpose}:{decision}")
                if not granted:
                    ended_candidates.add(pid)
            for contact in row.contacts:
                current = contacts_by_key.get((pid, contact.key))
                if current is None:
                    continue
                if current.court_order != contact.court_order or (
                    current.has_parental_responsibility != contact.has_parental_responsibility
                ):
                    ended_candidates.add(pid)

        # What was allowed before any write, for the people whose consent may have ended.
        candidates = ended_candidates - new_ids
        before_allowed = _allowed(candidates) if candidates else {}

        if changed_people:
            Person.objects.bulk_update(
                list(changed_people.values()),
                sorted(changed_fields | {"updated_at"}),
                batch_size=BATCH,
            )
        contacts_created, contacts_updated = _apply_contacts(
            rows=parsed.rows,
            people=by_mis_id,
            contacts_by_key=contacts_by_key,
            note=note,
        )
        fast_insert(ConsentRecord, RECORD_INSERT, records)

        if before_allowed:
            after_allowed = _allowed(before_allowed)
            ended_left = sorted(
                pid for pid in left_ids if before_allowed.get(pid, set()) - after_allowed[pid]
            )
            ended_other = sorted(
                pid
                for pid in before_allowed
                if pid not in left_ids and before_allowed[pid] - after_allowed[pid]
            )
            consent_ended_queue(person_ids=ended_left, reason=REASON_LEFT)
            consent_ended_queue(person_ids=ended_other, reason=REASON_WITHDRAWN)
        # Leavers with enrolments get the consent-ended work whatever they were allowed.
        if left_ids:
            from .models import FaceEnrolment

            enrolled = set(
                FaceEnrolment.objects.filter(person_id__in=left_ids).values_list(
                    "person_id", flat=True
                )
            )
            consent_ended_queue(person_ids=enrolled, reason=REASON_LEFT)

        run.created = len(new_people)
        run.updated = len([pid for pid, entry in changes.items() if entry["action"] == "updated"])
        run.unchanged = len(parsed.rows) - run.created - run.updated
        run.left = len(left_ids) + len([p for p in new_people if not p.on_roll])
        run.consent_records = len(records)
        run.error_count = len(parsed.errors)
        run.errors = parsed.errors
        run.changes = sorted(changes.values(), key=lambda c: c["person_id"])
        run.finished_at = timezone.now()
        run.duration_ms = int((time.monotonic() - started) * 1000)
        run.save()
        audit_record(
            action="consent.import_run",
            actor=actor,
            school=school,
            target=run,
            data={
                "sha256": run.sha256,
                "rows": run.rows,
                "created": run.created,
                "updated": run.updated,
                "unchanged": run.unchanged,
                "left": run.left,
                "rejoined": rejoined,
                "consent_records": run.consent_records,
                "contacts_created": contacts_created,
                "contacts_updated": contacts_updated,
                "errors": run.error_count,
                "ignored_headers": parsed.ignored_headers,
                "full_roll": full_roll,
            },
        )
    return run


def _apply_contacts(
    *,
    rows: Iterable[Row],
    people: dict[str, Person],
    contacts_by_key: dict[tuple[int, str], _ContactNow],
    note: Any,
) -> tuple[int, int]:
    create: list[tuple[Any, ...]] = []
    now = timezone.now()
    update: list[Contact] = []
    fields = ("name", "relationship", "has_parental_responsibility", "court_order")
    for row in rows:
        person = people[row.mis_id]
        for c in row.contacts:
            current = contacts_by_key.get((person.pk, c.key))
            wanted = {
                "name": c.name,
                "relationship": c.relationship,
                "has_parental_responsibility": c.has_parental_responsibility,
                "court_order": c.court_order,
            }
            if current is None:
                create.append(
                    (
                        person.pk,
                        c.key,
                        c.name,
                        c.relationship,
                        c.has_parental_responsibility,
                        c.court_order,
                        now,
                    )
                )
                note(person, "contacts", f"{c.key}:created")
            elif any(getattr(current, k) != v for k, v in wanted.items()):
                update.append(Contact(pk=current.id, person_id=person.pk, **wanted))
                note(person, "contacts", f"{c.key}:updated")
    fast_insert(Contact, CONTACT_INSERT, create)
    if update:
        Contact.objects.bulk_update(update, list(fields), batch_size=BATCH)
    return len(create), len(update)
