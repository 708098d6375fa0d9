"""The letter inviting a parent or carer to a meeting about comments they posted online.

The packaged wording follows the guidance given to school leaders (NAHT's advice on
abuse of staff online and Kent's FAQ for leaders): say plainly that the tone concerns
the school, ask that concerns come to the school first, invite to an informal meeting
with a named colleague taking notes, say they may bring a family member or friend, and
that the matter is confidential. Schools replace it with their own (LetterTemplate).
Placeholders are ``{name}`` fields; unknown ones are left as written, never an error.
"""

from __future__ import annotations

import string
import textwrap
from collections.abc import Mapping
from typing import Any

from moderation.comments.pdf import WRAP, text_pdf

DEFAULT_SUBJECT = "Invitation to a meeting at {school_name}"
# One line per paragraph, so an editor or the PDF wraps it to its own width.
DEFAULT_BODY = "\n\n".join(
    [
        "Dear {recipient_name},",
        "We are writing about comments posted on {platform} on {comment_date}, about {event}.",
        "We value the views of every family and we want to hear your concerns. However, we are "
        "concerned about the tone of what was posted, and we ask that any concern about the "
        "school, its staff or its pupils is raised with us first, so that we can put things right.",
        "We would like to invite you to an informal meeting with {meeting_with} on "
        "{meeting_when}, to talk about this together. {note_taker} will also attend to take "
        "notes, so that there is an agreed record of what we discuss. You are welcome to bring a "
        "family member or a friend.",
        "This matter is confidential, and we ask that you treat it that way too.",
        "Please let us know whether the date suits you by replying to this letter or by "
        "contacting the school office{school_contact}.",
        "Yours sincerely,",
        "{signed_by}\n{school_name}",
    ]
)

PLACEHOLDERS = (
    "recipient_name",
    "school_name",
    "platform",
    "comment_date",
    "event",
    "meeting_with",
    "meeting_when",
    "note_taker",
    "signed_by",
    "school_contact",
)


def fill(template: str, values: Mapping[str, Any]) -> str:
    """``template`` with its placeholders filled; unknown ones and stray braces kept."""
    formatter = string.Formatter()
    out = []
    try:
        parsed = list(formatter.parse(template))
    except ValueError:  # an unmatched brace in a school's own wording: leave it be
        return template
    for literal, field, _spec, _conversion in parsed:
        out.append(literal)
        if field is not None:
            out.append(str(values[field]) if field in values else "{" + field + "}")
    return "".join(out)


def letter_pdf(*, subject: str, body: str, school_name: str) -> bytes:
    """The letter as a plain PDF (the project's text PDF; see moderation/comments/pdf.py)."""
    lines = [school_name, "", subject, ""]
    for paragraph in body.splitlines():
        lines += textwrap.wrap(paragraph, WRAP) or [""]
    return text_pdf(lines)
