"""What the register holds now for a school, read for the import's plan (step 2).

Read in three queries however big the school; the large ones are read raw, because the
ORM's per-value converters cost more than the queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from backend.accounts.models import School

from ..models import ConsentRecord, Contact, GivenBy, Person


@dataclass
class Latest:
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


def latest_mis_answers(school: School) -> dict[tuple[int, str], Latest]:
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
    latest: dict[tuple[int, str], Latest] = {}
    for pid, purpose, decision, given_on, void in _raw_rows(qs):
        latest[(pid, purpose)] = Latest(decision, str(given_on)[:10], bool(void))
    return latest


@dataclass
class ContactNow:
    id: int
    name: str
    relationship: str
    has_parental_responsibility: bool
    court_order: bool


def mis_contacts(school: School) -> dict[tuple[int, str], ContactNow]:
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
        (pid, key): ContactNow(cid, name, rel, bool(pr), bool(order))
        for pid, key, cid, name, rel, pr, order in _raw_rows(qs)
    }


@dataclass(frozen=True)
class Snapshot:
    """The school's people (by MIS id, rows locked), latest MIS answers and MIS contacts."""

    people: dict[str, Person]
    latest: dict[tuple[int, str], Latest]
    contacts: dict[tuple[int, str], ContactNow]


def mis_import_snapshot(*, school: School) -> Snapshot:
    """Read (and lock, for the caller's transaction) what the import compares against."""
    people = {
        p.mis_id: p
        for p in Person.objects.select_for_update(of=("self",))
        .filter(school=school, erased_at__isnull=True)
        .exclude(mis_id="")
    }
    return Snapshot(people=people, latest=latest_mis_answers(school), contacts=mis_contacts(school))
