"""Incoming comments and replies on the school's channels, what was done about them, and the
evidence kept before anything harmful is hidden or deleted (R11-R13).

State changes happen in services.py; rules about one row live here.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from backend.common.channels import ChannelKind
from moderation.screening.semantic import DEFAULT_SENSITIVITY

CHANNEL_CHOICES = ChannelKind.choices


SENSITIVITY_CHOICES = [
    ("strict", "Strict: holds the most, more ordinary comments held"),
    ("balanced", "Balanced"),
    ("relaxed", "Relaxed: holds the fewest ordinary comments, misses more"),
]


def default_fetch_channels() -> list[str]:
    # Reading X replies is paid per read since February 2026: a new school polls every
    # channel but X until a leader turns X reply polling on (issue 18).
    return [str(kind) for kind in ChannelKind.values if kind != ChannelKind.X]


class ScreeningSettings(models.Model):
    """One school's screening settings: thresholds and word lists (leaders edit them).

    Register names (R4), the school's contact details (R5) and staff surnames from the
    register are added when the screening config is built; these are only the extras.
    ``fetch_channels``: channels whose comments are polled (reading X replies costs money,
    so a school may switch it off).
    """

    school = models.OneToOneField(
        "accounts.School", on_delete=models.CASCADE, related_name="comment_screening"
    )
    thresholds = models.JSONField(default=dict, blank=True)
    blocked_words = models.JSONField(default=list, blank=True)
    allowed_words = models.JSONField(default=list, blank=True)
    staff_names = models.JSONField(default=list, blank=True)
    allowed_domains = models.JSONField(default=list, blank=True)
    fetch_channels = models.JSONField(default=default_fetch_channels, blank=True)
    # The semantic screener's measured operating point (docs/screening.md).
    sensitivity = models.CharField(
        max_length=10, choices=SENSITIVITY_CHOICES, default=DEFAULT_SENSITIVITY
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "screening settings"

    def __str__(self) -> str:
        return f"Comment screening of school {self.school_id}"


class Comment(models.Model):
    """One comment or reply, stored once per (channel, external id) however often and in
    whatever order the platform delivers it.

    ``status`` is what the public sees as far as we know (on the website channel "hidden"
    means "not approved"); ``review`` is where it stands in the moderation queue.
    """

    class Status(models.TextChoices):
        VISIBLE = "visible"
        HIDDEN = "hidden"
        DELETED = "deleted"

    class Verdict(models.TextChoices):
        OK = "ok"
        HOLD = "hold"
        ESCALATE = "escalate"

    class Review(models.TextChoices):
        NONE = "none", "Nothing to do"
        OPEN = "open", "Awaiting a decision"
        APPROVED = "approved"
        KEPT_HIDDEN = "kept_hidden", "Kept hidden"
        DELETED = "deleted"

    class Via(models.TextChoices):
        POLL = "poll"
        WEBHOOK = "webhook"

    school = models.ForeignKey(
        "accounts.School", on_delete=models.CASCADE, related_name="incoming_comments"
    )
    # Empty for a comment on a page post that was not published through the queue, and kept
    # (SET_NULL) if the publication goes: the comment and its evidence outlive the post.
    publication = models.ForeignKey(
        "publishers.Publication",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incoming_comments",
    )
    channel = models.CharField(max_length=20, choices=CHANNEL_CHOICES)
    external_id = models.CharField(max_length=200)
    post_external_id = models.CharField(max_length=200, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    # Kept so a reply delivered before its parent is linked when the parent arrives.
    parent_external_id = models.CharField(max_length=200, blank=True)
    author_external_id = models.CharField(max_length=200, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    platform_created_at = models.DateTimeField(null=True, blank=True)
    permalink = models.CharField(max_length=1000, blank=True)
    # URLs only: attached media is never downloaded (R12: possibly indecent images).
    media_urls = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.VISIBLE, db_index=True
    )
    verdict = models.CharField(max_length=10, choices=Verdict.choices, default=Verdict.OK)
    # [{"label", "score", "span": [start, end] | None, "screener", "reason"}]
    labels = models.JSONField(default=list, blank=True)
    escalated = models.BooleanField(default=False, db_index=True)
    screened_at = models.DateTimeField(null=True, blank=True)
    review = models.CharField(
        max_length=12, choices=Review.choices, default=Review.NONE, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_via = models.CharField(max_length=10, choices=Via.choices, default=Via.POLL)
    # Earlier texts when the author edits the comment (each edit is screened again).
    previous_texts = models.JSONField(default=list, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"], name="one_comment_per_channel_id"
            )
        ]
        indexes = [
            models.Index(fields=["school", "review", "escalated"]),
            models.Index(fields=["school", "-created_at"]),
            models.Index(fields=["channel", "parent_external_id"]),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.channel} ({self.verdict}, {self.status})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.updated_at = timezone.now()
        super().save(*args, **kwargs)

    @property
    def is_held(self) -> bool:
        return self.verdict != self.Verdict.OK or self.escalated

    def snapshot(self) -> dict[str, Any]:
        """The comment as the evidence record quotes it (R12)."""
        return {
            "channel": self.channel,
            "external_id": self.external_id,
            "post_external_id": self.post_external_id,
            "parent_external_id": self.parent_external_id,
            "author_id": self.author_external_id,
            "author_name": self.author_name,
            "text": self.text,
            "previous_texts": list(self.previous_texts),
            "permalink": self.permalink,
            "platform_created_at": _iso(self.platform_created_at),
            "edited_at": _iso(self.edited_at),
            "first_stored_at": _iso(self.created_at),
            # Never the media itself (R12): where it is and what we know about it.
            "media": [{"url": url, "downloaded": False} for url in self.media_urls],
            "verdict": self.verdict,
            "escalated": self.escalated,
            "labels": list(self.labels),
        }


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment else None


class ModerationAction(models.Model):
    """Everything done about a comment, by a person or by the system (``actor`` empty).

    Actions that need the platform (``platform_op``) are carried out by the task
    ``comments.apply_action``: ``pending`` until the platform confirms (``done``), retried
    with back-off, ``failed`` for good, ``unsupported`` where the platform does not allow
    it, or ``superseded`` when a later decision replaced it before it ran.
    """

    class Kind(models.TextChoices):
        HIDE = "hide"
        APPROVE = "approve"
        KEEP_HIDDEN = "keep_hidden"
        DELETE = "delete"
        BLOCK = "block"
        REPORT = "report"
        REPLY = "reply"
        ASSIGN = "assign"
        NOTE = "note"
        ESCALATE = "escalate"
        EDITED = "edited"
        PLATFORM_CHANGE = "platform_change", "Changed on the platform"

    class Op(models.TextChoices):
        NONE = "", "None"
        HIDE = "hide"
        UNHIDE = "unhide"
        DELETE = "delete"
        BLOCK = "block"

    class PlatformState(models.TextChoices):
        NONE = "", "No platform call"
        PENDING = "pending"
        DONE = "done"
        FAILED = "failed"
        UNSUPPORTED = "unsupported"
        SUPERSEDED = "superseded"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="actions")
    school = models.ForeignKey("accounts.School", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    platform_op = models.CharField(max_length=10, choices=Op.choices, blank=True, default="")
    platform_state = models.CharField(
        max_length=12, choices=PlatformState.choices, blank=True, default="", db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # A reply from the official account is a Post that goes through checks and approval.
    reply_post = models.ForeignKey(
        "moderation.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["platform_state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} on comment {self.comment_id}"


def canonical_json(record: dict[str, Any]) -> str:
    """One spelling of a record: sorted keys, no spaces, UTF-8 text (what is hashed)."""
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Evidence(models.Model):
    """R12: what the comment was, captured before it is hidden or deleted.

    ``canonical`` is the record in canonical JSON and ``sha256`` its hash; neither ever
    changes after capture. Export needs a countersignature by a different person (a DSL or
    a leader of the school).
    """

    class Reason(models.TextChoices):
        BEFORE_HIDE = "before_hide", "Before hiding"
        BEFORE_DELETE = "before_delete", "Before deleting"
        MANUAL = "manual", "Captured by a moderator"

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="evidence")
    school = models.ForeignKey("accounts.School", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    canonical = models.TextField()
    sha256 = models.CharField(max_length=64)
    # Empty: captured by the system in the ingest path, before the automatic hide.
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    captured_at = models.DateTimeField()
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    countersigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["captured_at", "id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return f"Evidence {self.pk} of comment {self.comment_id}"

    @property
    def record(self) -> dict[str, Any]:
        value = json.loads(self.canonical)
        return value if isinstance(value, dict) else {}

    @property
    def intact(self) -> bool:
        """The stored record still hashes to the hash taken at capture."""
        return sha256_text(self.canonical) == self.sha256

    @property
    def countersigned(self) -> bool:
        return self.countersigned_by_id is not None


class PollState(models.Model):
    """Per-publication comment polling: the adapter's cursor and when to look next.

    Polling backs off as the post ages and after failures; ``next_poll_at`` empty means the
    post is too old to poll (webhooks still deliver on Facebook and Instagram).
    """

    publication = models.OneToOneField(
        "publishers.Publication", on_delete=models.CASCADE, related_name="comment_poll"
    )
    school = models.ForeignKey("accounts.School", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=20, choices=CHANNEL_CHOICES)
    cursor = models.CharField(max_length=500, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)
    failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    comments_seen = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Comment polling of publication {self.publication_id}"


class CommentCorrection(models.Model):
    """A moderator's "Reclassify": this comment was ordinary (``labels`` empty), or harmful
    with these labels. The school's screener learns from these (``corrections.py``); the
    row goes when the comment does (retention, R15)."""

    school = models.ForeignKey("accounts.School", on_delete=models.CASCADE, related_name="+")
    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="correction")
    labels = models.JSONField(default=list, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["school", "updated_at"])]

    def __str__(self) -> str:
        return f"Correction of comment {self.comment_id}: {self.labels or 'ordinary'}"


class ScreeningAdaptation(models.Model):
    """What a school's corrections taught its screener, installed by the refit only when it
    scored no worse on held-out comments. ``thresholds``: per-label model thresholds;
    ``comment_ids``: the corrected comments a similar new comment follows (their text is read
    from the comments, so it goes when they do); ``report``: before and after."""

    school = models.OneToOneField(
        "accounts.School", on_delete=models.CASCADE, related_name="screening_adaptation"
    )
    thresholds = models.JSONField(default=dict, blank=True)
    comment_ids = models.JSONField(default=list, blank=True)
    similarity = models.FloatField()
    report = models.JSONField(default=dict, blank=True)
    fitted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Screening adaptation of school {self.school_id}"
