import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.common.actors import SYSTEM_SHELL
from backend.common.errors import DomainError
from consent.models import ImportRun
from consent.services import people_import_from_csv

from ._common import school_by_slug


class Command(BaseCommand):
    help = (
        "Import the roll from an MIS CSV export (format: docs/consent.md): "
        "import_people --school SLUG FILE.csv [--full-roll]. Bad rows are reported by line "
        "and skipped whole; re-importing the same file changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--school", required=True)
        parser.add_argument(
            "--full-roll",
            action="store_true",
            help="The file is the whole roll: people of its kinds missing from it have left.",
        )
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        school = school_by_slug(options["school"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            run = people_import_from_csv(
                school=school,
                file=path.read_bytes(),
                filename=path.name,
                full_roll=options["full_roll"],
                actor=SYSTEM_SHELL,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "id": run.pk,
                        "status": run.status,
                        "rows": run.rows,
                        "created": run.created,
                        "updated": run.updated,
                        "unchanged": run.unchanged,
                        "left": run.left,
                        "consent_records": run.consent_records,
                        "errors": run.errors,
                        "duration_ms": run.duration_ms,
                    },
                    indent=2,
                )
            )
        else:
            self.stdout.write(
                f"Import #{run.pk} {run.status}: {run.rows} rows, {run.created} created, "
                f"{run.updated} updated, {run.unchanged} unchanged, {run.left} left, "
                f"{run.consent_records} consent records, {run.error_count} bad rows "
                f"({run.duration_ms} ms)."
            )
            for error in run.errors:
                mis = f" ({error['mis_id']})" if error.get("mis_id") else ""
                self.stdout.write(f"  line {error['line']}{mis}: {'; '.join(error['errors'])}")
        if run.status == ImportRun.Status.REJECTED:
            raise CommandError("The file was rejected; nothing was imported.")
