"""Posts, their images and faces, the safeguarding check runs, approvals and the thread.

The post's status changes only through `moderation.workflow.post_transition` (one table of
allowed moves, a conditional UPDATE as the database-level guard, an audit event each).
"""

import hashlib
import json
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

# The strictest limit of every channel a post targets applies (characters of text).
CHANNEL_TEXT_LIMITS = {"x": 280, "instagram": 2200, "facebook": 63206, "website": 10000}
MAX_IMAGES = 4


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft"
        SUBMITTED = "submitted"
        CHECKING = "checking"
        BLOCKED = "blocked"
        NEEDS_TAGGING = "needs_tagging"
        AWAITING_APPROVAL = "awaiting_approval"
        APPROVED = "approved"
        REJECTED = "rejected"
        CHANGES_REQUESTED = "changes_requested"
        SCHEDULED = "scheduled"
        PUBLISHING = "publishing"
        PUBLISHED = "published"
        PARTIALLY_PUBLISHED = "partially_published"
        FAILED = "failed"
        EXPIRED = "expired"
        TAKEDOWN_REQUESTED = "takedown_requested"
        TAKEN_DOWN = "taken_down"

    school = models.ForeignKey("accounts.School", on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    device = models.ForeignKey(
        "accounts.Device", null=True, blank=True, on_delete=models.SET_NULL, related_name="posts"
    )
    text = models.TextField(blank=True)
    channels = models.JSONField(default=list)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=24, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    status_reason = models.TextField(blank=True)
    # Bumped by every edit; a check run or approval is only valid for its own version.
    version = models.PositiveIntegerField(default=1)
    content_hash = models.CharField(max_length=64, blank=True)
    has_identifiable_faces = models.BooleanField(default=False)
    has_identifiable_pupils = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["school", "status", "scheduled_at"]),
            models.Index(fields=["author", "status"]),
            # The queue's order (issue 19): PostgreSQL reads a page in index order and stops,
            # instead of sorting every post of the school (16 ms -> 0.1 ms at 10,000 posts).
            models.Index(
                fields=["school", "scheduled_at", "submitted_at", "id"], name="post_queue_order"
            ),
        ]

    def __str__(self) -> str:
        return f"Post {self.pk} ({self.status})"

    @property
    def text_limit(self) -> int:
        return min((CHANNEL_TEXT_LIMITS.get(c, 10000) for c in self.channels), default=10000)


def image_upload_to(instance: "PostImage", filename: str) -> str:
    """Private storage path; `filename` is the variant name ("original", "large", ...)."""
    return f"posts/{instance.post_id}/{uuid.uuid4().hex}-{filename}"


class PostImage(models.Model):
    """One photo: the private original as uploaded, and publishable variants stripped of all
    metadata (R6). Only `large` and smaller are ever sent anywhere."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="images")
    position = models.PositiveSmallIntegerField(default=0)
    alt_text = models.CharField(max_length=1000, blank=True)
    original = models.FileField(upload_to=image_upload_to)
    original_format = models.CharField(max_length=10)
    width = models.PositiveIntegerField(help_text="of the original after EXIF orientation")
    height = models.PositiveIntegerField()
    large = models.FileField(upload_to=image_upload_to)
    medium = models.FileField(upload_to=image_upload_to)
    thumb = models.FileField(upload_to=image_upload_to)
    large_width = models.PositiveIntegerField()
    large_height = models.PositiveIntegerField()
    large_sha256 = models.CharField(max_length=64)
    detected_at = models.DateTimeField(null=True, blank=True)
    detector = models.JSONField(default=dict, blank=True)
    # R6/R15: the original (with its metadata) is deleted after the retention period.
    original_purged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"Image {self.pk} of post {self.post_id}"


class Face(models.Model):
    """A face box in a post image, in pixels of the oriented original."""

    class Source(models.TextChoices):
        DETECTED = "detected"
        MANUAL = "manual"

    class Tag(models.TextChoices):
        NONE = "", "Not tagged"
        PERSON = "person", "A person in the register"
        ADULT_CONSENT = "adult_consent", "An adult whose consent is on file"
        NOT_A_FACE = "not_a_face", "Not a face"

    class IdentityDispute(models.TextChoices):
        NONE = "", "Not disputed"
        OPEN = "open", "Disputed, awaiting a leader"
        UPHELD = "upheld", "Identification removed by a leader"

    image = models.ForeignKey(PostImage, on_delete=models.CASCADE, related_name="faces")
    top = models.PositiveIntegerField()
    right = models.PositiveIntegerField()
    bottom = models.PositiveIntegerField()
    left = models.PositiveIntegerField()
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.DETECTED)
    identifiable = models.BooleanField(default=True)
    # Set by face identification (R3) or by a staff member's tag (R2).
    person = models.ForeignKey(
        "consent.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="post_faces",
    )
    distance = models.FloatField(null=True, blank=True)
    tag = models.CharField(max_length=20, choices=Tag.choices, blank=True, default=Tag.NONE)
    tagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tagged_at = models.DateTimeField(null=True, blank=True)
    # R2: "an adult whose consent is on file" must say which adult (free text), so the
    # approver can check it; a leader may have to confirm it (SchoolPolicy).
    adult_name = models.CharField(max_length=200, blank=True)
    adult_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    adult_confirmed_at = models.DateTimeField(null=True, blank=True)
    # R1/R3: a disputed identification keeps the post blocked until a leader decides; once
    # upheld, the face is never identified again (it is tagged or blurred like an unknown).
    identity_dispute = models.CharField(
        max_length=10, choices=IdentityDispute.choices, blank=True, default=IdentityDispute.NONE
    )
    blurred = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["image_id", "left", "top"]

    def __str__(self) -> str:
        return f"Face {self.pk} in image {self.image_id}"

    @property
    def box(self) -> list[int]:
        return [self.top, self.right, self.bottom, self.left]

    @property
    def needs_review(self) -> bool:
        """Counts for R1/R2: an identifiable face that was neither blurred nor dismissed."""
        return self.identifiable and not self.blurred and self.tag != self.Tag.NOT_A_FACE

    @property
    def identified_by_system(self) -> bool:
        """R1/R3: the person was set by face identification, not by anyone's tag."""
        return self.person_id is not None and not self.tag


class FaceDispute(models.Model):
    """Someone says the system identified a face wrongly ("this is not Amara"). Open, it
    keeps the post blocked; a leader other than the one who raised it resolves it with a
    reason: upheld (the identification is removed) or rejected (it stands)."""

    class Status(models.TextChoices):
        OPEN = "open"
        UPHELD = "upheld"
        REJECTED = "rejected"

    face = models.ForeignKey(Face, on_delete=models.CASCADE, related_name="disputes")
    # The identification disputed, kept for the record even after an upheld dispute.
    person = models.ForeignKey(
        "consent.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    distance = models.FloatField(null=True, blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["face"],
                condition=models.Q(status="open"),
                name="one_open_dispute_per_face",
            ),
        ]

    def __str__(self) -> str:
        return f"Dispute {self.pk} of face {self.face_id} ({self.status})"


class CheckRun(models.Model):
    """One run of the safeguarding checks over one version of a post. Findings and the
    per-face consent snapshot are kept so any past decision can be explained later."""

    class Verdict(models.TextChoices):
        BLOCKED = "blocked"
        NEEDS_TAGGING = "needs_tagging"
        READY = "ready"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="check_runs")
    version = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64)
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    findings = models.JSONField(default=list)
    faces = models.JSONField(default=list)
    # What was checked (text, channels, images): the leader's "what changed since" diff.
    content = models.JSONField(default=dict)
    settings = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"Check of post {self.post_id} v{self.version}: {self.verdict}"


class Approval(models.Model):
    """A leader's approval of one exact content hash (R8). Voided by any edit."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="approvals")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    content_hash = models.CharField(max_length=64)
    confirmed_no_identifiable_faces = models.BooleanField(default=False)
    # R20: the images (PostImage ids) this approver confirmed have no identifiable person
    # left unboxed; every image that will be published must be in it.
    confirmed_images = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "approver", "content_hash"],
                condition=models.Q(voided_at__isnull=True),
                name="one_live_approval_per_leader_and_content",
            ),
        ]

    def __str__(self) -> str:
        return f"Approval of post {self.post_id} by {self.approver_id}"


class PostNote(models.Model):
    """The thread on a post: change requests, rejections, replies from the author."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, default="comment")
    text = models.TextField()
    version = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Note on post {self.post_id}"


class PostSeen(models.Model):
    """The version of a post a leader last had in front of them (issue 17, item 9): kept on
    the server so "Changed since you last looked" works on any device they sign in on."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="seen_by")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="post_seen_once_per_user")
        ]

    def __str__(self) -> str:
        return f"Post {self.post_id} seen at version {self.version} by {self.user_id}"


def content_snapshot(post: Post, images: list[PostImage]) -> dict:
    """Exactly what would be published: text, channels, each image's publishable bytes (by
    hash) and alt text, in order. Not the schedule: rescheduling is not new content."""
    return {
        "text": post.text,
        "channels": sorted(post.channels),
        "images": [
            {"id": img.pk, "sha256": img.large_sha256, "alt": img.alt_text} for img in images
        ],
    }


def compute_content_hash(post: Post, images: list[PostImage]) -> str:
    """SHA-256 of the content snapshot (without image ids: re-uploading the same photo is
    the same content). Approval binds to this (R8)."""
    snapshot = content_snapshot(post, images)
    for image in snapshot["images"]:
        del image["id"]
    return hashlib.sha256(json.dumps(snapshot, sort_keys=True).encode()).hexdigest()


class SchoolPolicy(models.Model):
    """A school's approval policy and its emergency pause (issue: approval queue)."""

    school = models.OneToOneField(
        "accounts.School", on_delete=models.CASCADE, related_name="post_policy"
    )
    approvals_required = models.PositiveSmallIntegerField(default=1)
    # Applies automatically when a post shows identifiable pupils (distinct leaders).
    approvals_required_identifiable_pupils = models.PositiveSmallIntegerField(default=1)
    # When on, posts showing identifiable pupils also need the DSL's clearance; the DSL's
    # rejection is a veto.
    dsl_clearance_required = models.BooleanField(default=False)
    daily_digest = models.BooleanField(
        default=False,
        help_text=(
            "Leaders get one email a day listing posts awaiting approval instead of one each."
        ),
    )
    adult_tags_need_leader_confirmation = models.BooleanField(
        default=False,
        help_text=(
            'A face tagged "adult with consent on file" by someone who is not a leader '
            "blocks the post until a leader other than the tagger confirms it."
        ),
    )
    # R21, the 2026 image guidance: publish pupils' photos at lower resolution, and keep
    # close-up, face-on pictures of them off the channels. Blank: the deployment default.
    published_long_side = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(320), MaxValueValidator(4096)],
        help_text=(
            "Long side (px) of the largest picture published (never larger than the original; "
            "blank: the default, 1280). Faces are judged identifiable at this size."
        ),
    )
    close_up_faces_block = models.BooleanField(
        default=False,
        help_text=(
            "A photo in which a face fills a large share of the picture (a close-up, face-on "
            "picture) blocks the post instead of warning staff and the approver."
        ),
    )
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pause_reason = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"Policy of {self.school}"

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    def approvals_needed(self, post: Post) -> int:
        base = max(1, self.approvals_required)
        if post.has_identifiable_pupils:
            return max(base, self.approvals_required_identifiable_pupils)
        return base
