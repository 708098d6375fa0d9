"""Refit a school's comment screening from its moderators' corrections (issue 15).

    python manage.py screening_refit --school oakfield     # one school
    python manage.py screening_refit --all                 # every school with new corrections

Prints one JSON object per school: corrections used, harmful and ordinary comments held on
the held-out sets before and after, and whether the refit was installed. A refit that scores
worse is refused and changes nothing.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.accounts.models import School
from backend.common.actors import SYSTEM_SHELL
from moderation.comments import corrections


class Command(BaseCommand):
    help = "Refit a school's screening thresholds from its moderators' corrections."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--school", help="the school's slug")
        which.add_argument("--all", action="store_true", help="every school with new corrections")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["all"]:
            schools = list(School.objects.filter(pk__in=corrections.schools_with_new_corrections()))
        else:
            school = School.objects.filter(slug=options["school"]).first()
            if school is None:
                raise CommandError(f"No school with slug {options['school']!r}.")
            schools = [school]
        for school in schools:
            outcome = corrections.school_screening_refit(school=school, actor=SYSTEM_SHELL)
            row = {"school": school.slug, "installed": outcome.installed,
                   "corrections": outcome.corrections, "before": outcome.before,
                   "after": outcome.after, "thresholds": outcome.thresholds}  # fmt: skip
            self.stdout.write(json.dumps(row))
