from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.accounts.models import School
from backend.accounts.services import device_enrol
from backend.common.actors import SYSTEM_SHELL
from backend.common.errors import DomainError


class Command(BaseCommand):
    help = 'Enrol a school tablet and print its credential once: enrol_device --school SLUG "NAME"'

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--school", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(slug=options["school"]).first()
        if school is None:
            raise CommandError(f"No school with slug {options['school']!r}.")
        try:
            device, credential = device_enrol(
                school=school, name=options["name"], actor=SYSTEM_SHELL
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Enrolled {device.name} for {school.slug}.")
        self.stdout.write("Device credential (shown once; send it as the X-Device-Token header):")
        self.stdout.write(credential)
