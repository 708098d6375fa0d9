"""Read queries of the register. Other apps ask consent through these functions only.

The decision selectors take many people at once and cost two queries however many people
are asked about: one for the people (with any active safeguarding flag folded in), one for
their consent records (with each contact's parental responsibility folded in).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from backend.accounts.models import Role, School, User
from backend.accounts.selectors import user_roles
from backend.audit.services import audit_record
from backend.common.crypto import decrypt_bytes
from backend.common.errors import NotFound

from .derivation import (
    ConsentDecision,
    PersonFacts,
    RecordFacts,
    combine_first_name,
    combine_full_name,
    derive,
)
from .models import (
    DEFAULT_EVIDENCE_DAYS,
    DEFAULT_LEAVER_ENCODINGS_DAYS,
    PHOTO_PURPOSE_BY_CHANNEL,
    Channel,
    ConsentEvidence,
    ConsentRecord,
    Contact,
    FaceEnrolment,
    ImportRun,
    Person,
    Purpose,
    RetentionPolicy,
    SafeguardingFlag,
)

PERSON_NOT_FOUND = "No such person among your schools."
UNKNOWN_CHANNEL = "Unknown channel {channel!r}; choose one of: {choices}."

# Who may do what in the register (per school).
MANAGE_ROLES = (Role.CONSENT_ADMIN,)
READ_ROLES = (Role.CONSENT_ADMIN, Role.LEADER, Role.DSL)
SENSITIVE_ROLES = (Role.DSL, Role.LEADER)  # see R16 flags' reasons
STATUS_ROLES = tuple(Role)  # "may I publish?" look-ups
DPIA_ROLES = (Role.TRUST_ADMIN, Role.LEADER)
RETENTION_ROLES = (Role.TRUST_ADMIN, Role.DSL)  # set the school's R15 retention policy
ENCODING_DTYPE = np.float64
ENCODING_SIZE = 128


# --- decisions -------------------------------------------------------------------------------


def _now(at: datetime.datetime | None) -> datetime.datetime:
    return at if at is not None else timezone.now()


def _competence_age() -> int:
    return int(getattr(settings, "CONSENT_COMPETENCE_AGE", 12))


def load_facts(
    *,
    person_ids: Iterable[int] | None = None,
    school: School | None = None,
    at: datetime.datetime | None = None,
) -> tuple[dict[int, PersonFacts], dict[int, list[RecordFacts]]]:
    """People and their consent records as plain facts, in two queries."""
    at = _now(at)
    people = Person.objects.all()
    records = ConsentRecord.objects.all()
    if person_ids is not None:
        ids = list({int(i) for i in person_ids})
        people = people.filter(pk__in=ids)
        records = records.filter(person_id__in=ids)
    if school is not None:
        people = people.filter(school=school)
        records = records.filter(person__school=school)
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
    facts = {
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
    by_person: dict[int, list[RecordFacts]] = defaultdict(list)
    if facts:
        record_rows = (
            records.filter(recorded_at__lte=at)
            .annotate(
                may=F("contact__has_parental_responsibility"), order=F("contact__court_order")
            )
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
    return facts, by_person


def decisions_for(
    *, person_ids: Iterable[int], purposes: Sequence[str], at: datetime.datetime | None = None
) -> dict[int, dict[str, ConsentDecision]]:
    """Every asked purpose for every asked person (two queries)."""
    at = _now(at)
    ids = list(person_ids)
    facts, records = load_facts(person_ids=ids, at=at)
    age = _competence_age()
    return {
        pid: {
            purpose: derive(
                facts.get(pid), records.get(pid, ()), purpose=purpose, at=at, competence_age=age
            )
            for purpose in purposes
        }
        for pid in ids
    }


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


# --- biometrics ------------------------------------------------------------------------------


def identification_gallery(*, school: School, purpose_note: str) -> list[tuple[int, np.ndarray]]:
    """(person_id, 128-d encoding) for every enrolment the face check may match against.

    R19: empty while the school's DPIA gate is closed. R3: only people whose biometric
    consent is effective right now (a pupil's objection, a withdrawal, expiry or leaving
    all end it). People with an R16 flag ARE included: recognising them is what blocks
    their photos automatically instead of relying on a person tagging them correctly.
    R14: one audit event per call (count and purpose), not one per row.
    """
    if not school.face_identification_enabled:
        return []
    rows = list(
        FaceEnrolment.objects.filter(
            person__school=school, person__erased_at__isnull=True, person__on_roll=True
        ).values_list("person_id", "encoding_encrypted")
    )
    allowed = {
        pid
        for pid, decision in biometric_decisions(person_ids={pid for pid, _ in rows}).items()
        if decision.allowed
    }
    gallery = [(pid, decode_encoding(token)) for pid, token in rows if pid in allowed]
    audit_record(
        action="biometric.gallery_read",
        school=school,
        data={
            "count": len(gallery),
            "people": len({p for p, _ in gallery}),
            "purpose_note": purpose_note,
        },
    )
    return gallery


def decode_encoding(token: bytes | memoryview) -> np.ndarray:
    """Decrypt a stored encoding. Callers audit the read."""
    raw = decrypt_bytes(bytes(token))
    vector = np.frombuffer(raw, dtype=ENCODING_DTYPE)
    if vector.shape != (ENCODING_SIZE,):
        raise ValueError("A stored face encoding is not 128 numbers.")
    return vector.copy()


def enrolments_for_person(*, person: Person) -> QuerySet[FaceEnrolment]:
    return FaceEnrolment.objects.filter(person=person).select_related("created_by")


# --- register --------------------------------------------------------------------------------


def register_people(
    *, school: School, kinds: Sequence[str] = ()
) -> list[tuple[int, tuple[str, ...], str]]:
    """(person_id, first names (legal and preferred, no repeats), last name) for everyone on
    the school's roll, or only those of ``kinds``: the names check (R4) builds its index
    from this."""
    out: list[tuple[int, tuple[str, ...], str]] = []
    people = Person.objects.filter(school=school, on_roll=True, erased_at__isnull=True)
    if kinds:
        people = people.filter(kind__in=kinds)
    rows = people.values_list("id", "legal_first_name", "preferred_first_name", "last_name")
    for pid, legal, preferred, last in rows:
        names: list[str] = []
        for name in (legal, preferred):
            name = (name or "").strip()
            if name and name.casefold() not in {n.casefold() for n in names}:
                names.append(name)
        out.append((pid, tuple(names), last))
    return out


def people_for_school(
    *,
    school: School,
    search: str = "",
    kind: str = "",
    on_roll: bool | None = None,
    year_group: str = "",
) -> QuerySet[Person]:
    """The school's register, searchable by any name or MIS id (each word must match)."""
    qs = Person.objects.filter(school=school, erased_at__isnull=True)
    for word in search.split():
        qs = qs.filter(
            Q(legal_first_name__icontains=word)
            | Q(preferred_first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(mis_id__iexact=word)
        )
    if kind:
        qs = qs.filter(kind=kind)
    if on_roll is not None:
        qs = qs.filter(on_roll=on_roll)
    if year_group:
        qs = qs.filter(year_group=year_group)
    active = SafeguardingFlag.objects.filter(person=OuterRef("pk"), ended_at__isnull=True)
    return qs.annotate(do_not_publish=Exists(active)).order_by(
        "last_name", "legal_first_name", "id"
    )


def person_get_for_user(*, user: User, person_id: int, roles: Iterable[str] = READ_ROLES) -> Person:
    """The person, if the user holds one of `roles` at their school; else NotFound."""
    person = (
        Person.objects.select_related("school")
        .filter(
            pk=person_id,
            erased_at__isnull=True,
            school__memberships__user=user,
            school__memberships__role__in=list(roles),
        )
        .first()
    )
    if person is None:
        raise NotFound(PERSON_NOT_FOUND)
    return person


def user_sees_sensitive(*, user: User, school: School) -> bool:
    """R16: only dsl and leaders see why someone must not be published."""
    return bool(user_roles(user=user, school=school) & set(SENSITIVE_ROLES))


def consent_timeline(*, person: Person) -> QuerySet[ConsentRecord]:
    return (
        ConsentRecord.objects.filter(person=person)
        .select_related("contact", "evidence", "recorded_by")
        .order_by("-given_on", "-recorded_at", "-id")
    )


def contacts_for_person(*, person: Person) -> QuerySet[Contact]:
    return Contact.objects.filter(person=person).order_by("id")


def flags_for_person(*, person: Person, include_ended: bool = False) -> QuerySet[SafeguardingFlag]:
    qs = SafeguardingFlag.objects.filter(person=person)
    if not include_ended:
        qs = qs.filter(ended_at__isnull=True)
    return qs.select_related("recorded_by", "ended_by").order_by("created_at", "id")


def evidence_for_person(*, person: Person) -> QuerySet[ConsentEvidence]:
    return ConsentEvidence.objects.filter(person=person).select_related("uploaded_by")


def imports_for_school(*, school: School) -> QuerySet[ImportRun]:
    return ImportRun.objects.filter(school=school).select_related("started_by")


def expired_grants_between(
    *, start: datetime.date | None, end: datetime.date
) -> QuerySet[ConsentRecord]:
    """Grants whose last effective day lies in [start, end): they expired since `start`."""
    qs = ConsentRecord.objects.filter(decision="granted", expires_on__lt=end)
    if start is not None:
        qs = qs.filter(expires_on__gte=start)
    return qs


def publish_status(
    *, person_ids: Iterable[int], at: datetime.datetime | None = None
) -> dict[int, dict[str, dict[str, ConsentDecision]]]:
    """For each person and channel: photo, full name with photo, first name (two queries).
    The "may I publish?" look-up staff use."""
    ids = list(person_ids)
    found = decisions_for(person_ids=ids, purposes=Purpose.values, at=at)
    out: dict[int, dict[str, dict[str, ConsentDecision]]] = {}
    for pid, by in found.items():
        first = combine_first_name(by[Purpose.FIRST_NAME_ONLY], by[Purpose.NAME_WITH_PHOTO])
        out[pid] = {}
        for channel in Channel:
            photo = by[PHOTO_PURPOSE_BY_CHANNEL[channel]]
            out[pid][channel.value] = {
                "photo": photo,
                "full_name": combine_full_name(
                    photo, by[Purpose.NAME_WITH_PHOTO], channel_label=str(channel.label)
                ),
                "first_name": first,
            }
    return out


def people_labels(*, person_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """How staff see an identified or tagged person: preferred first name and last initial
    (and the MIS id, for operators). Erased people have no label."""
    return {
        p.pk: {
            "label": f"{p.display_first_name} {p.last_name[:1]}.",
            "kind": p.kind,
            "mis_id": p.mis_id,
        }
        for p in Person.objects.filter(pk__in=list(person_ids), erased_at__isnull=True)
    }


def any_pupils(*, person_ids: Iterable[int]) -> bool:
    return Person.objects.filter(pk__in=list(person_ids), kind=Person.Kind.PUPIL).exists()


def person_in_school(*, school_id: int, person_id: int) -> bool:
    return Person.objects.filter(pk=person_id, school_id=school_id, erased_at__isnull=True).exists()


def person_names(*, person_id: int) -> tuple[int, tuple[str, ...], str] | None:
    """(school id, first names, last name) of a person not erased: the takedown search (R10)
    looks for their full name in what was published."""
    person = Person.objects.filter(pk=person_id, erased_at__isnull=True).first()
    if person is None:
        return None
    return person.school_id, person.first_names, person.last_name


# --- retention (R15) -------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionTerms:
    """What a school's retention policy says, defaults filled in (R15)."""

    leaver_encodings_days: int = DEFAULT_LEAVER_ENCODINGS_DAYS
    evidence_days: int = DEFAULT_EVIDENCE_DAYS


@dataclass(frozen=True)
class RetentionItem:
    """One thing a retention purge deletes (or, in a dry run, would delete)."""

    school_id: int
    kind: str  # what it is, in words: "face enrolment", "comment evidence", "comment"
    object_id: int
    why: str  # e.g. "person #12 left on 2026-09-01; policy: 0 days after leaving"

    def line(self) -> str:
        return f"school {self.school_id}: {self.kind} #{self.object_id} ({self.why})"


def retention_terms_for_schools(*, school_ids: Iterable[int]) -> dict[int, RetentionTerms]:
    """Each school's retention terms in one query; a school without a policy gets the
    defaults. Other apps (comment evidence) read the policy through this."""
    ids = set(school_ids)
    terms = {sid: RetentionTerms() for sid in ids}
    for policy in RetentionPolicy.objects.filter(school_id__in=ids):
        terms[policy.school_id] = RetentionTerms(
            leaver_encodings_days=policy.leaver_encodings_days,
            evidence_days=policy.evidence_days,
        )
    return terms


def retention_terms_for(*, school: School | int) -> RetentionTerms:
    school_id = school if isinstance(school, int) else school.pk
    return retention_terms_for_schools(school_ids=[school_id])[school_id]
