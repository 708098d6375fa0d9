"""Thin views for posts: parse, call a service or selector, render."""

from typing import Any

from django.http import FileResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.permissions import FromEnrolledDevice, IsVerifiedMember
from backend.common.errors import InvalidInput, NotFound
from backend.common.types import AuthedRequest
from consent.models import Channel

from . import approvals, selectors, services
from .models import Face, FaceDispute, Post, PostImage

CHANNEL_CHOICES = Channel.choices


def _device(request: AuthedRequest) -> Any:
    return getattr(request, "device", None)


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


def _detail(request: AuthedRequest, post_id: int, status: int = 200) -> Response:
    post = selectors.post_detail(user=request.user, post_id=post_id)
    faces = [f for img in post.images.all() for f in img.faces.all()]
    person_ids = {f.person_id for f in faces if f.person_id}
    person_ids |= {d.person_id for f in faces for d in f.disputes.all() if d.person_id}
    labels = selectors.person_labels(person_ids=person_ids) if person_ids else {}
    return Response(PostDetailOutput(post, context={"labels": labels}).data, status=status)


class PostListApi(APIView):
    """GET: the queue (filters, most urgent first). POST: a new draft, from an enrolled
    tablet only (R7)."""

    permission_classes = [IsVerifiedMember, FromEnrolledDevice]

    class PageOutput(serializers.Serializer):
        count = serializers.IntegerField()
        next = serializers.URLField(allow_null=True)
        previous = serializers.URLField(allow_null=True)
        results = PostSummaryOutput(many=True)

    class FilterSerializer(serializers.Serializer):
        status = serializers.ListField(
            child=serializers.ChoiceField(Post.Status.choices), required=False
        )
        channel = serializers.ChoiceField(CHANNEL_CHOICES, required=False)
        author = serializers.IntegerField(required=False)
        identifiable_pupils = serializers.BooleanField(
            required=False, allow_null=True, default=None
        )
        scheduled_from = serializers.DateTimeField(required=False)
        scheduled_to = serializers.DateTimeField(required=False)
        school = serializers.IntegerField(required=False)

    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(allow_blank=True, default="", trim_whitespace=False)
        channels = serializers.ListField(child=serializers.CharField(), allow_empty=True)
        scheduled_at = serializers.DateTimeField(required=False, allow_null=True)

    @extend_schema(
        operation_id="posts_list",
        parameters=[FilterSerializer, OpenApiParameter("page", int, required=False)],
        responses=PageOutput,
    )
    def get(self, request: AuthedRequest) -> Response:
        params = {k: v for k, v in request.query_params.lists()}
        flat = {k: (v if k == "status" else v[0]) for k, v in params.items() if k != "page"}
        filters = self.FilterSerializer(data=flat)
        filters.is_valid(raise_exception=True)
        f = filters.validated_data
        qs = selectors.post_list(
            user=request.user,
            status=f.get("status"),
            channel=f.get("channel"),
            author_id=f.get("author"),
            identifiable_pupils=f.get("identifiable_pupils"),
            scheduled_from=f.get("scheduled_from"),
            scheduled_to=f.get("scheduled_to"),
            school_id=f.get("school"),
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(PostSummaryOutput(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: PostDetailOutput})
    def post(self, request: AuthedRequest) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        post = services.post_create(
            author=request.user, device=_device(request), **data.validated_data
        )
        return _detail(request, post.pk, status=201)


class PostDetailApi(APIView):
    permission_classes = [IsVerifiedMember, FromEnrolledDevice]

    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(allow_blank=True, required=False, trim_whitespace=False)
        channels = serializers.ListField(child=serializers.CharField(), required=False)
        scheduled_at = serializers.DateTimeField(required=False, allow_null=True)

    @extend_schema(responses=PostDetailOutput)
    def get(self, request: AuthedRequest, post_id: int) -> Response:
        return _detail(request, post_id)

    @extend_schema(request=InputSerializer, responses=PostDetailOutput)
    def patch(self, request: AuthedRequest, post_id: int) -> Response:
        data = self.InputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        post = selectors.post_get(user=request.user, post_id=post_id)
        changes = dict(data.validated_data)
        services.post_edit(
            post=post,
            actor=request.user,
            device=_device(request),
            text=changes.get("text"),
            channels=changes.get("channels"),
            scheduled_at=changes["scheduled_at"] if "scheduled_at" in changes else ...,
        )
        return _detail(request, post_id)


class PostSubmitApi(APIView):
    permission_classes = [IsVerifiedMember, FromEnrolledDevice]

    @extend_schema(request=None, responses=PostDetailOutput)
    def post(self, request: AuthedRequest, post_id: int) -> Response:
        post = selectors.post_get(user=request.user, post_id=post_id)
        services.post_submit(post=post, actor=request.user, device=_device(request))
        return _detail(request, post_id)


class PostImageAddApi(APIView):
    permission_classes = [IsVerifiedMember, FromEnrolledDevice]
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        image = serializers.FileField()
        alt_text = serializers.CharField(allow_blank=True, default="", max_length=1000)

    @extend_schema(request=InputSerializer, responses={201: PostDetailOutput})
    def post(self, request: AuthedRequest, post_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        post = selectors.post_get(user=request.user, post_id=post_id)
        upload = data.validated_data["image"]
        from django.conf import settings

        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise InvalidInput(
                f"The file is larger than {settings.UPLOAD_MAX_BYTES // 2**20} MB.", field="image"
            )
        services.post_image_add(
            post=post,
            actor=request.user,
            device=_device(request),
            data=upload.read(),
            alt_text=data.validated_data["alt_text"],
        )
        return _detail(request, post_id, status=201)


class PostImageApi(APIView):
    permission_classes = [IsVerifiedMember, FromEnrolledDevice]
    parser_classes = [JSONParser]

    class InputSerializer(serializers.Serializer):
        alt_text = serializers.CharField(allow_blank=True, max_length=1000)

    @extend_schema(request=InputSerializer, responses=PostDetailOutput)
    def patch(self, request: AuthedRequest, post_id: int, image_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        image = selectors.post_image_get(user=request.user, post_id=post_id, image_id=image_id)
        services.post_image_update(
            image=image,
            actor=request.user,
            device=_device(request),
            alt_text=data.validated_data["alt_text"],
        )
        return _detail(request, post_id)

    @extend_schema(responses={200: PostDetailOutput})
    def delete(self, request: AuthedRequest, post_id: int, image_id: int) -> Response:
        image = selectors.post_image_get(user=request.user, post_id=post_id, image_id=image_id)
        services.post_image_remove(image=image, actor=request.user, device=_device(request))
        return _detail(request, post_id)


class PostImageFileApi(APIView):
    """Image bytes for signed-in users who may see the post. The original (with its
    metadata) only for the author and leaders; never under a public URL (R6)."""

    @extend_schema(
        responses={(200, "image/jpeg"): bytes},
        parameters=[
            OpenApiParameter(
                "variant", str, OpenApiParameter.PATH, enum=["large", "medium", "thumb", "original"]
            )
        ],
    )
    def get(
        self, request: AuthedRequest, post_id: int, image_id: int, variant: str
    ) -> FileResponse:
        image = selectors.post_image_get(user=request.user, post_id=post_id, image_id=image_id)
        if variant not in ("large", "medium", "thumb", "original"):
            raise NotFound("No such image variant.")
        if variant == "original" and not selectors.may_see_original(
            user=request.user, post=image.post
        ):
            raise NotFound("No such image variant.")
        field = getattr(image, variant)
        if not field:
            raise NotFound("The original was deleted after the retention period.")
        response = FileResponse(
            field.open("rb"),
            content_type=(
                "image/jpeg" if variant != "original" else f"image/{image.original_format.lower()}"
            ),
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class FaceAddApi(APIView):
    """R20: anyone working on the post may draw a missed face — a leader on a phone too: a
    box changes no published bytes, so no enrolled device is needed."""

    class InputSerializer(serializers.Serializer):
        box = serializers.ListField(
            child=serializers.IntegerField(min_value=0),
            min_length=4,
            max_length=4,
            help_text="[top, right, bottom, left] px",
        )

    @extend_schema(request=InputSerializer, responses={201: PostDetailOutput})
    def post(self, request: AuthedRequest, post_id: int, image_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        image = selectors.post_image_get(user=request.user, post_id=post_id, image_id=image_id)
        services.face_add(image=image, actor=request.user, box=data.validated_data["box"])
        return _detail(request, post_id, status=201)


class FaceTagApi(APIView):
    """R2: the author or a leader says who a face is; like a box, a tag changes no published
    bytes, so it may come from a leader's phone."""

    class InputSerializer(serializers.Serializer):
        tag = serializers.ChoiceField(
            [Face.Tag.PERSON, Face.Tag.ADULT_CONSENT, Face.Tag.NOT_A_FACE]
        )
        person_id = serializers.IntegerField(required=False, allow_null=True)
        adult_name = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=200,
            help_text="Required for adult_consent: which adult this is.",
        )

    @extend_schema(request=InputSerializer, responses=PostDetailOutput)
    def post(self, request: AuthedRequest, post_id: int, face_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        face = selectors.face_get(user=request.user, post_id=post_id, face_id=face_id)
        services.face_tag(
            face=face,
            actor=request.user,
            tag=data.validated_data["tag"],
            person_id=data.validated_data.get("person_id"),
            adult_name=data.validated_data.get("adult_name", ""),
        )
        return _detail(request, post_id)


class FaceDisputeApi(APIView):
    """R1: "this is not <person>": the post stays blocked until a leader decides. Like a
    tag, it changes no published bytes, so no enrolled device is needed."""

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(allow_blank=True, max_length=2000)

    @extend_schema(request=InputSerializer, responses={201: PostDetailOutput})
    def post(self, request: AuthedRequest, post_id: int, face_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        face = selectors.face_get(user=request.user, post_id=post_id, face_id=face_id)
        services.face_dispute_raise(
            face=face, actor=request.user, reason=data.validated_data["reason"]
        )
        return _detail(request, post_id, status=201)


class FaceDisputeResolveApi(APIView):
    """A leader other than the disputer upholds (identification removed) or rejects a
    dispute, with a reason. Repeating the same decision answers the post as it is."""

    class InputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField([FaceDispute.Status.UPHELD, FaceDispute.Status.REJECTED])
        reason = serializers.CharField(allow_blank=True, max_length=2000)

    @extend_schema(request=InputSerializer, responses=PostDetailOutput)
    def post(self, request: AuthedRequest, post_id: int, dispute_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dispute = selectors.face_dispute_get(
            user=request.user, post_id=post_id, dispute_id=dispute_id
        )
        services.face_dispute_resolve(
            dispute=dispute,
            actor=request.user,
            outcome=data.validated_data["outcome"],
            reason=data.validated_data["reason"],
        )
        return _detail(request, post_id)


class FaceAdultConfirmApi(APIView):
    """R2 (school policy): a leader other than the tagger confirms an adult tag."""

    @extend_schema(request=None, responses=PostDetailOutput)
    def post(self, request: AuthedRequest, post_id: int, face_id: int) -> Response:
        face = selectors.face_get(user=request.user, post_id=post_id, face_id=face_id)
        services.face_adult_confirm(face=face, actor=request.user)
        return _detail(request, post_id)


class PostBlurApi(APIView):
    permission_classes = [IsVerifiedMember, FromEnrolledDevice]

    class InputSerializer(serializers.Serializer):
        face_ids = serializers.ListField(child=serializers.IntegerField(), required=False)
        without_consent = serializers.BooleanField(
            default=False,
            help_text=("Blur every face the last check found without consent or unidentified."),
        )

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if not attrs.get("face_ids") and not attrs.get("without_consent"):
                raise serializers.ValidationError(
                    {"face_ids": "Choose faces to blur, or set without_consent."}
                )
            return attrs

    @extend_schema(request=InputSerializer, responses=PostDetailOutput)
    def post(self, request: AuthedRequest, post_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        post = selectors.post_get(user=request.user, post_id=post_id)
        services.post_blur_faces(
            post=post,
            actor=request.user,
            face_ids=data.validated_data.get("face_ids"),
            without_consent=data.validated_data["without_consent"],
        )
        return _detail(request, post_id)


class PostApproveApi(APIView):
    """A leader approves the exact version they saw (R8), optionally scheduling it."""

    class InputSerializer(serializers.Serializer):
        content_hash = serializers.CharField()
        scheduled_at = serializers.DateTimeField(required=False, allow_null=True)
        # R20: one tick per photo (its id): no other identifiable person is in it.
        confirmed_images = serializers.ListField(
            child=serializers.IntegerField(), required=False, default=list
        )

    @extend_schema(request=InputSerializer, responses=PostDetailOutput)
    def post(self, request: AuthedRequest, post_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        post = selectors.post_get(user=request.user, post_id=post_id)
        v = data.validated_data
        approvals.post_approve(
            post_id=post.pk,
            approver=request.user,
            content_hash=v["content_hash"],
            scheduled_at=v["scheduled_at"] if "scheduled_at" in v else ...,
            confirmed_images=v["confirmed_images"],
        )
        return _detail(request, post_id)


class PostRejectApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(allow_blank=True)

    @extend_schema(request=InputSerializer, responses=PostDetailOutput)
    def post(self, request: AuthedRequest, post_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        post = selectors.post_get(user=request.user, post_id=post_id)
        approvals.post_reject(
            post_id=post.pk, actor=request.user, reason=data.validated_data["reason"]
        )
        return _detail(request, post_id)


class PostRequestChangesApi(APIView):
    class InputSerializer(serializers.Serializer):
        comment = serializers.CharField(allow_blank=True)

    @extend_schema(request=InputSerializer, responses=PostDetailOutput)
    def post(self, request: AuthedRequest, post_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        post = selectors.post_get(user=request.user, post_id=post_id)
        approvals.post_request_changes(
            post_id=post.pk, actor=request.user, comment=data.validated_data["comment"]
        )
        return _detail(request, post_id)


class PostNoteApi(APIView):
    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(allow_blank=True, max_length=5000)

    @extend_schema(request=InputSerializer, responses={201: PostDetailOutput})
    def post(self, request: AuthedRequest, post_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        post = selectors.post_get(user=request.user, post_id=post_id)
        approvals.post_note_add(post=post, author=request.user, text=data.validated_data["text"])
        return _detail(request, post_id, status=201)


class PostHistoryApi(APIView):
    """Every status change, approval, edit and tag of the post (from the audit log)."""

    class OutputSerializer(serializers.Serializer):
        seq = serializers.IntegerField()
        created_at = serializers.DateTimeField()
        actor_label = serializers.CharField()
        action = serializers.CharField()
        data = serializers.JSONField()  # type: ignore[assignment]

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request: AuthedRequest, post_id: int) -> Response:
        post = selectors.post_get(user=request.user, post_id=post_id)
        return Response(self.OutputSerializer(selectors.post_history(post=post), many=True).data)


class PostVersionDiffApi(APIView):
    """What changed since the version a leader last saw (text and images)."""

    class OutputSerializer(serializers.Serializer):
        class ChannelsOut(serializers.Serializer):
            before = serializers.ListField(child=serializers.CharField())
            now = serializers.ListField(child=serializers.CharField())

        from_version = serializers.IntegerField()
        to_version = serializers.IntegerField()
        text_diff = serializers.ListField(child=serializers.CharField())
        channels = ChannelsOut()
        images_added = serializers.ListField(child=serializers.IntegerField())
        images_removed = serializers.ListField(child=serializers.IntegerField())
        images_changed = serializers.ListField(child=serializers.IntegerField())
        alt_text_changed = serializers.ListField(child=serializers.IntegerField())

    @extend_schema(
        parameters=[OpenApiParameter("since", int, required=True)], responses=OutputSerializer
    )
    def get(self, request: AuthedRequest, post_id: int) -> Response:
        post = selectors.post_get(user=request.user, post_id=post_id)
        try:
            since = int(request.query_params.get("since", ""))
        except ValueError as exc:
            raise InvalidInput("Give the version you last saw as ?since=N.", field="since") from exc
        return Response(selectors.post_diff_since(post=post, version=since))


class SchoolPublishingApi(APIView):
    """GET the school's approval policy and pause state; POST pause or resume (audited)."""

    class InputSerializer(serializers.Serializer):
        action = serializers.ChoiceField(["pause", "resume"])
        reason = serializers.CharField(allow_blank=True, default="")
        whole_trust = serializers.BooleanField(default=False)

    class OutputSerializer(serializers.Serializer):
        school = serializers.IntegerField(source="school_id")
        approvals_required = serializers.IntegerField()
        approvals_required_identifiable_pupils = serializers.IntegerField()
        dsl_clearance_required = serializers.BooleanField()
        daily_digest = serializers.BooleanField()
        adult_tags_need_leader_confirmation = serializers.BooleanField()
        paused_at = serializers.DateTimeField(allow_null=True)
        pause_reason = serializers.CharField()

    @extend_schema(responses=OutputSerializer)
    def get(self, request: AuthedRequest, school_id: int) -> Response:
        from backend.accounts.selectors import school_get_for_user

        school = school_get_for_user(user=request.user, school_id=school_id)
        return Response(self.OutputSerializer(approvals.policy_for(school)).data)

    @extend_schema(request=InputSerializer, responses=OutputSerializer(many=True))
    def post(self, request: AuthedRequest, school_id: int) -> Response:
        from backend.accounts.selectors import school_get_for_user

        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        school = school_get_for_user(user=request.user, school_id=school_id)
        if v["action"] == "pause":
            changed = approvals.publishing_pause(
                actor=request.user, school=school, reason=v["reason"], whole_trust=v["whole_trust"]
            )
        else:
            changed = approvals.publishing_resume(
                actor=request.user, school=school, whole_trust=v["whole_trust"]
            )
        return Response(self.OutputSerializer(changed, many=True).data)
