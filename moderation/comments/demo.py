"""The comments part of the demo school: a few comments left on the demo website feed, each
screened through the real path (one ordinary, one spam, one naming a pupil in full, one
allegation that escalates, one grumble the semantic model holds), waiting in the dashboard.
The head teacher has reclassified the grumble as ordinary, so the dashboard shows a
moderator's correction and ``screening_refit --school demo`` has one to learn from.
Idempotent: a comment already left is not left again. Needs a published website entry from
the publishers demo; without one it does nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from publishers import selectors as publishers_selectors

from .corrections import comment_reclassify
from .models import Comment, ScreeningSettings
from .services import publication_poll

if TYPE_CHECKING:
    from backend.accounts.demo import Demo

COMMENTS = [
    ("A proud grandparent", "Lovely to see the harvest festival, thank you to all the staff!"),
    ("Prize Bot", "Follow my page for a free iPhone!!! www.win-free-phones.xyz"),
    ("A parent", "Well done Amara Okoye, what a star!"),
    ("Anonymous", "Mr Jones hit my son and the school did nothing about it"),
    ("A parent", "the head is useless"),
]
# Held by the semantic model alone; a moderator says it was an ordinary complaint.
CORRECTED_TEXT = "the head is useless"


def seed(demo: Demo) -> None:
    from publishers.services import website_comment_submit

    with transaction.atomic():
        ScreeningSettings.objects.get_or_create(
            school=demo.school, defaults={"allowed_words": ["Demoton"]}
        )
    entry = publishers_selectors.website_entry_first_live(school_id=demo.school.pk)
    if entry is None:
        return
    for author, text in COMMENTS:
        if not publishers_selectors.website_comment_exists(
            entry=entry, author_name=author, text=text
        ):
            website_comment_submit(entry=entry, author_name=author, text=text)
    publication_poll(publication_id=entry.publication_id)
    head = demo.users.get("head")
    held = Comment.objects.filter(school=demo.school, text=CORRECTED_TEXT).exclude(verdict="ok")
    if head is not None and (comment := held.first()) is not None:
        comment_reclassify(comment=comment, actor=head, labels=[])  # the same answer: no-op
