"""The letter inviting a parent to a meeting: filled from the case, editable, a PDF, sent
only by a leader or the DSL, kept on the case."""

from __future__ import annotations

import pytest

from backend.accounts.models import User
from backend.audit.models import AuditEvent
from backend.common.errors import Conflict, InvalidInput, Refused
from moderation.comments.models import Comment
from procedures import selectors, services
from procedures.models import ParentLetter
from tests.consent.factories import ContactFactory, PersonFactory

MEETING = services.LetterDetails(
    meeting_when="Tuesday 9 June at 3.30pm",
    note_taker="Mrs Patel, school business manager",
    meeting_with="Mr Hughes, headteacher",
    event="our sports day post",
)


def details(**changes: object) -> services.LetterDetails:
    return services.LetterDetails(**{**MEETING.__dict__, **changes})  # type: ignore[arg-type]


def test_it_fills_the_letter_from_the_case_and_the_matched_register_contact(
    threat: Comment, safeguarding_lead: User
) -> None:
    pupil = PersonFactory(school=threat.school, legal_first_name="Ava", last_name="Brown")
    mother = ContactFactory(person=pupil, name="Jane Brown")

    letter = services.parent_letter_draft(
        comment_id=threat.pk,
        actor=safeguarding_lead,
        details=details(person_id=pupil.pk, contact_id=mother.pk),
    )

    assert letter.recipient_name == "Jane Brown" and letter.contact_id == mother.pk
    assert letter.subject == "Invitation to a meeting at Oakfield Primary"
    body = " ".join(letter.body.split())
    assert body.startswith("Dear Jane Brown,")
    assert "comments posted on Facebook on" in body and "about our sports day post" in body
    assert "concerned about the tone" in body
    assert "raised with us first" in body
    assert "informal meeting with Mr Hughes, headteacher on Tuesday 9 June at 3.30pm" in body
    assert "Mrs Patel, school business manager will also attend to take notes" in body
    assert "bring a family member or a friend" in body
    assert "confidential" in body
    assert letter.status == ParentLetter.Status.DRAFT


def test_it_refuses_a_contact_of_another_pupil(threat: Comment, safeguarding_lead: User) -> None:
    pupil = PersonFactory(school=threat.school)
    stranger = ContactFactory()

    with pytest.raises(InvalidInput) as refused:
        services.parent_letter_draft(
            comment_id=threat.pk,
            actor=safeguarding_lead,
            details=details(person_id=pupil.pk, contact_id=stranger.pk),
        )
    assert refused.value.field == "contact_id"


def test_it_needs_a_named_note_taker(threat: Comment, safeguarding_lead: User) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.parent_letter_draft(
            comment_id=threat.pk,
            actor=safeguarding_lead,
            details=details(recipient_name="Mr Smith", note_taker=" "),
        )
    assert refused.value.field == "note_taker"
    assert not ParentLetter.objects.exists()


def test_it_cannot_be_sent_by_staff_without_a_leader(
    friendly: Comment, teacher: User, head_teacher: User
) -> None:
    letter = services.parent_letter_draft(
        comment_id=friendly.pk, actor=teacher, details=details(recipient_name="Mr Smith")
    )

    with pytest.raises(Refused, match="sent by a leader or the safeguarding lead"):
        services.parent_letter_send(letter_id=letter.pk, actor=teacher)
    letter.refresh_from_db()
    assert letter.status == ParentLetter.Status.DRAFT and letter.sent_by is None

    sent = services.parent_letter_send(letter_id=letter.pk, actor=head_teacher)
    assert sent.status == ParentLetter.Status.SENT
    assert sent.sent_by == head_teacher and sent.sent_at is not None
    assert AuditEvent.objects.filter(action="procedures.parent_letter_sent").count() == 1


def test_it_keeps_the_edited_letter_on_the_case_and_fixes_it_once_sent(
    threat: Comment, safeguarding_lead: User
) -> None:
    letter = services.parent_letter_draft(
        comment_id=threat.pk, actor=safeguarding_lead, details=details(recipient_name="Mr Smith")
    )
    services.parent_letter_update(
        letter_id=letter.pk, actor=safeguarding_lead, subject="", body="Dear Mr Smith, please come."
    )
    services.parent_letter_send(letter_id=letter.pk, actor=safeguarding_lead)

    kept = list(selectors.letters_for_case(comment_id=threat.pk))
    assert [(k.body, k.sent_by) for k in kept] == [
        ("Dear Mr Smith, please come.", safeguarding_lead)
    ]
    with pytest.raises(Conflict):
        services.parent_letter_update(
            letter_id=letter.pk, actor=safeguarding_lead, subject="", body="Changed after sending"
        )


def test_it_exports_the_letter_as_a_pdf(threat: Comment, safeguarding_lead: User) -> None:
    letter = services.parent_letter_draft(
        comment_id=threat.pk, actor=safeguarding_lead, details=details(recipient_name="Mr Smith")
    )

    _, pdf = services.parent_letter_pdf(letter_id=letter.pk, actor=safeguarding_lead)

    assert pdf.startswith(b"%PDF-1.4") and b"Dear Mr Smith," in pdf


def test_it_uses_the_schools_own_template(
    threat: Comment, safeguarding_lead: User, head_teacher: User
) -> None:
    services.letter_template_update(
        school=threat.school,
        actor=head_teacher,
        subject="Meeting at {school_name}",
        body="Dear {recipient_name}, come and see {meeting_with}. {unknown} stays.",
    )

    letter = services.parent_letter_draft(
        comment_id=threat.pk, actor=safeguarding_lead, details=details(recipient_name="Mr Smith")
    )

    assert letter.subject == "Meeting at Oakfield Primary"
    assert letter.body == "Dear Mr Smith, come and see Mr Hughes, headteacher. {unknown} stays."


def test_it_lets_only_leaders_edit_the_template(threat: Comment, safeguarding_lead: User) -> None:
    with pytest.raises(Refused):
        services.letter_template_update(
            school=threat.school, actor=safeguarding_lead, subject="S", body="B"
        )
