"""Schools, the people who use the system, their roles, and enrolled school devices."""

import hashlib
import hmac
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


class Trust(models.Model):
    """A multi-academy trust: a group of schools run together."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    trust = models.ForeignKey(
        Trust, null=True, blank=True, on_delete=models.PROTECT, related_name="schools"
    )
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    # The school's own published contact details are allowed in posts (R5).
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_address = models.CharField(max_length=300, blank=True)
    contact_postcode = models.CharField(max_length=10, blank=True)
    # R19: face identification stays off until a DPIA and the DPO's sign-off are recorded.
    dpia_reference = models.CharField(max_length=100, blank=True)
    dpo_name = models.CharField(max_length=200, blank=True)
    dpia_signed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name

    @property
    def face_identification_enabled(self) -> bool:
        return bool(self.dpia_reference and self.dpo_name and self.dpia_signed_at)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Someone who signs in: logs in by email. `is_staff` means Django-admin access only."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)  # type: ignore[assignment,misc]
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    def __str__(self) -> str:
        return self.full_name or self.email


class Role(models.TextChoices):
    STAFF = "staff", "Staff"
    LEADER = "leader", "Leadership team"
    DSL = "dsl", "Designated safeguarding lead"
    CONSENT_ADMIN = "consent_admin", "Consent administrator"
    TRUST_ADMIN = "trust_admin", "Trust administrator"


# Roles that must sign in with a second factor: every role that sees biometric or
# safeguarding data (consent records, reference photos, flags, escalated comments).
TWO_FACTOR_ROLES = frozenset({Role.LEADER, Role.DSL, Role.CONSENT_ADMIN, Role.TRUST_ADMIN})


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    # R13: escalated comments are seen by the DSL and the head teacher only, not by every
    # leader. Set with `membership_head_teacher_set` (audited); only on a leader membership.
    is_head_teacher = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "school", "role"], name="uniq_membership_role"),
            models.CheckConstraint(
                condition=models.Q(is_head_teacher=False) | models.Q(role="leader"),
                name="head_teacher_is_a_leader",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.school}"


def hash_device_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Device(models.Model):
    """An enrolled school tablet (R7). Only the hash of its credential is kept."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="devices")
    name = models.CharField(max_length=100)
    token_prefix = models.CharField(max_length=16, unique=True)
    token_hash = models.CharField(max_length=64)
    enrolled_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.school})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def token_matches(self, token: str) -> bool:
        return hmac.compare_digest(self.token_hash, hash_device_token(token))
