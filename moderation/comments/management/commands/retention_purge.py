"""Run the R15 retention purges now, or report what they would delete.

    python manage.py retention_purge --dry-run   # print what would be deleted, delete nothing
    python manage.py retention_purge             # what the nightly tasks do

Covers what follows each school's retention policy (consent.RetentionPolicy: face
enrolments of leavers, comment evidence) and old comments (COMMENTS_RETENTION_DAYS). It
lives here because comments may read consent, never the other way round.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from backend.common.actors import SYSTEM_SHELL
from consent.retention import leaver_encodings_purge
from consent.selectors import RetentionItem
from moderation.comments import services


class Command(BaseCommand):
    help = "Delete what the retention policy says is due (R15); --dry-run only reports it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would be deleted; delete nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run: bool = options["dry_run"]
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(
            "Retention purge, dry run: nothing is deleted." if dry_run else "Retention purge."
        )
        leavers = leaver_encodings_purge(actor=SYSTEM_SHELL, dry_run=dry_run)
        self._section(f"Face enrolments of leavers ({verb})", leavers)
        evidence = services.comment_evidence_retention_purge(actor=SYSTEM_SHELL, dry_run=dry_run)
        self._section(f"Comment evidence ({verb})", evidence)
        if dry_run:
            comments = services.comments_retention_due()
            self._section(f"Comments ({verb})", comments)
            if evidence:
                self.stdout.write(
                    "  (comments whose evidence goes in this run follow on the next run)"
                )
        else:
            count = services.comments_retention_purge()
            self.stdout.write(f"Comments ({verb}): {count}")

    def _section(self, title: str, items: list[RetentionItem]) -> None:
        self.stdout.write(f"{title}: {len(items)}")
        for item in items:
            self.stdout.write(f"  {item.line()}")
