"""Operations on schools, users, memberships and devices. Checks first, then changes."""

import secrets

from axes.utils import reset as axes_reset
from django.contrib.auth import authenticate, login, logout
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from backend.audit.services import audit_record
from backend.common.actors import OPERATOR, Actor, SystemActor, actor_user, require_role
from backend.common.client_address import client_address
from backend.common.errors import Conflict, InvalidInput, Refused

from .models import Device, Membership, Role, School, Trust, User, hash_device_token
from .selectors import user_needs_two_factor

DEVICE_UNKNOWN = "This device is not enrolled for the school. Ask your trust administrator."
DEVICE_REVOKED = "This device's enrolment was revoked. Ask your trust administrator."
DEVICE_MISSING = "Posts can only be made from an enrolled school device (X-Device-Token missing)."
NOT_TRUST_ADMIN = "Only a trust administrator of this school can do this."
BAD_LOGIN = "Email or password is not right."
OTP_REQUIRED = "Your role needs a one-time code from your authenticator app."
OTP_WRONG = "The one-time code is not right or has expired."
SCHOOL_EXISTS = "A school with this slug already exists."
NOT_OPERATOR = "Only the system's operator can do this."
NOT_MEMBERSHIP_GRANTER = "Only a trust administrator of this school can give people roles here."
HEAD_TEACHER_NOT_LEADER = "Only a member of the leadership team can be the head teacher."
TOTP_ALREADY_SET_UP = "Two-factor sign-in is already set up for you."

DEVICE_TOKEN_PREFIX = "dev_"
LAST_SEEN_RESOLUTION_SECONDS = 60


def _check_operator(*, actor: Actor, message: str = NOT_OPERATOR) -> None:
    """The operator: a management command or the demo seeder, or a Django superuser."""
    if isinstance(actor, SystemActor):
        if actor not in OPERATOR:
            raise Refused(message)
    elif not actor.is_superuser:
        raise Refused(message)


def _check_trust_admin_or_operator(*, actor: Actor, school: School | int, message: str) -> None:
    """A trust administrator of the school, or the operator (shell, demo, superuser)."""
    if isinstance(actor, SystemActor) or actor.is_superuser:
        _check_operator(actor=actor, message=message)
    else:
        require_role(actor=actor, school=school, roles=[Role.TRUST_ADMIN], message=message)


def school_create(*, slug: str, name: str, trust: Trust | None = None, actor: Actor) -> School:
    _check_operator(actor=actor)
    if School.objects.filter(slug=slug).exists():
        raise Conflict(SCHOOL_EXISTS, field="slug")
    with transaction.atomic():
        school = School.objects.create(slug=slug, name=name, trust=trust)
        audit_record(
            action="school.created", actor=actor, school=school, target=school, data={"slug": slug}
        )
    return school


# The school's own details: R5 allows exactly these in a post, so changing them is audited.
SCHOOL_DETAIL_FIELDS = (
    "name",
    "contact_email",
    "contact_phone",
    "contact_address",
    "contact_postcode",
)


def school_details_update(*, school: School, changes: dict[str, str], actor: Actor) -> School:
    """Change a school's name or its own contact details (the ones R5 lets a post contain).

    A trust administrator of the school, or the operator. Unknown fields are refused by
    name; the audit event records each change before and after."""
    _check_trust_admin_or_operator(actor=actor, school=school, message=NOT_TRUST_ADMIN)
    for field in changes:
        if field not in SCHOOL_DETAIL_FIELDS:
            raise InvalidInput(f"{field!r} cannot be changed here.", field=field)
    if "name" in changes and not str(changes["name"]).strip():
        raise InvalidInput("A school needs a name.", field="name")
    with transaction.atomic():
        current = School.objects.select_for_update(of=("self",)).get(pk=school.pk)
        diff = {
            f: {"before": getattr(current, f), "after": str(v).strip()}
            for f, v in changes.items()
            if getattr(current, f) != str(v).strip()
        }
        if diff:
            for f, change in diff.items():
                setattr(current, f, change["after"])
            current.save(update_fields=list(diff))
            audit_record(
                action="school.details_changed",
                actor=actor,
                school=current,
                target=current,
                data={"changes": diff},
            )
    return current


def user_create(*, email: str, password: str | None, full_name: str = "", actor: Actor) -> User:
    _check_operator(actor=actor)
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise Conflict("A user with this email already exists.", field="email")
    with transaction.atomic():
        user = User.objects.create_user(email=email, password=password, full_name=full_name)
        audit_record(action="user.created", actor=actor, target=user)
    return user


def membership_grant(*, user: User, school: School, role: str, actor: Actor) -> Membership:
    _check_trust_admin_or_operator(actor=actor, school=school, message=NOT_MEMBERSHIP_GRANTER)
    if role not in Role.values:
        raise InvalidInput(
            f"Unknown role {role!r}; choose one of {', '.join(Role.values)}.", field="role"
        )
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(user=user, school=school, role=role)
        if created:
            audit_record(
                action="membership.granted",
                actor=actor,
                school=school,
                target=user,
                data={"role": role},
            )
    return membership


def membership_head_teacher_set(
    *, membership: Membership, is_head_teacher: bool, actor: Actor
) -> Membership:
    """Mark (or unmark) a leader membership as the school's head teacher (R13: the head
    teacher and the DSL are the only ones who see escalated comments).

    A trust administrator of that school, or the operator (`create_user --head-teacher`,
    the demo seeder, a Django superuser in the admin), as for `membership_grant`. Only a
    leader can be head teacher.
    """
    _check_trust_admin_or_operator(
        actor=actor, school=membership.school_id, message=NOT_TRUST_ADMIN
    )
    if is_head_teacher and membership.role != Role.LEADER:
        raise InvalidInput(HEAD_TEACHER_NOT_LEADER, field="is_head_teacher")
    with transaction.atomic():
        changed = (
            Membership.objects.filter(pk=membership.pk)
            .exclude(is_head_teacher=is_head_teacher)
            .update(is_head_teacher=is_head_teacher)
        )
        if changed:
            audit_record(
                action="membership.head_teacher_set"
                if is_head_teacher
                else "membership.head_teacher_cleared",
                actor=actor,
                school=School(pk=membership.school_id),
                target=membership.user,
                data={"membership": membership.pk, "is_head_teacher": is_head_teacher},
            )
    membership.refresh_from_db()
    return membership


def totp_device_create(*, user: User, confirmed: bool = False) -> TOTPDevice:
    """A new authenticator secret for the user (replacing any unconfirmed one).

    Audited (issue 16) without the secret: the event says a set-up began, not its key."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise Conflict(TOTP_ALREADY_SET_UP)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=confirmed)
        audit_record(action="user.two_factor_setup_started", actor=user, target=user, data={})
    return device


def totp_device_confirm(*, request: HttpRequest, user: User, token: str) -> None:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(token):
        raise InvalidInput(OTP_WRONG, field="otp_token")
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(action="user.two_factor_enabled", actor=user, target=user)
    otp_login(request, device)
    user.otp_device = device  # type: ignore[attr-defined]


def user_login(*, request: HttpRequest, email: str, password: str, otp_token: str | None) -> User:
    """Password first (Axes counts failures and locks out), then TOTP for roles that need it.

    A user whose role needs 2FA but who has no authenticator yet is signed in unverified:
    the API then lets them do nothing but set one up.
    """
    user = authenticate(request, email=email.strip().lower(), password=password)
    if user is None:
        raise Refused(BAD_LOGIN, field="password", code="bad_login")
    assert isinstance(user, User)
    if user_needs_two_factor(user=user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            if not otp_token:
                raise InvalidInput(OTP_REQUIRED, field="otp_token", code="otp_required")
            if not device.verify_token(otp_token):
                # The password was right, so Axes saw no failure: this one is recorded here.
                sign_in_failure_record(request=request, email=user.email)
                raise Refused(OTP_WRONG, field="otp_token", code="otp_wrong")
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, device)
            user.otp_device = device  # type: ignore[attr-defined]
            audit_record(action="user.login", actor=user, data={"two_factor": True})
            return user
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    audit_record(action="user.login", actor=user, data={"two_factor": False})
    return user


def user_logout(*, request: HttpRequest, actor: User) -> None:
    """Sign out, audited (issue 16) before the session ends so the event names the user."""
    audit_record(action="user.logout", actor=actor, target=actor)
    logout(request)


def sign_in_failure_record(*, request: HttpRequest | None, email: str) -> None:
    """A failed sign-in (wrong password, unknown email, locked out, wrong one-time code), as
    an audit event with the email tried and the client address; never the password.

    Called for Django's ``user_login_failed`` signal, so the admin's sign-in counts too."""
    email = email.strip().lower()[:254]
    user = User.objects.filter(email=email).first() if email else None
    audit_record(
        action="user.login_failed",
        actor=None,
        target=user,
        data={
            "email": email,
            "address": client_address(request) if request is not None else "",
            "locked_out": bool(getattr(request, "axes_locked_out", False)),
        },
    )


def membership_sign_in_unlock(*, membership: Membership, actor: Actor) -> int:
    """Lift a sign-in lock-out early for a member of the school (every address it was locked
    from); return how many lock-out records were cleared.

    A trust administrator of that school, or the operator."""
    _check_trust_admin_or_operator(
        actor=actor, school=membership.school_id, message=NOT_TRUST_ADMIN
    )
    user = membership.user
    with transaction.atomic():
        cleared = axes_reset(username=user.email)
        audit_record(
            action="user.sign_in_unlocked",
            actor=actor,
            school=School(pk=membership.school_id),
            target=user,
            data={"membership": membership.pk, "cleared": cleared},
        )
    return cleared


def device_enrol(*, school: School, name: str, actor: Actor) -> tuple[Device, str]:
    """Enrol a tablet; return it with its credential, which is shown this once only.

    A trust administrator, or the operator at the server's shell (`enrol_device`, demo).
    """
    require_role(
        actor=actor,
        school=school,
        roles=[Role.TRUST_ADMIN],
        message=NOT_TRUST_ADMIN,
        system=OPERATOR,
    )
    if not name.strip():
        raise InvalidInput("Give the device a name, e.g. 'Year 3 iPad'.", field="name")
    prefix = secrets.token_hex(6)
    token = f"{DEVICE_TOKEN_PREFIX}{prefix}.{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        device = Device.objects.create(
            school=school,
            name=name.strip(),
            token_prefix=prefix,
            token_hash=hash_device_token(token),
            enrolled_by=actor_user(actor),
        )
        audit_record(
            action="device.enrolled",
            actor=actor,
            school=school,
            target=device,
            data={"name": device.name},
        )
    return device, token


def device_revoke(*, device: Device, actor: Actor) -> Device:
    require_role(
        actor=actor,
        school=device.school,
        roles=[Role.TRUST_ADMIN],
        message=NOT_TRUST_ADMIN,
        system=OPERATOR,
    )
    with transaction.atomic():
        updated = Device.objects.filter(pk=device.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if updated:
            audit_record(action="device.revoked", actor=actor, school=device.school, target=device)
    device.refresh_from_db()
    return device


def device_authenticate(*, token: str | None) -> Device:
    """The active device this credential belongs to, or Refused. Records last-seen."""
    if not token:
        raise Refused(DEVICE_MISSING, code="device_required")
    if not token.startswith(DEVICE_TOKEN_PREFIX) or "." not in token:
        raise Refused(DEVICE_UNKNOWN, code="device_unknown")
    prefix = token[len(DEVICE_TOKEN_PREFIX) :].split(".", 1)[0]
    device = Device.objects.select_related("school").filter(token_prefix=prefix).first()
    if device is None or not device.token_matches(token):
        raise Refused(DEVICE_UNKNOWN, code="device_unknown")
    if not device.is_active:
        raise Refused(DEVICE_REVOKED, code="device_revoked")
    now = timezone.now()
    if device.last_seen_at is None or (
        (now - device.last_seen_at).total_seconds() > LAST_SEEN_RESOLUTION_SECONDS
    ):
        Device.objects.filter(pk=device.pk).update(last_seen_at=now)
        device.last_seen_at = now
    return device
