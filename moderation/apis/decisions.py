"""A leader's decisions (R8) and the post's thread, and the school's publishing policy and
pause."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.common.types import AuthedRequest

from .. import approvals, selectors
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
        return Response(self.OutputSerializer(approvals.school_policy_get_or_create(school)).data)

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
