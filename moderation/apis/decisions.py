"""A leader's decisions (R8) and the post's thread, and the school's publishing policy and
pause."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.selectors import school_get_for_user
from backend.common.types import AuthedRequest

from .. import approvals, selectors
from ..models import SchoolPolicy
from .outputs import PostDetailOutput, post_detail_response


class PostApproveApi(APIView):
    """A leader approves the exact version they saw (R8), optionally scheduling it."""

    class InputSerializer(serializers.Serializer):
        content_hash = serializers.CharField()
        scheduled_at = serializers.DateTimeField(required=False, allow_null=True)
        # R20: one tick per photo (its id): no other identifiable person is in it.
        confirmed_images = serializers.ListField(
            child=serializers.IntegerField(), required=False, default=list
        )
        # Codes of the notices the leader accepted (e.g. "x_over_budget"); a notice not
        # accepted answers 409 with its code.
        acknowledged = serializers.ListField(
            child=serializers.CharField(max_length=50), required=False, default=list
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
            acknowledged=v["acknowledged"],
        )
        return post_detail_response(request, post_id)


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
        return post_detail_response(request, post_id)


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
        return post_detail_response(request, post_id)


class PostNoteApi(APIView):
    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(allow_blank=True, max_length=5000)

    @extend_schema(request=InputSerializer, responses={201: PostDetailOutput})
    def post(self, request: AuthedRequest, post_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        post = selectors.post_get(user=request.user, post_id=post_id)
        approvals.post_note_add(post=post, author=request.user, text=data.validated_data["text"])
        return post_detail_response(request, post_id, status=201)


class SchoolPublishingOutput(serializers.Serializer):
    """The school's approval policy, its R21 image guidance and its pause state."""

    school = serializers.IntegerField(source="school_id")
    approvals_required = serializers.IntegerField()
    approvals_required_identifiable_pupils = serializers.IntegerField()
    dsl_clearance_required = serializers.BooleanField()
    daily_digest = serializers.BooleanField()
    adult_tags_need_leader_confirmation = serializers.BooleanField()
    published_long_side = serializers.SerializerMethodField(
        help_text="Long side (px) of the largest picture published: the school's or the default."
    )
    published_long_side_is_default = serializers.SerializerMethodField(
        help_text="True when the school has not set its own long side."
    )
    close_up_faces_block = serializers.SerializerMethodField(
        help_text="A close-up, face-on photo blocks the post instead of warning (R21)."
    )
    paused_at = serializers.DateTimeField(allow_null=True)
    pause_reason = serializers.CharField()

    # The effective values, as the checks apply them (the deployment's defaults fill what the
    # school leaves blank), so the screen never shows a setting the checks do not use.
    def get_published_long_side(self, policy: SchoolPolicy) -> int:
        return selectors.school_image_guidance(school_id=policy.school_id).published_long_side

    def get_published_long_side_is_default(self, policy: SchoolPolicy) -> bool:
        return policy.published_long_side is None

    def get_close_up_faces_block(self, policy: SchoolPolicy) -> bool:
        return selectors.school_image_guidance(school_id=policy.school_id).close_up_faces_block


class SchoolPublishingApi(APIView):
    """GET the school's approval policy and pause state; POST pause or resume; PATCH the
    policy (a leader or trust administrator; audited)."""

    class InputSerializer(serializers.Serializer):
        action = serializers.ChoiceField(["pause", "resume"])
        reason = serializers.CharField(allow_blank=True, default="")
        whole_trust = serializers.BooleanField(default=False)

    class PolicyInputSerializer(serializers.Serializer):
        """Any of the settings; what is left out stays as it is. The service checks ranges,
        so the API and the admin refuse the same values with the same words."""

        approvals_required = serializers.IntegerField(required=False)
        approvals_required_identifiable_pupils = serializers.IntegerField(required=False)
        dsl_clearance_required = serializers.BooleanField(required=False)
        daily_digest = serializers.BooleanField(required=False)
        adult_tags_need_leader_confirmation = serializers.BooleanField(required=False)
        published_long_side = serializers.IntegerField(
            required=False,
            allow_null=True,
            help_text="Pixels, 320 to 4096; null: the default (1280).",
        )
        close_up_faces_block = serializers.BooleanField(required=False)

    @extend_schema(responses=SchoolPublishingOutput)
    def get(self, request: AuthedRequest, school_id: int) -> Response:
        school = school_get_for_user(user=request.user, school_id=school_id)
        return Response(SchoolPublishingOutput(approvals.school_policy_get_or_create(school)).data)

    @extend_schema(request=InputSerializer, responses=SchoolPublishingOutput(many=True))
    def post(self, request: AuthedRequest, school_id: int) -> Response:
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
        return Response(SchoolPublishingOutput(changed, many=True).data)

    @extend_schema(request=PolicyInputSerializer, responses=SchoolPublishingOutput)
    def patch(self, request: AuthedRequest, school_id: int) -> Response:
        data = self.PolicyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        school = school_get_for_user(user=request.user, school_id=school_id)
        policy = approvals.school_policy_update(
            school=school, actor=request.user, changes=dict(data.validated_data)
        )
        return Response(SchoolPublishingOutput(policy).data)
