import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.accounts.models import TWO_FACTOR_ROLES, Role, School, User
from backend.accounts.services import (
    membership_grant,
    membership_head_teacher_set,
    user_create,
)
from backend.common.actors import SYSTEM_SHELL
from backend.common.errors import DomainError


class Command(BaseCommand):
    help = (
        "Create a user (or add a role to an existing one): "
        "create_user EMAIL --school SLUG --role ROLE"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--school", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--name", default="")
        parser.add_argument("--password", help="default: a random one, printed once")
        parser.add_argument(
            "--head-teacher",
            action="store_true",
            help="with --role leader: the head teacher, who sees escalated comments (R13)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(slug=options["school"]).first()
        if school is None:
            raise CommandError(f"No school with slug {options['school']!r}.")
        email = options["email"].strip().lower()
        user = User.objects.filter(email=email).first()
        password = None
        try:
            if user is None:
                password = options["password"] or secrets.token_urlsafe(12)
                user = user_create(
                    email=email, password=password, full_name=options["name"], actor=SYSTEM_SHELL
                )
            membership = membership_grant(
                user=user, school=school, role=options["role"], actor=SYSTEM_SHELL
            )
            if options["head_teacher"]:
                membership_head_teacher_set(
                    membership=membership, is_head_teacher=True, actor=SYSTEM_SHELL
                )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        head = " (head teacher)" if options["head_teacher"] else ""
        self.stdout.write(f"{user.email} is {options['role']}{head} at {school.slug}.")
        if password and not options["password"]:
            self.stdout.write(f"Password (shown once): {password}")
        if options["role"] in TWO_FACTOR_ROLES:
            self.stdout.write(
                "This role needs two-factor sign-in: the user sets up an "
                "authenticator app at first sign-in."
            )
