"""What a school does after abuse appears online (issue 18): reports made to the platforms,
letters inviting a parent to a meeting, mentions of the school found elsewhere, and what
the school's X account costs.

State changes happen in services.py; rules about one row live here.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

_USER = settings.AUTH_USER_MODEL


class Platform(models.TextChoices):
    """Where a report can be made: the four platforms and the school's own website."""

    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    X = "x", "X"
    YOUTUBE = "youtube", "YouTube"
    WEBSITE = "website", "The school website"


class PlatformReport(models.Model):
    """A report a leader or the DSL made to a platform about a held or escalated comment,
    and what the platform did about it. The case (the comment) shows every one."""

    class Outcome(models.TextChoices):
        AWAITING = "awaiting", "Awaiting the platform"
        REMOVED = "removed", "Removed by the platform"
        RESTRICTED = "restricted", "Restricted or hidden by the platform"
        NO_ACTION = "no_action", "The platform took no action"
        ESCALATED = "escalated", "Passed to the police or the LADO"

    school = models.ForeignKey("accounts.School", on_delete=models.CASCADE, related_name="+")
    # The comment (the case) is kept by id through the comments selectors; the row outlives
    # the comment's retention because the report is the school's record of what it did.
    comment_id = models.BigIntegerField(db_index=True)
    platform = models.CharField(max_length=20, choices=Platform.choices)
    reported_at = models.DateTimeField()
    reported_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.AWAITING)
    outcome_note = models.TextField(blank=True)
    outcome_recorded_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reported_at", "id"]

    def __str__(self) -> str:
        return f"Report to {self.platform} about comment {self.comment_id}"


class LetterTemplate(models.Model):
    """A school's own wording of the letter to a parent (the packaged one otherwise).
    ``{placeholders}`` are filled from the case; see procedures/letters.py."""

    school = models.OneToOneField(
        "accounts.School", on_delete=models.CASCADE, related_name="parent_letter_template"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    updated_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Parent letter template of school {self.school_id}"


class ParentLetter(models.Model):
    """A letter inviting a parent or carer to a meeting about their comments, kept on the
    case. Staff may draft one; only a leader or the DSL may send it (``sent_by``)."""

    class Status(models.TextChoices):
        DRAFT = "draft"
        SENT = "sent"

    school = models.ForeignKey("accounts.School", on_delete=models.CASCADE, related_name="+")
    comment_id = models.BigIntegerField(db_index=True)
    # The register's contact a leader matched to the comment's author (by id: consent's).
    contact_id = models.BigIntegerField(null=True, blank=True)
    recipient_name = models.CharField(max_length=200)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Letter to {self.recipient_name} about comment {self.comment_id}"


class MentionWatch(models.Model):
    """A school's watch for mentions of itself beyond its own posts: the terms (its name,
    unofficial page names, hashtags) and which sources are searched. X search costs money,
    so it is off until the school turns it on."""

    school = models.OneToOneField(
        "accounts.School", on_delete=models.CASCADE, related_name="mention_watch"
    )
    terms = models.JSONField(default=list, blank=True)
    bluesky_enabled = models.BooleanField(default=True)
    x_search_enabled = models.BooleanField(default=False)
    # {"bluesky": "<iso time of the newest post seen>", "x": "<newest tweet id>"}
    cursors = models.JSONField(default=dict, blank=True)
    last_searched_at = models.DateTimeField(null=True, blank=True)
    # Why the last search did not run in full (e.g. the X budget), shown to leaders.
    last_notice = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Mention watch of school {self.school_id}"


class Mention(models.Model):
    """One post elsewhere that mentions the school, screened like a comment. Naming a pupil
    or threatening raises a DSL alert (``alerted``); evidence is captured on demand."""

    class Source(models.TextChoices):
        BLUESKY = "bluesky", "Bluesky"
        X = "x", "X"

    class State(models.TextChoices):
        NEW = "new"
        CAPTURED = "captured", "Evidence captured"
        DISMISSED = "dismissed"

    school = models.ForeignKey("accounts.School", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=10, choices=Source.choices)
    external_id = models.CharField(max_length=300)
    url = models.CharField(max_length=1000, blank=True)
    author_handle = models.CharField(max_length=200, blank=True)
    author_id = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    term = models.CharField(max_length=200, blank=True)
    verdict = models.CharField(max_length=10, default="ok")
    labels = models.JSONField(default=list, blank=True)
    names_pupil = models.BooleanField(default=False)
    # R13: an alerted mention is for the DSL and the head teacher only.
    alerted = models.BooleanField(default=False, db_index=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.NEW)
    evidence_canonical = models.TextField(blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    captured_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    captured_at = models.DateTimeField(null=True, blank=True)
    found_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-found_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "source", "external_id"], name="one_mention_per_school_post"
            )
        ]

    def __str__(self) -> str:
        return f"Mention {self.pk} on {self.source}"


class XBudget(models.Model):
    """A school's monthly X budget and whether reply polling is on (off for new schools:
    every reply read is paid for)."""

    school = models.OneToOneField(
        "accounts.School", on_delete=models.CASCADE, related_name="x_budget"
    )
    monthly_budget_usd = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    reply_polling_enabled = models.BooleanField(default=False)
    updated_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"X budget of school {self.school_id}"


class XCall(models.Model):
    """One paid X API use, priced when it happened (prices change; settings hold them)."""

    class Kind(models.TextChoices):
        POST = "post"
        POST_WITH_LINK = "post_with_link", "Post containing a link"
        OWNED_READ = "owned_read", "Read of the school's own post"
        OTHER_READ = "other_read", "Read of someone else's post"

    school = models.ForeignKey("accounts.School", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    units = models.PositiveIntegerField(default=1)
    cost_usd = models.DecimalField(max_digits=10, decimal_places=4, default=Decimal("0"))
    purpose = models.CharField(max_length=100, blank=True)
    # Makes recording idempotent: a retried task records the same call once.
    key = models.CharField(max_length=200, unique=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"X {self.kind} x{self.units} for school {self.school_id}"
