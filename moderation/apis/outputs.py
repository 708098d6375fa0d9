"""The shapes of a post the views answer with (list rows and the detail page), shared
by every view that returns the post after changing it."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from backend.common.channels import ChannelKind
from backend.common.types import AuthedRequest

from .. import selectors
from ..models import Face, FaceDispute, Post, PostImage

CHANNEL_CHOICES = ChannelKind.choices


class PostSummaryOutput(serializers.ModelSerializer[Post]):
    author_name = serializers.CharField(source="author.__str__", read_only=True)
    channels = serializers.ListField(child=serializers.ChoiceField(CHANNEL_CHOICES))
    image_count = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = [
            "id",
            "school",
            "status",
            "status_reason",
            "text",
            "channels",
            "scheduled_at",
            "author",
            "author_name",
            "has_identifiable_faces",
            "has_identifiable_pupils",
            "image_count",
            "version",
            "created_at",
            "updated_at",
            "submitted_at",
        ]

    def get_image_count(self, post: Post) -> int:
        return len(post.images.all())


class FaceDisputeOutput(serializers.ModelSerializer[FaceDispute]):
    """R1: "this is not <person>", and a leader's decision on it."""

    person_label = serializers.SerializerMethodField()
    raised_by_name = serializers.CharField(source="raised_by.__str__", read_only=True)
    resolved_by_name = serializers.SerializerMethodField()

    class Meta:
        model = FaceDispute
        fields = [
            "id",
            "status",
            "person",
            "person_label",
            "reason",
            "raised_by",
            "raised_by_name",
            "created_at",
            "resolved_by",
            "resolved_by_name",
            "resolved_at",
            "resolution_reason",
        ]

    def get_person_label(self, dispute: FaceDispute) -> str | None:
        label = self.context.get("labels", {}).get(dispute.person_id)
        return label["label"] if label else None

    def get_resolved_by_name(self, dispute: FaceDispute) -> str | None:
        return str(dispute.resolved_by) if dispute.resolved_by else None


class FaceOutput(serializers.ModelSerializer[Face]):
    box = serializers.ListField(child=serializers.IntegerField())
    person_label = serializers.SerializerMethodField()
    tagged_by_name = serializers.SerializerMethodField()
    adult_confirmed_by_name = serializers.SerializerMethodField()
    disputes = FaceDisputeOutput(many=True)

    class Meta:
        model = Face
        fields = [
            "id",
            "box",
            "source",
            "identifiable",
            "person",
            "person_label",
            "distance",
            "tag",
            "tagged_by",
            "tagged_by_name",
            "tagged_at",
            "adult_name",
            "adult_confirmed_by",
            "adult_confirmed_by_name",
            "adult_confirmed_at",
            "identity_dispute",
            "disputes",
            "blurred",
        ]

    def get_person_label(self, face: Face) -> str | None:
        labels = self.context.get("labels", {})
        label = labels.get(face.person_id)
        return label["label"] if label else None

    def get_tagged_by_name(self, face: Face) -> str | None:
        return str(face.tagged_by) if face.tagged_by else None

    def get_adult_confirmed_by_name(self, face: Face) -> str | None:
        return str(face.adult_confirmed_by) if face.adult_confirmed_by else None


class ImageOutput(serializers.ModelSerializer[PostImage]):
    faces = FaceOutput(many=True)
    urls = serializers.SerializerMethodField()

    class Meta:
        model = PostImage
        fields = [
            "id",
            "position",
            "alt_text",
            "width",
            "height",
            "large_width",
            "large_height",
            "detected_at",
            "faces",
            "urls",
        ]

    def get_urls(self, image: PostImage) -> dict[str, str]:
        base = f"/api/posts/{image.post_id}/images/{image.pk}/file"
        return {name: f"{base}/{name}" for name in ("large", "medium", "thumb", "original")}


class FindingOutput(serializers.Serializer):
    """One finding of a check run (moderation.checks.evaluate.Finding)."""

    rule = serializers.CharField()
    severity = serializers.ChoiceField(["block", "tag", "confirm"])
    message = serializers.CharField()
    image = serializers.IntegerField(required=False)
    face_id = serializers.IntegerField(required=False)
    box = serializers.ListField(child=serializers.IntegerField(), required=False)
    field = serializers.CharField(required=False, help_text='"text" or "alt_text:<image id>"')
    span = serializers.ListField(child=serializers.IntegerField(), required=False)
    person_id = serializers.IntegerField(required=False)
    record_id = serializers.IntegerField(required=False)
    channel = serializers.ChoiceField(CHANNEL_CHOICES, required=False)
    face_share = serializers.FloatField(
        required=False, help_text="R21: the share of the picture the face fills, 0 to 1."
    )
    remedies = serializers.ListField(child=serializers.CharField())


class ChannelConsentOutput(serializers.Serializer):
    allowed = serializers.BooleanField()
    reason = serializers.CharField()
    record_id = serializers.IntegerField(allow_null=True)


class FaceCheckOutput(serializers.Serializer):
    """A face as the check saw it, with the consent per channel it relied on."""

    image = serializers.IntegerField()
    face_id = serializers.IntegerField(allow_null=True)
    box = serializers.ListField(child=serializers.IntegerField())
    identifiable = serializers.BooleanField()
    source = serializers.CharField()  # type: ignore[assignment]  # the face's origin
    person_id = serializers.IntegerField(allow_null=True)
    distance = serializers.FloatField(allow_null=True)
    match_reason = serializers.CharField(allow_null=True)
    tag = serializers.CharField()
    blurred = serializers.BooleanField()
    flagged = serializers.BooleanField()
    identity_dispute = serializers.CharField(required=False, help_text='"open" or "upheld" (R1)')
    consent = serializers.DictField(child=ChannelConsentOutput())


class CheckRunOutput(serializers.Serializer):
    id = serializers.IntegerField()
    verdict = serializers.ChoiceField(["blocked", "needs_tagging", "ready"])
    created_at = serializers.DateTimeField()
    content_hash = serializers.CharField()
    findings = FindingOutput(many=True)
    faces = FaceCheckOutput(many=True)


class ApprovalOutput(serializers.Serializer):
    approver = serializers.CharField()
    approver_id = serializers.IntegerField()
    content_hash = serializers.CharField()
    confirmed_images = serializers.ListField(child=serializers.IntegerField())
    created_at = serializers.DateTimeField()


class NoteOutput(serializers.Serializer):
    id = serializers.IntegerField()
    author = serializers.CharField()
    kind = serializers.CharField()
    text = serializers.CharField()
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class PostDetailOutput(PostSummaryOutput):
    images = ImageOutput(many=True)
    content_hash = serializers.CharField()
    check_run = serializers.SerializerMethodField()
    approvals = serializers.SerializerMethodField()
    notes = serializers.SerializerMethodField()

    class Meta(PostSummaryOutput.Meta):
        fields = [
            *PostSummaryOutput.Meta.fields,
            "images",
            "content_hash",
            "check_run",
            "approvals",
            "notes",
        ]

    @extend_schema_field(CheckRunOutput(allow_null=True))
    def get_check_run(self, post: Post) -> dict[str, Any] | None:
        run = selectors.post_latest_check(post=post)
        if run is None:
            return None
        return {
            "id": run.pk,
            "verdict": run.verdict,
            "findings": run.findings,
            "faces": run.faces,
            "created_at": run.created_at,
            "content_hash": run.content_hash,
        }

    @extend_schema_field(ApprovalOutput(many=True))
    def get_approvals(self, post: Post) -> list[dict[str, Any]]:
        return [
            {
                "approver": str(a.approver),
                "approver_id": a.approver_id,
                "content_hash": a.content_hash,
                "confirmed_images": list(a.confirmed_images or []),
                "created_at": a.created_at,
            }
            for a in post.approvals.all()
        ]

    @extend_schema_field(NoteOutput(many=True))
    def get_notes(self, post: Post) -> list[dict[str, Any]]:
        return [
            {
                "id": n.pk,
                "author": str(n.author),
                "kind": n.kind,
                "text": n.text,
                "version": n.version,
                "created_at": n.created_at,
            }
            for n in post.notes.all()
        ]


def request_device(request: AuthedRequest) -> Any:
    """The enrolled tablet the request came from (R7), set by ``FromEnrolledDevice``."""
    return getattr(request, "device", None)


def post_detail_response(request: AuthedRequest, post_id: int, status: int = 200) -> Response:
    """After any change, every view answers with the post as its detail page shows it."""
    post = selectors.post_detail(user=request.user, post_id=post_id)
    faces = [f for img in post.images.all() for f in img.faces.all()]
    person_ids = {f.person_id for f in faces if f.person_id}
    person_ids |= {d.person_id for f in faces for d in f.disputes.all() if d.person_id}
    labels = selectors.person_labels(person_ids=person_ids) if person_ids else {}
    return Response(PostDetailOutput(post, context={"labels": labels}).data, status=status)
