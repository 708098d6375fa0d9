"""Read queries for incoming comments, their actions and evidence, and the screening config.

Who sees what (R13): escalated comments and their evidence only the DSL and the head
teacher (a leader membership marked `is_head_teacher`), not every leader; held comments
the leaders and DSL; staff only comments that passed screening and are public anyway.
Anything else answers 404, so existence never leaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from backend.accounts.models import Role, School, User
from backend.accounts.selectors import (
    school_ids_for_user,
    school_ids_seeing_escalations,
    user_has_role,
    user_sees_escalations,
    users_seeing_escalations,
    users_with_role,
)
from backend.common.errors import NotFound
from consent import selectors as consent_selectors
from moderation.checks.names import NameIndex, RegisterPerson
from moderation.screening import ScreeningConfig

from .corrections import screening_adaptation_for
from .models import Comment, Evidence, ModerationAction, ScreeningSettings, default_fetch_channels

# R13: escalated comments and their evidence go to the DSL and the head teacher only
# (backend.accounts.selectors.user_sees_escalations), never to every leader.
# Held comments, every moderation action, evidence of held comments.
MODERATOR_ROLES = (Role.LEADER, Role.DSL)
# Comments that passed screening and are public on the platform anyway.
READER_ROLES = (Role.STAFF, Role.LEADER, Role.DSL)
SETTINGS_VIEW_ROLES = (Role.LEADER, Role.DSL)
SETTINGS_EDIT_ROLES = (Role.LEADER,)

NO_SUCH_COMMENT = "No such comment among your schools."
NO_SUCH_EVIDENCE = "No such evidence among your schools."
# consent's person kind of the register's pupils (R4 names, R13 targets).
PUPIL = "pupil"


def user_may_moderate(*, user: User, comment: Comment) -> bool:
    """Whether ``user`` may see and act on this comment (R13 for escalated ones)."""
    if comment.escalated:
        return user_sees_escalations(user=user, school=comment.school_id)
    return user_has_role(user=user, school=comment.school_id, roles=MODERATOR_ROLES)


# --------------------------------------------------------------------------- comments


def _visible_q(user: User) -> Q:
    escalation = school_ids_seeing_escalations(user=user)
    moderation = school_ids_for_user(user=user, roles=MODERATOR_ROLES)
    readers = school_ids_for_user(user=user, roles=READER_ROLES)
    return (
        Q(school_id__in=escalation, escalated=True)
        | Q(school_id__in=moderation, escalated=False)
        | Q(
            school_id__in=readers,
            escalated=False,
            verdict=Comment.Verdict.OK,
            status=Comment.Status.VISIBLE,
        )
    )


def comments_for_user(
    *,
    user: User,
    school_id: int | None = None,
    queue: str | None = None,
    verdict: str | None = None,
    status: str | None = None,
    channel: str | None = None,
    escalated: bool | None = None,
    assigned_to: int | None = None,
    publication_id: int | None = None,
) -> QuerySet[Comment]:
    """The comments ``user`` may see, newest first. ``queue="open"``: awaiting a decision."""
    qs = Comment.objects.filter(_visible_q(user))
    if school_id is not None:
        qs = qs.filter(school_id=school_id)
    if queue == "open":
        qs = qs.filter(review=Comment.Review.OPEN)
    elif queue:
        qs = qs.filter(review=queue)
    if verdict:
        qs = qs.filter(verdict=verdict)
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    if escalated is not None:
        qs = qs.filter(escalated=escalated)
    if assigned_to is not None:
        qs = qs.filter(assigned_to_id=assigned_to)
    if publication_id is not None:
        qs = qs.filter(publication_id=publication_id)
    return qs.select_related("school", "assigned_to", "decided_by", "publication").order_by(
        "-escalated", "-created_at", "-id"
    )


def comment_get_for_user(*, user: User, comment_id: int) -> Comment:
    comment = (
        Comment.objects.filter(_visible_q(user), pk=comment_id)
        .select_related("school", "assigned_to", "decided_by", "publication", "parent")
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=ModerationAction.objects.select_related("actor", "reply_post").order_by(
                    "created_at", "id"
                ),
            ),
            Prefetch(
                "evidence",
                queryset=Evidence.objects.select_related("captured_by", "countersigned_by"),
            ),
        )
        .first()
    )
    if comment is None:
        raise NotFound(NO_SUCH_COMMENT)
    return comment


def comment_actions(*, comment: Comment, kind: str | None = None) -> QuerySet[ModerationAction]:
    qs = ModerationAction.objects.filter(comment=comment)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("actor", "reply_post").order_by("created_at", "id")


def moderators_for(*, comment: Comment) -> QuerySet[User]:
    """People a comment may be assigned to: those who may see it."""
    if comment.escalated:
        return users_seeing_escalations(school=comment.school_id).order_by("email")
    return users_with_role(school=comment.school, roles=MODERATOR_ROLES).order_by("email")


def escalated_website_comment_ids(*, school_ids: set[int]) -> set[int]:
    """The publishers' ``WebsiteComment`` ids of escalated website comments at these schools,
    so its own list hides them from anyone who may not see escalations (R13)."""
    if not school_ids:
        return set()
    external_ids = Comment.objects.filter(
        school_id__in=school_ids, channel="website", escalated=True
    ).values_list("external_id", flat=True)
    return {int(value) for value in external_ids if value.isdigit()}


# --------------------------------------------------------------------------- comment evidence


def _comment_evidence_q(user: User) -> Q:
    escalation = school_ids_seeing_escalations(user=user)
    moderation = school_ids_for_user(user=user, roles=MODERATOR_ROLES)
    return Q(school_id__in=escalation, comment__escalated=True) | Q(
        school_id__in=moderation, comment__escalated=False
    )


def comment_evidence_for_comment(*, user: User, comment: Comment) -> QuerySet[Evidence]:
    return (
        Evidence.objects.filter(_comment_evidence_q(user), comment=comment)
        .select_related("captured_by", "countersigned_by", "comment")
        .order_by("captured_at", "id")
    )


# Why an export is refused (R12): the service raises these, and the comment's page shows the
# same words beside the record instead of a button that cannot work.
EXPORT_NEEDS_COUNTERSIGNATURE = (
    "This evidence cannot be exported until a second person (a safeguarding lead or a leader) "
    "has countersigned it."
)
EXPORT_NEEDS_SECOND_PERSON = (
    "This evidence was captured automatically and you countersigned it: a second person must "
    "export it, so that two people stand behind every export."
)
EVIDENCE_TAMPERED = (
    "This evidence record no longer matches the hash taken when it was captured. It cannot be "
    "exported; tell the data protection officer."
)
EXPORT_ALLOWED = "{captured} captured it and {countersigned} countersigned it: you may export it."


@dataclass(frozen=True)
class EvidenceExportRefusal:
    code: str
    message: str
    # True: the record's state refuses it (409); False: this person may not (403).
    conflict: bool


def comment_evidence_export_refusal(
    *, evidence: Evidence, user: User
) -> EvidenceExportRefusal | None:
    """Why ``user`` (a moderator of the comment) may not export this record now, or None.

    Two different people always stand behind an export: the capturer and the
    countersigner, or (for evidence the system captured) the countersigner and a different
    exporter.
    """
    if not evidence.countersigned:
        return EvidenceExportRefusal(
            "countersignature_required", EXPORT_NEEDS_COUNTERSIGNATURE, conflict=True
        )
    if evidence.captured_by_id is None and evidence.countersigned_by_id == user.pk:
        return EvidenceExportRefusal(
            "second_person_required", EXPORT_NEEDS_SECOND_PERSON, conflict=False
        )
    if not evidence.intact:
        return EvidenceExportRefusal("evidence_tampered", EVIDENCE_TAMPERED, conflict=True)
    return None


@dataclass(frozen=True)
class CommentEvidenceSummary:
    """One evidence record as the comment's page lists it: who captured and countersigned
    it, and whether this user may export it and why, never its content (reading that is
    audited, R14)."""

    id: int
    reason: str
    sha256: str
    captured_at: datetime
    captured_by: str  # the person, or "system" when screening captured it
    countersigned_by: str | None
    countersigned_at: datetime | None
    can_export: bool
    export_reason: str


def _evidence_summary(evidence: Evidence, *, user: User) -> CommentEvidenceSummary:
    captured_by = str(evidence.captured_by) if evidence.captured_by else "system"
    countersigned_by = str(evidence.countersigned_by) if evidence.countersigned_by else None
    refusal = comment_evidence_export_refusal(evidence=evidence, user=user)
    return CommentEvidenceSummary(
        id=evidence.pk,
        reason=evidence.reason,
        sha256=evidence.sha256,
        captured_at=evidence.captured_at,
        captured_by=captured_by,
        countersigned_by=countersigned_by,
        countersigned_at=evidence.countersigned_at,
        can_export=refusal is None,
        export_reason=(
            refusal.message
            if refusal is not None
            else EXPORT_ALLOWED.format(
                captured="The screening" if captured_by == "system" else captured_by,
                countersigned=countersigned_by,
            )
        ),
    )


def comment_evidence_summaries(*, comment: Comment, user: User) -> list[CommentEvidenceSummary]:
    """The comment's evidence records, oldest first (prefetched by `comment_get_for_user`),
    as ``user`` sees them."""
    return [_evidence_summary(evidence, user=user) for evidence in comment.evidence.all()]


def comment_evidence_get_for_user(*, user: User, evidence_id: int) -> Evidence:
    evidence = (
        Evidence.objects.filter(_comment_evidence_q(user), pk=evidence_id)
        .select_related("captured_by", "countersigned_by", "comment", "school")
        .first()
    )
    if evidence is None:
        raise NotFound(NO_SUCH_EVIDENCE)
    return evidence


# --------------------------------------------------------------------------- screening


def screening_settings_for(*, school: School) -> ScreeningSettings:
    """The school's settings, or the defaults (unsaved) when none were ever stored."""
    found = ScreeningSettings.objects.filter(school=school).first()
    return found or ScreeningSettings(school=school, fetch_channels=default_fetch_channels())


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").casefold()


# Words of a school's name that say what kind of school it is, not which one.
_GENERIC_NAME_WORDS = re.compile(
    r"\b(?:the|primary|secondary|infants?|juniors?|nursery|first|middle|high|grammar|upper"
    r"|lower|school|academy|college|community|free|church\s+of\s+england|c\.?\s*of\s*e\.?"
    r"|ce|cofe|rc|r\.c\.|catholic|methodist|voluntary\s+(?:aided|controlled)|va|vc)\b",
    re.IGNORECASE,
)


def school_own_names(name: str) -> tuple[str, ...]:
    """The school's name and its distinctive part: "St Hilda's" of "St Hilda's C of E Primary
    School", "Oakfield" of "Oakfield Academy"."""
    name = " ".join(name.split())
    distinctive = " ".join(_GENERIC_NAME_WORDS.sub(" ", name).split()).strip(" ,-&()")
    return tuple(dict.fromkeys(n for n in (name, distinctive) if len(n) >= 3))


def screening_config_for(*, school: School) -> ScreeningConfig:
    """Everything the screening library needs for one school.

    1. The school's thresholds and word lists (ScreeningSettings).
    2. A name finder over the pupils on the register (R4): a comment naming a pupil in
       full is held. Staff and other adults are left out: "thank you Sarah Jones" about a
       teacher is an ordinary comment. A second finder takes first names too, so a threat
       beside any pupil's name escalates (R13, screening/targeting.py).
    3. Staff surnames from the register and the settings, so "Jones hit my son" reads as an
       allegation.
    4. The school's own contact details (R5) and domains (its email domain and this
       product's public address) are never personal data or spam.
    5. The school's own name is an allowed word ("Twatt Primary" is not profanity), and so
       the sentence model reads a comment with the name blanked, as its training comments
       were prepared.
    """
    stored = screening_settings_for(school=school)
    people = [
        RegisterPerson(key=pid, first_names=firsts, last_name=last)
        for pid, firsts, last in consent_selectors.register_people(school=school, kinds=(PUPIL,))
        if firsts and last
    ]
    index = NameIndex.build(people)

    def name_finder(text: str) -> list[tuple[int, int]]:
        return [(hit.start, hit.end) for hit in index.find_full_names(text)]

    def pupil_name_finder(text: str) -> list[tuple[int, int]]:
        # R13: any pupil of the school, first name too, as the target of a threat.
        hits = [*index.find_full_names(text), *index.find_first_names(text)]
        return sorted({(hit.start, hit.end) for hit in hits})

    staff = consent_selectors.people_for_school(school=school, kind="staff", on_roll=True)
    staff_names = sorted(
        {str(n) for n in staff.values_list("last_name", flat=True) if n}
        | {str(n) for n in stored.staff_names if n}
    )
    contacts = [
        value
        for value in (
            school.contact_email,
            school.contact_phone,
            school.contact_address,
            school.contact_postcode,
        )
        if value
    ]
    domains = {str(d).casefold() for d in stored.allowed_domains if d}
    if school.contact_email and "@" in school.contact_email:
        domains.add(school.contact_email.rsplit("@", 1)[1].casefold())
    public_host = _host(str(settings.PUBLIC_BASE_URL))
    if public_host and public_host not in {"127.0.0.1", "localhost"}:
        domains.add(public_host)
    return ScreeningConfig(
        blocked_words=tuple(str(w) for w in stored.blocked_words),
        allowed_words=tuple(str(w) for w in stored.allowed_words) + school_own_names(school.name),
        thresholds={str(k): float(v) for k, v in dict(stored.thresholds).items()},
        name_finder=name_finder if people else None,
        pupil_name_finder=pupil_name_finder if people else None,
        staff_names=tuple(staff_names),
        allowed_contacts=tuple(contacts),
        allowed_domains=tuple(sorted(domains)),
        sensitivity=stored.sensitivity,
        adaptation=screening_adaptation_for(school=school),  # what its moderators taught it
    )


# --------------------------------------------------------------------------- procedures


def comment_author_history(*, comment: Comment) -> tuple[datetime | None, datetime | None, int]:
    """When the author's comments at this school began and last came, and how many there
    are (a report pack says how long it has been going on). Unknown author: this one only."""
    if not comment.author_external_id:
        moment = comment.platform_created_at or comment.created_at
        return moment, moment, 1
    found = Comment.objects.filter(
        school_id=comment.school_id,
        channel=comment.channel,
        author_external_id=comment.author_external_id,
    ).aggregate(
        first=Min(Coalesce("platform_created_at", "created_at")),
        last=Max(Coalesce("platform_created_at", "created_at")),
        count=Count("id"),
    )
    return found["first"], found["last"], int(found["count"])


def x_comment_ids_since(*, school_id: int, since: datetime) -> list[int]:
    """Replies read from X for this school since ``since``: each one was a paid read."""
    return list(
        Comment.objects.filter(school_id=school_id, channel="x", created_at__gte=since)
        .order_by("id")
        .values_list("id", flat=True)
    )
