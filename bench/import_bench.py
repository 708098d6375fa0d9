"""MIS import benchmark: a generated 10,000-pupil CSV imported into a fresh school, twice.

    .venv/bin/python bench/import_bench.py            # throwaway in-memory SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/import_bench.py

Database: Django's test-database machinery (`setup_databases`), so nothing real is
touched. BENCH_DATABASE_URL, if set, is used as DATABASE_URL (as for the other benches).
With neither set, the test settings give an in-memory SQLite database; with a PostgreSQL
URL a throwaway `test_import_bench_<pid>` database is created and dropped (never the
`test_<name>` database a concurrent pytest run may be using). If Django is already
configured (e.g. by a test), run() uses the database it is given and only creates its own
uniquely named school. bench/run.py runs it in its own process.

Reports rows/second for: the first import (everyone new), the same file again (must
change nothing), and a changed file (5% leavers, 5% new consent answers).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
import random
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROWS = 10_000
HEADER = [
    "mis_id",
    "legal_first_name",
    "preferred_first_name",
    "last_name",
    "kind",
    "year_group",
    "registration_group",
    "date_of_birth",
    "on_roll",
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
    "contact1_id",
    "contact1_name",
    "contact1_relationship",
    "contact1_parental_responsibility",
    "contact2_id",
    "contact2_name",
    "contact2_relationship",
    "contact2_parental_responsibility",
]
FIRST = [
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Noah",
    "Oliver",
    "George",
    "Muhammad",
    "Leo",
    "Freya",
    "Aisha",
    "Zoë",
    "Jakub",
    "Chidi",
    "Siân",
    "Ethan",
    "Priya",
    "Mateo",
]
LAST = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Khan",
    "Patel",
    "Evans",
    "Nowak",
    "O'Brien",
    "Okafor",
    "Singh",
    "Davies",
    "Hughes",
    "MacLeod",
]
ANSWERS = ["granted", "granted", "granted", "refused", ""]


def generate_csv(rows: int = ROWS, *, seed: int = 7, changed: bool = False) -> bytes:
    """A SIMS/Arbor-like export: one pupil per row, two contacts, every consent column."""
    rng = random.Random(seed)
    consent_date = datetime.date(2025, 9, 8).isoformat()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for i in range(rows):
        year = rng.randint(0, 6)
        dob = datetime.date(2020 - year, 1, 1) + datetime.timedelta(days=rng.randint(0, 364))
        last = rng.choice(LAST)
        answers = [rng.choice(ANSWERS) for _ in range(9)]
        on_roll = "true"
        if changed and i % 20 == 0:
            on_roll = "false"
        if changed and i % 20 == 1:
            answers[0] = "refused" if answers[0] != "refused" else "granted"
        writer.writerow(
            [
                f"UPN{i:07d}",
                rng.choice(FIRST),
                rng.choice(["", "", "", "Alex", "Sam"]),
                last,
                "pupil",
                "Reception" if year == 0 else f"Year {year}",
                f"{year}{rng.choice('ABC')}",
                dob.isoformat(),
                on_roll,
                *answers[:8],
                answers[8] if answers[8] != "refused" else "",
                consent_date,
                f"C{i:07d}a",
                f"Parent {last}",
                "Mother",
                "true",
                f"C{i:07d}b",
                f"Carer {last}",
                "Father",
                rng.choice(["true", "false"]),
            ]
        )
    return out.getvalue().encode()


def _setup_django() -> Any:
    """Configure Django if nobody did; return the test-database state to tear down."""
    from django.conf import settings

    if settings.configured:
        return None
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings.test")
    if os.environ.get("BENCH_DATABASE_URL"):  # as the other benches (bench/django_setup.py)
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    import django

    django.setup()
    from django.db import connections
    from django.test.utils import setup_databases, setup_test_environment

    # A database of its own, so a test run elsewhere on the same server is never touched.
    test = connections.databases["default"].setdefault("TEST", {})
    if connections["default"].vendor != "sqlite":
        test["NAME"] = f"test_import_bench_{os.getpid()}"
    setup_test_environment()
    return setup_databases(verbosity=0, interactive=False, serialized_aliases=[])


def run(rows: int = ROWS) -> dict[str, Any]:
    state = _setup_django()
    try:
        return _bench(rows)
    finally:
        if state is not None:
            from django.test.utils import teardown_databases, teardown_test_environment

            teardown_databases(state, verbosity=0)
            teardown_test_environment()


def _bench(rows: int) -> dict[str, Any]:
    from django.db import connection

    from backend.accounts.models import School
    from backend.common.actors import SYSTEM_SHELL
    from consent.models import ConsentRecord, Person
    from consent.services import people_import_from_csv

    school = School.objects.create(slug=f"bench-{uuid.uuid4().hex[:8]}", name="Bench School")
    data = generate_csv(rows)
    changed = generate_csv(rows, changed=True)
    results: dict[str, Any] = {
        "rows": rows,
        "database": connection.vendor,
        "csv_bytes": len(data),
    }
    for label, payload in (("first", data), ("same_again", data), ("changed", changed)):
        start = time.perf_counter()
        result = people_import_from_csv(
            school=school, file=payload, filename=f"{label}.csv", actor=SYSTEM_SHELL
        )
        seconds = time.perf_counter() - start
        results[label] = {
            "seconds": round(seconds, 3),
            "rows_per_second": round(rows / seconds),
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "left": result.left,
            "consent_records": result.consent_records,
            "errors": result.error_count,
        }
    same = results["same_again"]
    results["idempotent"] = (
        same["created"] == 0 and same["updated"] == 0 and same["consent_records"] == 0
    )
    results["people"] = Person.objects.filter(school=school).count()
    results["consent_records_total"] = ConsentRecord.objects.filter(person__school=school).count()
    if not results["idempotent"]:
        raise AssertionError(f"Re-importing the same file changed something: {same}")
    return results


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else ROWS), indent=2))
