"""MIS CSV import: the whole roll in one go, idempotent, validated, fast.

Run through `consent.services.people_import_from_csv` (which checks the actor) as three
steps:

1. `mis_import_parse` (parse.py): parse and validate every row in memory; a bad row is
   reported (line number and every reason) and skipped as a whole.
2. `mis_import_plan` (plan.py): a pure diff between the good rows and a snapshot of the
   register (current.py: people, contacts and latest MIS answers, read in three queries).
3. `mis_import_apply` (apply.py): write the plan with bulk operations in one transaction
   (bulk.py: one COPY/executemany per table, no query per row) and record the run.

The format (format.py) is documented in docs/consent.md; in short, one row per person with
the headers in `HEADERS` (SIMS/Arbor report names in `ALIASES` are accepted too).
"""

from .apply import (
    ImportEnds,
    mis_import_apply,
    mis_import_reject,
    mis_import_run_start,
)
from .bulk import fast_insert
from .format import (
    ALIASES,
    BAD_ANSWER,
    BAD_BOOL,
    BAD_DATE,
    BAD_KIND,
    CONTACT_NAME_NEEDED,
    DATE_NEEDED,
    DUPLICATE_HEADER,
    DUPLICATE_MIS_ID,
    FILE_EMPTY,
    FILE_NOT_TEXT,
    FUTURE_DATE,
    HEADERS,
    INVISIBLE_CHARACTERS,
    MISSING_HEADERS,
    REQUIRED,
    TOO_LONG,
    WRONG_COLUMNS,
    Parsed,
    Row,
)
from .parse import mis_import_parse
from .plan import ImportPlan, mis_import_plan

__all__ = [
    "ALIASES",
    "BAD_ANSWER",
    "BAD_BOOL",
    "BAD_DATE",
    "BAD_KIND",
    "CONTACT_NAME_NEEDED",
    "DATE_NEEDED",
    "DUPLICATE_HEADER",
    "DUPLICATE_MIS_ID",
    "FILE_EMPTY",
    "FILE_NOT_TEXT",
    "FUTURE_DATE",
    "HEADERS",
    "INVISIBLE_CHARACTERS",
    "MISSING_HEADERS",
    "REQUIRED",
    "TOO_LONG",
    "WRONG_COLUMNS",
    "ImportEnds",
    "ImportPlan",
    "Parsed",
    "Row",
    "fast_insert",
    "mis_import_apply",
    "mis_import_parse",
    "mis_import_plan",
    "mis_import_reject",
    "mis_import_run_start",
]
