"""Consent decisions, derived from the register in two queries however many people are
asked about: one for the people (with any active safeguarding flag folded in), one for their
consent records (with each contact's parental responsibility folded in)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from backend.accounts.models import School

from ..derivation import (
    ConsentDecision,
    PersonFacts,
    RecordFacts,
    combine_first_name,
    combine_full_name,
    derive,
)
from ..models import (
    PHOTO_PURPOSE_BY_CHANNEL,
    Channel,
    ConsentRecord,
    Person,
    Purpose,
    SafeguardingFlag,
)
from .roles import UNKNOWN_CHANNEL


def _now(at: datetime.datetime | None) -> datetime.datetime:
    return at if at is not None else timezone.now()


def load_facts(
    *,
    person_ids: Iterable[int] | None = None,
    school: School | None = None,
    at: datetime.datetime | None = None,
    purposes: Sequence[str] | None = None,
) -> tuple[dict[int, PersonFacts], dict[int, list[RecordFacts]]]:
    """People and their consent records as plain facts, in two queries; only the records
    of ``purposes`` when given (a decision reads its own purpose's records alone, and the
    face check's gallery asks about biometric consent for a whole school at every check)."""
    at = _now(at)
    people = Person.objects.all()
    records = ConsentRecord.objects.all()
    if purposes is not None:
        records = records.filter(purpose__in=list(purposes))
    if person_ids is not None:
        ids = list({int(i) for i in person_ids})
        people = people.filter(pk__in=ids)
        records = records.filter(person_id__in=ids)
    if school is not None:
        people = people.filter(school=school)
        records = records.filter(person__school=school)
    facts = _person_facts(people, at=at)
    by_person = _record_facts(records, at=at) if facts else defaultdict(list)
    return facts, by_person


def _person_facts(people: QuerySet[Person], *, at: datetime.datetime) -> dict[int, PersonFacts]:
    """One query: the people, with any safeguarding flag active at `at` folded in."""
    active_flags = SafeguardingFlag.objects.filter(
        person=OuterRef("pk"), created_at__lte=at
    ).filter(Q(ended_at__isnull=True) | Q(ended_at__gt=at))
    rows = people.annotate(
        flag_kind=Subquery(active_flags.order_by("kind").values("kind")[:1])
    ).values_list(
        "id",
        "kind",
        "date_of_birth",
        "on_roll",
        "left_on",
        "consent_void_before",
        "erased_at",
        "flag_kind",
    )
    return {
        row[0]: PersonFacts(
            id=row[0],
            kind=row[1],
            date_of_birth=row[2],
            on_roll=row[3],
            left_on=row[4],
            consent_void_before=row[5],
            erased=row[6] is not None,
            flag_kind=row[7],
        )
        for row in rows
    }


def _record_facts(
    records: QuerySet[ConsentRecord], *, at: datetime.datetime
) -> dict[int, list[RecordFacts]]:
    """One query: consent records up to `at`, with each contact's parental responsibility."""
    by_person: dict[int, list[RecordFacts]] = defaultdict(list)
    record_rows = (
        records.filter(recorded_at__lte=at)
        .annotate(may=F("contact__has_parental_responsibility"), order=F("contact__court_order"))
        .values_list(
            "id",
            "person_id",
            "purpose",
            "decision",
            "given_by",
            "contact_id",
            "may",
            "order",
            "method",
            "given_on",
            "expires_on",
            "recorded_at",
            "evidence_id",
            "evidence_reference",
        )
    )
    for r in record_rows:
        by_person[r[1]].append(
            RecordFacts(
                id=r[0],
                person_id=r[1],
                purpose=r[2],
                decision=r[3],
                given_by=r[4],
                contact_id=r[5],
                contact_may_consent=bool(r[6]) and not r[7],
                method=r[8],
                given_on=r[9],
                expires_on=r[10],
                recorded_at=r[11],
                has_evidence=bool(r[12] or r[13]),
            )
        )
    return by_person


def decisions_for(
    *, person_ids: Iterable[int], purposes: Sequence[str], at: datetime.datetime | None = None
) -> dict[int, dict[str, ConsentDecision]]:
    """Every asked purpose for every asked person (two queries)."""
    at = _now(at)
    ids = list(person_ids)
    facts, records = load_facts(person_ids=ids, at=at, purposes=purposes)
    age = settings.CONSENT_COMPETENCE_AGE
    return {
        pid: {
            purpose: derive(
                facts.get(pid), records.get(pid, ()), purpose=purpose, at=at, competence_age=age
            )
            for purpose in purposes
        }
        for pid in ids
    }


def allowed_purposes(*, person_ids: Iterable[int]) -> dict[int, set[str]]:
    """The purposes each person's consent allows now (compared before and after a change,
    to find whose consent ended)."""
    found = decisions_for(person_ids=list(person_ids), purposes=Purpose.values)
    return {pid: {p for p, d in by.items() if d.allowed} for pid, by in found.items()}


def _photo_purpose(channel: str) -> str:
    try:
        return PHOTO_PURPOSE_BY_CHANNEL[Channel(channel)]
    except ValueError:
        raise ValueError(
            UNKNOWN_CHANNEL.format(channel=channel, choices=", ".join(Channel.values))
        ) from None


def photo_decisions(
    *, person_ids: Iterable[int], channel: str, at: datetime.datetime | None = None
) -> dict[int, ConsentDecision]:
    """May each person's photo appear on `channel`? (R16, R17, R18; two queries.)"""
    purpose = _photo_purpose(channel)
    found = decisions_for(person_ids=person_ids, purposes=[purpose], at=at)
    return {pid: by[purpose] for pid, by in found.items()}


def name_decisions(
    *, person_ids: Iterable[int], channel: str, at: datetime.datetime | None = None
) -> dict[int, ConsentDecision]:
    """May each person's FULL name be published with their photo on `channel`? Needs the
    name consent and the photo consent for the channel."""
    photo = _photo_purpose(channel)
    found = decisions_for(person_ids=person_ids, purposes=[photo, Purpose.NAME_WITH_PHOTO], at=at)
    label = str(Channel(channel).label)
    return {
        pid: combine_full_name(by[photo], by[Purpose.NAME_WITH_PHOTO], channel_label=label)
        for pid, by in found.items()
    }


def first_name_decisions(
    *, person_ids: Iterable[int], channel: str, at: datetime.datetime | None = None
) -> dict[int, ConsentDecision]:
    """May each person's first name alone be published (R4: first names alone are allowed
    where consent allows names)? `channel` is checked for validity; name consent is not
    per channel."""
    _photo_purpose(channel)
    found = decisions_for(
        person_ids=person_ids,
        purposes=[Purpose.FIRST_NAME_ONLY, Purpose.NAME_WITH_PHOTO],
        at=at,
    )
    return {
        pid: combine_first_name(by[Purpose.FIRST_NAME_ONLY], by[Purpose.NAME_WITH_PHOTO])
        for pid, by in found.items()
    }


def biometric_decisions(
    *, person_ids: Iterable[int], at: datetime.datetime | None = None
) -> dict[int, ConsentDecision]:
    """Is each person's biometric consent effective (R3, R18)? Flags do not block it."""
    found = decisions_for(person_ids=person_ids, purposes=[Purpose.BIOMETRIC], at=at)
    return {pid: by[Purpose.BIOMETRIC] for pid, by in found.items()}


def may_publish_photo(*, person: Person | int, channel: str) -> ConsentDecision:
    pid = person if isinstance(person, int) else person.pk
    return photo_decisions(person_ids=[pid], channel=channel)[pid]


def may_publish_name(*, person: Person | int, channel: str) -> ConsentDecision:
    """Full name with photo on the channel."""
    pid = person if isinstance(person, int) else person.pk
    return name_decisions(person_ids=[pid], channel=channel)[pid]


def may_publish_first_name(*, person: Person | int, channel: str) -> ConsentDecision:
    pid = person if isinstance(person, int) else person.pk
    return first_name_decisions(person_ids=[pid], channel=channel)[pid]


def person_consent_state(
    *, person: Person, at: datetime.datetime | None = None
) -> dict[str, ConsentDecision]:
    """The derived decision for every purpose (the timeline's summary)."""
    return decisions_for(person_ids=[person.pk], purposes=Purpose.values, at=at)[person.pk]


def person_flags_blocking(*, person_ids: Iterable[int]) -> set[int]:
    """People with any active R16 flag (one query)."""
    return set(
        SafeguardingFlag.objects.filter(
            person_id__in=list(person_ids), ended_at__isnull=True
        ).values_list("person_id", flat=True)
    )
