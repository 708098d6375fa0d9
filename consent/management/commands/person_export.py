from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.common.actors import SYSTEM_SHELL
from backend.common.errors import DomainError
from consent.services import person_export

from ._common import person_by_mis_id, school_by_slug


class Command(BaseCommand):
    help = (
        "Subject access: write a ZIP of everything held about one person: "
        "person_export --school SLUG --person MIS_ID --out FILE.zip"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True)
        parser.add_argument("--person", required=True, help="The person's MIS id.")
        parser.add_argument("--out", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        school = school_by_slug(options["school"])
        person = person_by_mis_id(school, options["person"])
        try:
            data = person_export(person=person, actor=SYSTEM_SHELL)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        Path(options["out"]).write_bytes(data)
        self.stdout.write(f"Wrote {len(data)} bytes to {options['out']}.")
