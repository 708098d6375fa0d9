"""The comments part of the demo school: a few comments left on the demo website feed, each
screened through the real path (one ordinary, one spam, one naming a pupil in full, one
allegation that escalates), waiting in the dashboard. Idempotent: a comment already left
is not left again. Needs a published website entry from the publishers demo; without one
it does nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from publishers import selectors as publishers_selectors

from .models import ScreeningSettings
from .services import publication_poll

if TYPE_CHECKING:
    from backend.accounts.demo import Demo

COMMENTS = [
    ("A proud grandparent", "Lovely to see the harvest festival, thank you to all the staff!"),
    ("Prize Bot", "Follow my page for a free iPhone!!! www.win-free-phones.xyz"),
    ("A parent", "Well done Amara Okoye, what a star!"),
    ("Anonymous", "Mr Jones hit my son and the school did nothing about it"),
]


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
