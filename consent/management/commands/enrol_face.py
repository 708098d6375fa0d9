from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.common.actors import SYSTEM_SHELL
from backend.common.errors import DomainError
from consent.services import face_enrolment_create

from ._common import person_by_mis_id, school_by_slug


class Command(BaseCommand):
    help = (
        "Enrol reference photos of one person for face identification, with the same rules "
        "as the API (DPIA recorded, effective biometric consent, one face per photo): "
        "enrol_face --school SLUG --person MIS_ID PHOTO [PHOTO...]"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("photos", nargs="+")
        parser.add_argument("--school", required=True)
        parser.add_argument("--person", required=True, help="The person's MIS id.")

    def handle(self, *args: Any, **options: Any) -> None:
        school = school_by_slug(options["school"])
        person = person_by_mis_id(school, options["person"])
        photos = []
        for name in options["photos"]:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"No such file: {path}")
            photos.append(path.read_bytes())
        try:
            enrolments = face_enrolment_create(person=person, photos=photos, actor=SYSTEM_SHELL)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Enrolled {len(enrolments)} reference photo(s) for person #{person.pk} "
            f"({options['person']})."
        )
