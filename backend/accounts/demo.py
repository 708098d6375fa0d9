"""The demo school that `make run` shows: one user per role, an enrolled tablet.

Each app adds its own part of the demo in `<app>/demo.py: seed(demo)`, called in order by
the seed_demo command, so the demo grows with every capability. Everything is idempotent.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from backend.common.actors import SYSTEM_DEMO

from .models import TWO_FACTOR_ROLES, Device, Role, School, User
from .services import (
    device_enrol,
    membership_grant,
    membership_head_teacher_set,
    school_create,
    user_create,
)

DEMO_DOMAIN = "demo.invalid"
DEMO_PASSWORD = "demo-school-2026"
DEMO_USERS = [
    # (email local part, full name, roles)
    ("teacher", "Ms Tara Teacher", [Role.STAFF]),
    ("teacher2", "Mr Owen Okafor", [Role.STAFF]),
    ("head", "Mrs Helen Head", [Role.LEADER, Role.STAFF]),
    ("deputy", "Mr Dev Deputy", [Role.LEADER, Role.STAFF]),
    ("dsl", "Ms Dana Safeguarding", [Role.DSL, Role.STAFF]),
    ("data", "Mr Dan Data", [Role.CONSENT_ADMIN]),
    ("it", "Ms Ivy Tech", [Role.TRUST_ADMIN]),
]
DEMO_HEAD_TEACHER = "head"


@dataclass
class Demo:
    school: School
    users: dict[str, User] = field(default_factory=dict)
    device: Device | None = None
    device_token: str = ""


def _token_file() -> Path:
    return Path(settings.VAR_DIR) / "demo-device-token.txt"


def seed_accounts() -> Demo:
    school = School.objects.filter(slug="demo").first() or school_create(
        slug="demo", name="Demo Primary School", actor=SYSTEM_DEMO
    )
    School.objects.filter(pk=school.pk).update(
        contact_email="office@demo-primary.sch.uk",
        contact_phone="01632 960000",
        contact_address="1 School Lane, Demoton",
        contact_postcode="DE1 1AA",
    )
    school.refresh_from_db()
    demo = Demo(school=school)
    for local, name, roles in DEMO_USERS:
        email = f"{local}@{DEMO_DOMAIN}"
        user = User.objects.filter(email=email).first() or user_create(
            email=email, password=DEMO_PASSWORD, full_name=name, actor=SYSTEM_DEMO
        )
        for role in roles:
            membership = membership_grant(user=user, school=school, role=role, actor=SYSTEM_DEMO)
            if local == DEMO_HEAD_TEACHER and role == Role.LEADER:
                # R13: the head (not the deputy) sees escalated comments with the DSL.
                membership_head_teacher_set(
                    membership=membership, is_head_teacher=True, actor=SYSTEM_DEMO
                )
        if (
            any(r in TWO_FACTOR_ROLES for r in roles)
            and not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        ):
            TOTPDevice.objects.create(user=user, name="demo authenticator", confirmed=True)
        demo.users[local] = user
    token_file = _token_file()
    demo.device = Device.objects.filter(
        school=school, name="Demo class iPad", revoked_at__isnull=True
    ).first()
    if demo.device is None or not token_file.exists():
        demo.device, demo.device_token = device_enrol(
            school=school, name="Demo class iPad", actor=SYSTEM_DEMO
        )
        token_file.parent.mkdir(parents=True, exist_ok=True)
        token_file.write_text(demo.device_token)
    else:
        demo.device_token = token_file.read_text().strip()
    return demo
