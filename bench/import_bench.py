"""MIS import benchmark: a generated 10,000-pupil CSV imported into a fresh school, twice.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python -m bench.import_bench

Database: the benchmarks' own PostgreSQL database (bench/services.py: created and migrated
when missing, never a database without "bench" in its name); each run imports into a new,
uniquely named school. If Django is already configured (e.g. by a test), run() uses the
database it is given. Without PostgreSQL the metric is reported as not measured.

Reports rows/second for: the first import (everyone new), the same file again (must
change nothing), and a changed file (5% leavers, 5% new consent answers).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import random
import sys
import time
import uuid
from typing import Any

from bench.metrics import metric, skipped
from bench.services import ServiceMissing, django_on_postgres

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


def run(rows: int = ROWS) -> dict[str, Any]:
    """``mis_import_rows_per_s`` on the benchmarks' PostgreSQL database (bench/services.py);
    when Django is already configured (a test), on the database it was given."""
    from django.conf import settings

    if not settings.configured:
        try:
            django_on_postgres()
        except ServiceMissing as exc:
            return {"metrics": [skipped("mis_import_rows_per_s", "rows_per_s", str(exc))]}
    details = _bench(rows)
    first, same, changed = details["first"], details["same_again"], details["changed"]
    return {
        "metrics": [
            metric(
                "mis_import_rows_per_s",
                first["rows_per_second"],
                "rows_per_s",
                n=1,
                notes=(
                    f"{rows}-pupil CSV (9 consent columns, 2 contacts) into a new school on "
                    f"{details['database']}: {first['seconds']} s; the same file again "
                    f"{same['rows_per_second']} rows/s (changed nothing); 5% leavers and 5% "
                    f"changed answers {changed['rows_per_second']} rows/s"
                ),
                digits=0,
            )
        ],
        "details": details,
    }


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
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else ROWS), indent=2, default=str))
