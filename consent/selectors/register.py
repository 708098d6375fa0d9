"""The register: people, their details, contacts, flags, evidence, imports, "may I publish?"."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from backend.accounts.models import School, User
from backend.accounts.selectors import user_roles
from backend.common.errors import NotFound

from ..derivation import ConsentDecision, combine_first_name, combine_full_name
from ..models import (
    PHOTO_PURPOSE_BY_CHANNEL,
    Channel,
    ConsentEvidence,
    ConsentRecord,
    Contact,
    ImportRun,
    Person,
    Purpose,
    SafeguardingFlag,
)
from .biometrics import enrolments_for_person
from .decisions import decisions_for, person_consent_state, person_flags_blocking
from .roles import PERSON_NOT_FOUND, READ_ROLES, SENSITIVE_ROLES


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


@dataclass(frozen=True)
class DecisionView:
    """A derived decision as one viewer may see it: `sensitive_reason` is None unless the
    viewer is the DSL or a leader (R16)."""

    allowed: bool
    reason: str
    record_id: int | None
    do_not_publish: bool
    sensitive_reason: str | None


def decision_view(decision: ConsentDecision, *, sensitive: bool) -> DecisionView:
    return DecisionView(
        allowed=decision.allowed,
        reason=decision.reason,
        record_id=decision.record_id,
        do_not_publish=decision.do_not_publish,
        sensitive_reason=decision.sensitive_reason if sensitive else None,
    )


@dataclass(frozen=True)
class PersonDetail:
    """One person's register entry with contacts and current consent, for one viewer."""

    id: int
    school_id: int
    kind: str
    mis_id: str
    legal_first_name: str
    preferred_first_name: str
    display_first_name: str
    last_name: str
    year_group: str
    registration_group: str
    date_of_birth: datetime.date | None
    on_roll: bool
    left_on: datetime.date | None
    do_not_publish: bool
    enrolments: int
    consent: dict[str, DecisionView]
    contacts: list[Contact]


def person_detail(*, person: Person, user: User) -> PersonDetail:
    """Everything the person page shows at once, redacted for `user` (R16)."""
    sensitive = user_sees_sensitive(user=user, school=person.school)
    state = person_consent_state(person=person)
    return PersonDetail(
        id=person.pk,
        school_id=person.school_id,
        kind=person.kind,
        mis_id=person.mis_id,
        legal_first_name=person.legal_first_name,
        preferred_first_name=person.preferred_first_name,
        display_first_name=person.display_first_name,
        last_name=person.last_name,
        year_group=person.year_group,
        registration_group=person.registration_group,
        date_of_birth=person.date_of_birth,
        on_roll=person.on_roll,
        left_on=person.left_on,
        do_not_publish=person.pk in person_flags_blocking(person_ids=[person.pk]),
        enrolments=enrolments_for_person(person=person).count(),
        consent={p: decision_view(d, sensitive=sensitive) for p, d in state.items()},
        contacts=list(contacts_for_person(person=person)),
    )


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


def consent_evidence_for_person(*, person: Person) -> QuerySet[ConsentEvidence]:
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
