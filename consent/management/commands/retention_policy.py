"""Show or set a school's retention policy (R15), as the operator at the server's shell.

python manage.py retention_policy --school oakfield
python manage.py retention_policy --school oakfield --evidence-days 2555
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.common.actors import SYSTEM_SHELL
from backend.common.errors import InvalidInput
from consent.retention import retention_policy_set
from consent.selectors import retention_terms_for

from ._common import school_by_slug


class Command(BaseCommand):
    help = "Show or set a school's retention policy (face enrolments of leavers, evidence)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="the school's slug")
        parser.add_argument("--leaver-encodings-days", type=int, default=None)
        parser.add_argument("--evidence-days", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        school = school_by_slug(options["school"])
        leaver, evidence = options["leaver_encodings_days"], options["evidence_days"]
        if leaver is not None or evidence is not None:
            try:
                retention_policy_set(
                    school=school,
                    actor=SYSTEM_SHELL,
                    leaver_encodings_days=leaver,
                    evidence_days=evidence,
                )
            except InvalidInput as exc:
                raise CommandError(str(exc)) from exc
        terms = retention_terms_for(school=school)
        self.stdout.write(
            f"{school.slug}: face enrolments of leavers kept {terms.leaver_encodings_days} days"
            f" after leaving; comment evidence kept {terms.evidence_days} days after capture."
        )
