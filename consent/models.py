"""The people register and consent: people, their contacts, safeguarding flags, an
append-only history of consent decisions, evidence, and biometric enrolments.

The current state of anyone's consent is never stored: it is derived from the history by
`consent.derivation` (R17, R18), so there is one set of rules and every answer can point
at the record it rests on.
"""

from __future__ import annotations

import datetime
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from backend.accounts.models import School
from backend.common.channels import ChannelKind

#: Where a post can be published: the one channel enum, shared with moderation and publishers.
Channel = ChannelKind


class Purpose(models.TextChoices):
    """What a consent decision is about. Photo consent is per channel (R1)."""

    PHOTO_WEBSITE = "photo_website", "Photo on the school website"
    PHOTO_X = "photo_x", "Photo on X"
    PHOTO_FACEBOOK = "photo_facebook", "Photo on Facebook"
    PHOTO_INSTAGRAM = "photo_instagram", "Photo on Instagram"
    PHOTO_PRESS = "photo_press", "Photo in the press or print"
    NAME_WITH_PHOTO = "name_with_photo", "Full name published with a photo"
    FIRST_NAME_ONLY = "first_name_only", "First name only"
    BIOMETRIC = "biometric", "Biometric face matching"


PHOTO_PURPOSE_BY_CHANNEL: dict[str, str] = {
    Channel.WEBSITE: Purpose.PHOTO_WEBSITE,
    Channel.X: Purpose.PHOTO_X,
    Channel.FACEBOOK: Purpose.PHOTO_FACEBOOK,
    Channel.INSTAGRAM: Purpose.PHOTO_INSTAGRAM,
}
SOCIAL_PHOTO_PURPOSES = (Purpose.PHOTO_X, Purpose.PHOTO_FACEBOOK, Purpose.PHOTO_INSTAGRAM)
PHOTO_PURPOSES = frozenset(
    {*PHOTO_PURPOSE_BY_CHANNEL.values(), Purpose.PHOTO_PRESS, Purpose.NAME_WITH_PHOTO}
)
NAME_PURPOSES = frozenset({Purpose.NAME_WITH_PHOTO, Purpose.FIRST_NAME_ONLY})


class PersonKind(models.TextChoices):
    PUPIL = "pupil", "Pupil"
    STAFF = "staff", "Staff"
    ADULT = "adult", "Other adult"


class Person(models.Model):
    """Someone on the school's register: a pupil, a member of staff or another adult.

    Erasure never deletes the row (other apps point at it and the audit trail names it by
    id): it strips every personal field and sets `erased_at`. An erased person has no
    consent for anything.
    """

    Kind = PersonKind

    school = models.ForeignKey("accounts.School", on_delete=models.CASCADE, related_name="people")
    kind = models.CharField(max_length=10, choices=PersonKind.choices, default=PersonKind.PUPIL)
    # UPN, admission number or staff code as the MIS exports it. Blank only once erased or
    # for people added by hand without one.
    mis_id = models.CharField(max_length=50, blank=True)
    legal_first_name = models.CharField(max_length=100)
    preferred_first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    year_group = models.CharField(max_length=30, blank=True)
    registration_group = models.CharField(max_length=30, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    on_roll = models.BooleanField(default=True)
    left_on = models.DateField(null=True, blank=True)
    # Grants recorded before this moment no longer count (set on leaving, so that a pupil
    # who leaves and comes back starts again with no consent: leaving ends it).
    consent_void_before = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["last_name", "legal_first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "mis_id"],
                condition=~Q(mis_id=""),
                name="consent_person_uniq_mis_id",
            )
        ]
        indexes = [models.Index(fields=["school", "on_roll"])]

    def __str__(self) -> str:
        if self.erased_at:
            return f"Erased person #{self.pk}"
        return f"{self.display_first_name} {self.last_name}"

    @property
    def display_first_name(self) -> str:
        return self.preferred_first_name or self.legal_first_name

    @property
    def first_names(self) -> tuple[str, ...]:
        """Legal and preferred first names, without repeats (names check, R4)."""
        names: list[str] = []
        for name in (self.legal_first_name, self.preferred_first_name):
            name = name.strip()
            if name and name.casefold() not in {n.casefold() for n in names}:
                names.append(name)
        return tuple(names)

    def age_on(self, day: datetime.date) -> int | None:
        dob = self.date_of_birth
        if dob is None:
            return None
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class Contact(models.Model):
    """A parent, carer or other contact of a pupil. Only one with parental responsibility
    and no court order restricting them can give or withdraw consent (R18)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=50, blank=True)
    has_parental_responsibility = models.BooleanField(default=False)
    court_order = models.BooleanField(
        default=False, help_text="A court order restricts this contact's part in decisions."
    )
    # Stable key from the MIS (contact id, or the column slot) so re-imports match.
    mis_key = models.CharField(max_length=50, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship or 'contact'})"

    @property
    def may_give_consent(self) -> bool:
        return self.has_parental_responsibility and not self.court_order


class FlagKind(models.TextChoices):
    LOOKED_AFTER = "looked_after", "Looked-after child"
    ADOPTED = "adopted", "Adopted"
    PROTECTED_IDENTITY = "protected_identity", "Protected identity"
    COURT_ORDER = "court_order", "Court order"


class SafeguardingFlag(models.Model):
    """R16: blocks any post featuring the person whatever the consent says. Only dsl and
    leaders see the kind and note; everyone else sees "Do not publish"."""

    Kind = FlagKind

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(max_length=30, choices=FlagKind.choices)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"],
                condition=Q(ended_at__isnull=True),
                name="consent_flag_one_active_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"Flag #{self.pk} on person #{self.person_id}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


def evidence_upload_to(instance: ConsentEvidence, filename: str) -> str:
    import uuid

    return f"consent/evidence/{instance.person.school_id}/{uuid.uuid4().hex}"


class ConsentEvidence(models.Model):
    """A scanned paper form or an exported electronic form. Private: streamed only to
    consent administrators through an authenticated view."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_upload_to, max_length=200)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"Evidence #{self.pk} for person #{self.person_id}"


class Decision(models.TextChoices):
    GRANTED = "granted", "Granted"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


class GivenBy(models.TextChoices):
    CONTACT = "contact", "A contact (parent or carer)"
    SELF = "self", "The person themselves"
    MIS = "mis", "The school's MIS record"


class Method(models.TextChoices):
    PAPER_FORM = "paper_form", "Paper form (scanned)"
    ELECTRONIC_FORM = "electronic_form", "Electronic form"
    VERBAL = "verbal", "Verbal (logged by staff)"
    MIS_IMPORT = "mis_import", "Imported from the MIS"


WRITTEN_METHODS = frozenset({Method.PAPER_FORM, Method.ELECTRONIC_FORM, Method.MIS_IMPORT})

APPEND_ONLY = "Consent records are append-only: record a new decision instead."


class ConsentRecordQuerySet(models.QuerySet["ConsentRecord"]):
    def delete(self) -> NoReturn:  # type: ignore[override]
        raise ValueError(APPEND_ONLY)


class ConsentRecord(models.Model):
    """One decision, as given. Never changed or deleted (erasure reduces it in place through
    the erasure service). The current state is derived from these (consent.derivation)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consent_records")
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    given_by = models.CharField(max_length=10, choices=GivenBy.choices)
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    method = models.CharField(max_length=20, choices=Method.choices)
    given_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    evidence = models.ForeignKey(
        ConsentEvidence, null=True, blank=True, on_delete=models.SET_NULL, related_name="records"
    )
    # E.g. the electronic form's reference, or "held in the MIS" for imported grants.
    evidence_reference = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)
    import_run = models.ForeignKey(
        "consent.ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        ordering = ["given_on", "recorded_at", "id"]
        indexes = [
            models.Index(fields=["person", "purpose"]),
            models.Index(fields=["expires_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.decision} for person #{self.person_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValueError(APPEND_ONLY)


def face_upload_to(instance: FaceEnrolment, filename: str) -> str:
    import uuid

    return f"consent/faces/{instance.person.school_id}/{uuid.uuid4().hex}.jpg"


class FaceEnrolment(models.Model):
    """A reference photo and its 128-d face encoding (R3, R19).

    The encoding is biometric data: stored only encrypted (Fernet, key from the
    environment), never returned by an API, every read audited, deleted as soon as the
    person's biometric consent ends. The photo is private media.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="enrolments")
    photo = models.FileField(upload_to=face_upload_to, max_length=200)
    photo_sha256 = models.CharField(max_length=64)
    encoding_encrypted = models.BinaryField()
    encoder = models.CharField(max_length=50, default="dlib-resnet-128")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Enrolment #{self.pk} of person #{self.person_id}"


class ImportRun(models.Model):
    """One MIS import: who, which file (by hash), what changed, and every bad row."""

    class Status(models.TextChoices):
        APPLIED = "applied", "Applied"
        APPLIED_WITH_ERRORS = "applied_with_errors", "Applied, some rows rejected"
        REJECTED = "rejected", "Rejected"

    school = models.ForeignKey("accounts.School", on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=30, choices=Status.choices)
    full_roll = models.BooleanField(default=False)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    left = models.PositiveIntegerField(default=0)
    consent_records = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    # [{"line": 7, "mis_id": "A123", "errors": ["date_of_birth: ..."]}]
    errors = models.JSONField(default=list, blank=True)
    # [{"person_id": 12, "action": "updated", "fields": ["year_group"], "consent": [...]}]
    changes = models.JSONField(default=list, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Import #{self.pk} ({self.status})"


class SweepState(models.Model):
    """When a periodic sweep last ran (consent.expire_due finds what expired since)."""

    name = models.CharField(max_length=50, unique=True)
    last_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_run_at}"


class SchoolBiometrics(School):
    """The school seen from the biometric side (admin: record the DPIA gate, R19)."""

    class Meta:
        proxy = True
        verbose_name = "school face identification (DPIA)"
        verbose_name_plural = "school face identification (DPIA)"


class ConsentEnd(models.Model):
    """Outbox: someone's consent ended and the follow-up work (encodings, takedown handlers)
    is owed. Written in the same transaction as the change, so the work cannot be lost if
    the broker is down at commit; `consent.expire_due` re-queues anything left unprocessed."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["processed_at", "created_at"])]

    def __str__(self) -> str:
        return f"Consent ended for person #{self.person_id} ({self.reason})"


# R15 defaults when a school has set no policy. Encodings of leavers: none kept (their
# biometric consent ended, R10). Evidence of harmful comments (R12): six years, the usual
# limitation period for a claim, so it is there if the police, the LADO or a court ask.
DEFAULT_LEAVER_ENCODINGS_DAYS = 0
MAX_LEAVER_ENCODINGS_DAYS = 30
DEFAULT_EVIDENCE_DAYS = 6 * 365
MIN_EVIDENCE_DAYS = 365
MAX_EVIDENCE_DAYS = 25 * 365


class RetentionPolicy(models.Model):
    """A school's retention schedule (R15) for what the nightly purges delete by age.

    ``leaver_encodings_days``: how long after someone's leaving date a face enrolment
    (reference photo and encoding) may still exist. The consent-ended work deletes it when
    they leave whatever this says; the nightly purge enforces this bound independently of
    the consent derivation. ``evidence_days``: how long comment evidence (R12) is kept after
    capture, unless its comment is still under review. A school without a row gets the
    defaults above (`consent.selectors.retention_policy_for`)."""

    school = models.OneToOneField(
        "accounts.School", on_delete=models.CASCADE, related_name="retention_policy"
    )
    leaver_encodings_days = models.PositiveSmallIntegerField(default=DEFAULT_LEAVER_ENCODINGS_DAYS)
    evidence_days = models.PositiveIntegerField(default=DEFAULT_EVIDENCE_DAYS)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "retention policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(leaver_encodings_days__lte=MAX_LEAVER_ENCODINGS_DAYS),
                name="retention_leaver_encodings_days_max",
            ),
            models.CheckConstraint(
                condition=Q(evidence_days__gte=MIN_EVIDENCE_DAYS)
                & Q(evidence_days__lte=MAX_EVIDENCE_DAYS),
                name="retention_evidence_days_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Retention policy of school {self.school_id}"
