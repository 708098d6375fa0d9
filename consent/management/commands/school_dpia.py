from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from backend.common.actors import SYSTEM_SHELL
from consent.services import school_dpia_clear, school_dpia_record

from ._common import school_by_slug


class Command(BaseCommand):
    help = (
        "Record a school's DPIA and the DPO's sign-off, which turns face identification on "
        '(R19): school_dpia --school SLUG --reference REF --dpo "NAME". --clear turns it off.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True)
        parser.add_argument("--reference", default="")
        parser.add_argument("--dpo", default="")
        parser.add_argument("--clear", action="store_true", help="Turn face identification off.")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.core.management.base import CommandError

        from backend.common.errors import DomainError

        school = school_by_slug(options["school"])
        try:
            if options["clear"]:
                school_dpia_clear(school=school, actor=SYSTEM_SHELL)
                self.stdout.write(f"Face identification is now OFF for {school.slug}.")
                return
            school = school_dpia_record(
                school=school,
                reference=options["reference"],
                dpo_name=options["dpo"],
                actor=SYSTEM_SHELL,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"DPIA {school.dpia_reference} signed off by {school.dpo_name}: face identification "
            f"is now ON for {school.slug}."
        )
