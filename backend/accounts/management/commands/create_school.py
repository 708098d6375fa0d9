from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.accounts.models import Trust
from backend.accounts.services import school_create
from backend.common.actors import SYSTEM_SHELL
from backend.common.errors import DomainError


class Command(BaseCommand):
    help = 'Create a school: create_school SLUG "NAME" [--trust TRUST_SLUG]'

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("name")
        parser.add_argument("--trust", help="slug of the trust (created if new)")

    def handle(self, *args: Any, **options: Any) -> None:
        trust = None
        if options["trust"]:
            trust, _ = Trust.objects.get_or_create(
                slug=options["trust"], defaults={"name": options["trust"]}
            )
        try:
            school = school_create(
                slug=options["slug"], name=options["name"], trust=trust, actor=SYSTEM_SHELL
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Created school {school.slug} ({school.name}), id {school.pk}.")
