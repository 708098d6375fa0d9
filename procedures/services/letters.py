"""The letter inviting a parent or carer to a meeting: the school's template, drafts kept
on the case, and sending (a leader or the DSL only)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from backend.accounts.models import School, User
from backend.accounts.selectors import user_has_role
from backend.common.errors import Conflict, InvalidInput, Refused
from consent import selectors as consent_selectors

from .. import selectors
from ..letters import fill, letter_pdf
from ..models import LetterTemplate, ParentLetter
from .common import ACTING_ROLES, audit, check_leader

PLATFORM_NAMES = {
    "x": "X",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "youtube": "YouTube",
    "website": "the school website",
}
LETTER_NEEDS_LEADER = (
    "A letter to a parent is sent by a leader or the safeguarding lead: ask one to check and "
    "send it."
)
MATCH_NEEDS_LEADER = "Only a leader or the safeguarding lead can match a comment to a parent."
NO_SUCH_CONTACT = "That contact is not one of this pupil's contacts."
ALREADY_SENT = "This letter has already been sent; write a new one instead."
REQUIRED = "Fill in {what}."
TEXT_TOO_LONG = "At most {limit} characters."
MAX_BODY = 20_000


@dataclass(frozen=True)
class LetterDetails:
    """What the person drafting says about the meeting (the rest comes from the case)."""

    meeting_when: str
    note_taker: str
    meeting_with: str = ""
    event: str = ""
    recipient_name: str = ""
    person_id: int | None = None
    contact_id: int | None = None


def letter_template_update(
    *, school: School, actor: User, subject: str, body: str
) -> LetterTemplate:
    """A leader replaces the school's letter wording."""
    check_leader(actor=actor, school=school)
    subject, body = subject.strip(), body.strip()
    if not subject:
        raise InvalidInput(REQUIRED.format(what="the subject"), field="subject")
    if not body:
        raise InvalidInput(REQUIRED.format(what="the letter"), field="body")
    if len(body) > MAX_BODY:
        raise InvalidInput(TEXT_TOO_LONG.format(limit=MAX_BODY), field="body")
    with transaction.atomic():
        template, _ = LetterTemplate.objects.update_or_create(
            school=school,
            defaults={
                "subject": subject[:200],
                "body": body,
                "updated_by": actor,
                "updated_at": timezone.now(),
            },
        )
        audit("letter_template_changed", actor=actor, school=school, target=template)
    return template


def _recipient(*, actor: User, school: School, details: LetterDetails) -> tuple[str, int | None]:
    """The parent or carer: a contact from the register when a leader matched the author,
    otherwise the name typed in."""
    if details.contact_id is None:
        name = details.recipient_name.strip()
        if not name:
            raise InvalidInput(REQUIRED.format(what="who the letter is to"), field="recipient_name")
        return name[:200], None
    if not user_has_role(user=actor, school=school, roles=ACTING_ROLES):
        raise Refused(MATCH_NEEDS_LEADER)
    if details.person_id is None:
        raise InvalidInput(REQUIRED.format(what="the pupil"), field="person_id")
    person = consent_selectors.person_get_for_user(user=actor, person_id=details.person_id)
    contact = (
        consent_selectors.contacts_for_person(person=person).filter(pk=details.contact_id).first()
    )
    if contact is None or person.school_id != school.pk:
        raise InvalidInput(NO_SUCH_CONTACT, field="contact_id")
    return contact.name, contact.pk


def parent_letter_draft(*, comment_id: int, actor: User, details: LetterDetails) -> ParentLetter:
    """Draft the letter from the school's template and the case.

    1. The actor may see the case (anyone who may; sending needs a leader).
    2. The recipient: a register contact matched by a leader, or a typed name.
    3. The meeting's time and a named note-taker are required (the guidance).
    4. The school's name, the platform, the comment's date and the event fill the rest.
    """
    comment = selectors.case_for(user=actor, comment_id=comment_id)
    school = comment.school
    recipient, contact_id = _recipient(actor=actor, school=school, details=details)
    if not details.meeting_when.strip():
        raise InvalidInput(REQUIRED.format(what="when the meeting is"), field="meeting_when")
    if not details.note_taker.strip():
        raise InvalidInput(REQUIRED.format(what="the colleague taking notes"), field="note_taker")
    posted = comment.platform_created_at or comment.created_at
    publication = comment.publication
    event = details.event.strip() or (
        "a post on the school's page" if publication is None else "the school's post"
    )
    contact_line = f" on {school.contact_phone}" if school.contact_phone else ""
    values = {
        "recipient_name": recipient,
        "school_name": school.name,
        "platform": PLATFORM_NAMES.get(comment.channel, comment.channel),
        "comment_date": timezone.localtime(posted).strftime("%-d %B %Y"),
        "event": event,
        "meeting_with": details.meeting_with.strip() or "a member of the leadership team",
        "meeting_when": details.meeting_when.strip(),
        "note_taker": details.note_taker.strip(),
        "signed_by": details.meeting_with.strip() or "The headteacher",
        "school_contact": contact_line,
    }
    subject, body = selectors.letter_template_for(school=school)
    with transaction.atomic():
        letter = ParentLetter.objects.create(
            school=school,
            comment_id=comment.pk,
            contact_id=contact_id,
            recipient_name=recipient,
            subject=fill(subject, values)[:200],
            body=fill(body, values),
            created_by=actor,
            updated_by=actor,
        )
        audit(
            "parent_letter_drafted",
            actor=actor,
            school=school,
            target=letter,
            comment=comment.pk,
            matched_contact=contact_id is not None,
        )
    return letter


def parent_letter_update(*, letter_id: int, actor: User, subject: str, body: str) -> ParentLetter:
    """Edit a draft before it is sent."""
    letter = selectors.letter_get_for_user(user=actor, letter_id=letter_id)
    if not body.strip():
        raise InvalidInput(REQUIRED.format(what="the letter"), field="body")
    if len(body) > MAX_BODY:
        raise InvalidInput(TEXT_TOO_LONG.format(limit=MAX_BODY), field="body")
    with transaction.atomic():
        changed = ParentLetter.objects.filter(
            pk=letter.pk, status=ParentLetter.Status.DRAFT
        ).update(
            subject=(subject.strip() or letter.subject)[:200],
            body=body.strip(),
            updated_by=actor,
            updated_at=timezone.now(),
        )
        if changed != 1:
            raise Conflict(ALREADY_SENT)
        letter.refresh_from_db()
        audit("parent_letter_edited", actor=actor, school=letter.school, target=letter)
    return letter


def parent_letter_send(*, letter_id: int, actor: User) -> ParentLetter:
    """A leader or the DSL sends the letter: it is fixed from then on and the case shows
    who sent it and when. Staff cannot send one."""
    letter = selectors.letter_get_for_user(user=actor, letter_id=letter_id)
    if not user_has_role(user=actor, school=letter.school, roles=ACTING_ROLES):
        raise Refused(LETTER_NEEDS_LEADER)
    now = timezone.now()
    with transaction.atomic():
        # Claimed with a conditional update: two leaders clicking at once send it once.
        changed = ParentLetter.objects.filter(
            pk=letter.pk, status=ParentLetter.Status.DRAFT
        ).update(status=ParentLetter.Status.SENT, sent_by=actor, sent_at=now)
        if changed != 1:
            raise Conflict(ALREADY_SENT)
        letter.refresh_from_db()
        audit(
            "parent_letter_sent",
            actor=actor,
            school=letter.school,
            target=letter,
            comment=letter.comment_id,
        )
    return letter


def parent_letter_pdf(*, letter_id: int, actor: User) -> tuple[ParentLetter, bytes]:
    """The letter as a PDF (to print or attach); each export is an audit event."""
    letter = selectors.letter_get_for_user(user=actor, letter_id=letter_id)
    audit("parent_letter_exported", actor=actor, school=letter.school, target=letter)
    return letter, letter_pdf(
        subject=letter.subject, body=letter.body, school_name=letter.school.name
    )
