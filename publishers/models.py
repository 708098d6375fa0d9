"""Channel accounts, one publication per (post, channel), takedowns, the built-in website
feed with its pre-moderated comments, and stored webhook events.

State changes happen in services.py only; rules about one row live here.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

# The one enum of channels (values match moderation's ``Post.channels``); imported here so
# the fields below and existing callers name it where they always did.
from backend.common.channels import ChannelKind


class ChannelAccount(models.Model):
    """A school's connection to one channel.

    Secrets (tokens, app secrets) live only in ``credentials_encrypted`` (Fernet, keys from
    ``FIELD_ENCRYPTION_KEYS``); they are never shown back, logged, audited or returned by
    the API. ``config`` holds the non-secret settings (page id, Instagram account id,
    Graph API version, ...). The website channel needs no credentials.
    """

    school = models.ForeignKey(
        "accounts.School", on_delete=models.CASCADE, related_name="channel_accounts"
    )
    kind = models.CharField(max_length=20, choices=ChannelKind.choices)
    display_name = models.CharField(max_length=200)
    enabled = models.BooleanField(default=True)
    credentials_encrypted = models.BinaryField(null=True, blank=True, editable=False)
    config = models.JSONField(default=dict, blank=True)
    health_ok = models.BooleanField(null=True, blank=True, editable=False)
    health_problems = models.JSONField(default=list, blank=True, editable=False)
    health_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "kind"], name="one_account_per_channel")
        ]
        ordering = ["school_id", "kind"]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_kind_display()})"

    def __repr__(self) -> str:
        # Never the credentials, not even encrypted.
        return f"<ChannelAccount {self.pk} {self.kind} school={self.school_id}>"

    @property
    def has_credentials(self) -> bool:
        return bool(self.credentials_encrypted)


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


class Publication(models.Model):
    """One post on one channel: the unit of exactly-once publishing.

    ``queued -> attempting -> published | failed | unconfirmed`` and, after a takedown,
    ``taken_down``. ``attempting`` is claimed with a conditional UPDATE committed before the
    platform's create call, so only one worker can ever make that call per claim.
    """

    class State(models.TextChoices):
        QUEUED = "queued"
        ATTEMPTING = "attempting"
        PUBLISHED = "published"
        FAILED = "failed"
        UNCONFIRMED = "unconfirmed"
        TAKEN_DOWN = "taken_down"

    post = models.ForeignKey(
        "moderation.Post", on_delete=models.CASCADE, related_name="publications"
    )
    school = models.ForeignKey("accounts.School", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=20, choices=ChannelKind.choices)
    account = models.ForeignKey(
        ChannelAccount,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="publications",
    )
    state = models.CharField(
        max_length=20, choices=State.choices, default=State.QUEUED, db_index=True
    )
    idempotency_key = models.CharField(max_length=64, unique=True, default=new_idempotency_key)
    # The approved content hash this publication was started for.
    content_hash = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    reconcile_attempts = models.PositiveIntegerField(default=0)
    external_id = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=500, blank=True)
    # Plain English for staff; ``error_detail`` is the platform's wording (never a token).
    error = models.TextField(blank=True)
    error_detail = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    delete_attempts = models.PositiveIntegerField(default=0)
    taken_down_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    IN_FLIGHT = frozenset({State.QUEUED, State.ATTEMPTING})

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "channel"], name="one_publication_per_channel")
        ]
        indexes = [
            models.Index(fields=["state", "claimed_at"]),
            models.Index(fields=["state", "next_attempt_at"]),
        ]
        ordering = ["post_id", "channel"]

    def __str__(self) -> str:
        return f"Post {self.post_id} on {self.channel} ({self.state})"

    @property
    def in_flight(self) -> bool:
        return self.state in self.IN_FLIGHT


class Takedown(models.Model):
    """R10: a published post that must come down, awaiting a leader's confirmation.

    One per post. Requested by the system when someone's consent ends (``requested_by``
    empty) or by a leader; the website entry is hidden at once, every other channel only
    after a leader confirms.
    """

    class State(models.TextChoices):
        AWAITING_CONFIRMATION = "awaiting_confirmation"
        CONFIRMED = "confirmed"
        DONE = "done"

    post = models.OneToOneField(
        "moderation.Post", on_delete=models.CASCADE, related_name="takedown"
    )
    school = models.ForeignKey("accounts.School", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(
        max_length=24, choices=State.choices, default=State.AWAITING_CONFIRMATION, db_index=True
    )
    reason = models.TextField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Takedown of post {self.post_id} ({self.state})"


def website_image_upload_to(instance: WebsiteEntryImage, filename: str) -> str:
    return f"website/{instance.entry.school_id}/{instance.entry_id}/{uuid.uuid4().hex}.jpg"


class WebsiteEntry(models.Model):
    """A post on the school's own news page and feed (the built-in website channel).

    Visible only while ``withdrawn_at`` is empty and its publication is published; a
    takedown request sets ``withdrawn_at`` at once.
    """

    school = models.ForeignKey(
        "accounts.School", on_delete=models.CASCADE, related_name="website_entries"
    )
    publication = models.OneToOneField(
        Publication, on_delete=models.CASCADE, related_name="website_entry"
    )
    text = models.TextField()
    published_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name_plural = "website entries"

    def __str__(self) -> str:
        return f"Website entry {self.pk} of {self.school_id}"

    @property
    def title(self) -> str:
        first = (self.text.strip().splitlines() or [""])[0].strip()
        if not first:
            return f"News from {timezone.localtime(self.published_at):%d %B %Y}"
        return first if len(first) <= 80 else first[:79].rstrip() + "…"


class WebsiteEntryImage(models.Model):
    """A copy of the publishable, metadata-free ``large`` variant (R6), never the original.
    Served by URL only while its entry is visible."""

    entry = models.ForeignKey(WebsiteEntry, on_delete=models.CASCADE, related_name="images")
    position = models.PositiveSmallIntegerField()
    file = models.FileField(upload_to=website_image_upload_to)
    alt_text = models.CharField(max_length=1000, blank=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "position"], name="one_image_per_position")
        ]

    def __str__(self) -> str:
        return f"Image {self.position} of website entry {self.entry_id}"


class WebsiteComment(models.Model):
    """A comment left on the school's news page. R11: nothing is visible until approved."""

    class Status(models.TextChoices):
        PENDING = "pending"
        APPROVED = "approved"
        REJECTED = "rejected"

    entry = models.ForeignKey(WebsiteEntry, on_delete=models.CASCADE, related_name="comments")
    author_name = models.CharField(max_length=80)
    text = models.TextField(max_length=2000)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment {self.pk} on website entry {self.entry_id} ({self.status})"


class WebhookEvent(models.Model):
    """A platform webhook event, stored raw and de-duplicated (Meta redelivers).

    ``external_id`` is the comment id for a new comment, ``<comment id>:<verb>`` for other
    changes, so a redelivery is dropped but a later edit or removal is kept.
    """

    platform = models.CharField(max_length=20, choices=ChannelKind.choices)
    external_id = models.CharField(max_length=200)
    account = models.ForeignKey(
        ChannelAccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    school = models.ForeignKey(
        "accounts.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    verb = models.CharField(max_length=20, blank=True)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "external_id"], name="one_webhook_event_per_id"
            )
        ]
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.platform} event {self.external_id}"
