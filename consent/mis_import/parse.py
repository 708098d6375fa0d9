"""Step 1 of the import: parse and validate every row in memory. Nothing is read from or
written to the database here."""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from backend.common.normalise import EARLIEST_BIRTH
from backend.common.textfold import has_invisible

from ..models import PersonKind
from .format import (
    ALIASES,
    ANSWERS,
    BAD_ANSWER,
    BAD_BOOL,
    BAD_DATE,
    BAD_KIND,
    CONSENT_COLUMNS,
    CONTACT_FIELDS,
    CONTACT_HEADER,
    CONTACT_NAME_NEEDED,
    DATE_NEEDED,
    DUPLICATE_HEADER,
    DUPLICATE_MIS_ID,
    EARLY_DATE,
    FALSE,
    FILE_EMPTY,
    FILE_NOT_TEXT,
    FUTURE_DATE,
    HEADERS,
    INVISIBLE_CHARACTERS,
    KINDS,
    LIMITS,
    MAX_CONTACTS,
    MISSING_HEADERS,
    NAME_COLUMNS,
    PER_CHANNEL_COLUMNS,
    REQUIRED,
    REQUIRED_HEADERS,
    TOO_LONG,
    TRUE,
    WRONG_COLUMNS,
    ContactRow,
    Parsed,
    Row,
)

Cell = Callable[[str], str]


class _Cells(dict[str, str]):
    """A row by column name; a column the file lacks reads as blank."""

    def __missing__(self, key: str) -> str:
        return ""


@dataclass(frozen=True)
class _Header:
    """The header row, understood: our column names and what the row parser needs."""

    columns: list[str]
    ignored: list[str]
    contact_slots: list[tuple[int, dict[str, str]]]
    consent_columns: list[tuple[str, tuple[str, ...]]]


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
    if day < EARLIEST_BIRTH:  # no date in a school's register is older (issue 16 item 4)
        errors.append(EARLY_DATE.format(column=column, value=raw, earliest=EARLIEST_BIRTH))
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


def _rejected(*file_errors: str) -> Parsed:
    return Parsed([], [], set(), list(file_errors), [])


def mis_import_parse(data: bytes) -> Parsed:
    """Parse and validate every row of an MIS CSV export; nothing is written here.

    1. A file-level problem (empty, binary, duplicate or missing required columns) rejects
       the whole file (`Parsed.file_errors`).
    2. Every row is validated; a bad row is reported (line number and every reason) and
       left out as a whole.
    3. The same MIS id twice: which row is right is unknown, so neither is applied.
    """
    today = timezone.localdate()
    if not data.strip():
        return _rejected(FILE_EMPTY)
    if b"\x00" in data[:4096]:
        return _rejected(FILE_NOT_TEXT)
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    try:
        raw_header = next(reader)
    except (StopIteration, csv.Error):
        return _rejected(FILE_EMPTY)
    header = _header_read(raw_header)
    if isinstance(header, list):
        return _rejected(*header)

    rows: list[Row] = []
    errors: list[dict[str, Any]] = []
    lines_by_mis_id: dict[str, list[int]] = defaultdict(list)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append({"line": reader.line_num, "mis_id": "", "errors": [str(exc)]})
            continue
        if not any(c.strip() for c in cells):
            continue
        row, problems = _row_read(cells, header, line=reader.line_num, today=today)
        if row.mis_id:
            lines_by_mis_id[row.mis_id].append(row.line)
        if problems:
            errors.append({"line": row.line, "mis_id": row.mis_id, "errors": problems})
        else:
            rows.append(row)
    rows = _duplicates_drop(rows, lines_by_mis_id, errors)
    errors.sort(key=lambda e: e["line"])
    return Parsed(rows, errors, set(lines_by_mis_id), [], header.ignored)


def _header_read(raw_header: list[str]) -> _Header | list[str]:
    """The header understood, or the file-level problems with it."""
    columns = [_normalise_header(h) for h in raw_header]
    problems = [
        DUPLICATE_HEADER.format(column=column)
        for column in sorted({h for h in columns if h and columns.count(h) > 1})
    ]
    missing = [c for c in REQUIRED_HEADERS if c not in columns]
    if missing:
        problems.append(MISSING_HEADERS.format(columns=", ".join(missing)))
    if problems:
        return problems
    known = set(HEADERS)
    slots = sorted({int(m.group(1)) for h in columns if (m := CONTACT_HEADER.match(h))})
    return _Header(
        columns=columns,
        ignored=[
            raw_header[i]
            for i, h in enumerate(columns)
            if h and h not in known and not CONTACT_HEADER.match(h)
        ],
        contact_slots=[
            (n, {f: f"contact{n}_{f}" for f in CONTACT_FIELDS}) for n in slots[:MAX_CONTACTS]
        ],
        consent_columns=[(c, p) for c, p in CONSENT_COLUMNS.items() if c in set(columns)],
    )


def _row_read(
    cells: list[str], header: _Header, *, line: int, today: datetime.date
) -> tuple[Row, list[str]]:
    """One data row and every problem found in it (the row is used only if there is none)."""
    problems: list[str] = []
    if len(cells) != len(header.columns):
        problems.append(WRONG_COLUMNS.format(found=len(cells), expected=len(header.columns)))
    cell = _Cells(zip(header.columns, (c.strip() for c in cells), strict=False)).__getitem__
    for column in ("mis_id", "legal_first_name", "last_name"):
        if not cell(column):
            problems.append(REQUIRED.format(column=column))
    # Checked in column order, so a row's reasons read like the row.
    values = _person_values(cell, problems, today=today)
    on_roll = _bool("on_roll", cell("on_roll"), problems, default=True)
    left_on = _date("left_on", cell("left_on"), problems, today=today)
    answers, any_answer = _answers(cell, header, problems)
    consent_date = _date("consent_date", cell("consent_date"), problems, today=today)
    if any_answer and consent_date is None and not cell("consent_date"):
        problems.append(DATE_NEEDED)
    row = Row(
        line=line,
        mis_id=cell("mis_id"),
        values=values,
        on_roll=on_roll,
        left_on=left_on,
        answers=answers,
        consent_date=consent_date,
        contacts=_contacts(cell, header, problems),
    )
    return row, problems


def _person_values(cell: Cell, problems: list[str], *, today: datetime.date) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column, limit in LIMITS.items():
        value = cell(column)
        if len(value) > limit:
            problems.append(TOO_LONG.format(column=column, limit=limit))
        if column in NAME_COLUMNS and has_invisible(value):
            # R4/R20: such a name would match nothing the names check reads.
            problems.append(INVISIBLE_CHARACTERS.format(column=column))
        values[column] = value
    kind = KINDS.get(cell("kind").lower() or "pupil")
    if kind is None:
        problems.append(BAD_KIND.format(value=cell("kind")))
    values["kind"] = str((kind or PersonKind.PUPIL).value)
    values["date_of_birth"] = _date("date_of_birth", cell("date_of_birth"), problems, today=today)
    return values


def _answers(
    cell: Cell, header: _Header, problems: list[str]
) -> tuple[dict[str, str | None], bool]:
    """Purpose -> decision (None for a blank answer), and whether any column answered."""
    answers: dict[str, str | None] = {}
    any_answer = False
    for column, purposes in header.consent_columns:
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
    return answers, any_answer


def _contacts(cell: Cell, header: _Header, problems: list[str]) -> list[ContactRow]:
    contacts: list[ContactRow] = []
    for n, keys in header.contact_slots:
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
    return contacts


def _duplicates_drop(
    rows: list[Row], lines_by_mis_id: dict[str, list[int]], errors: list[dict[str, Any]]
) -> list[Row]:
    """Rows whose MIS id appears once; the others are reported in `errors`."""
    duplicated = {m: lines for m, lines in lines_by_mis_id.items() if len(lines) > 1}
    if not duplicated:
        return rows
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
    return keep
