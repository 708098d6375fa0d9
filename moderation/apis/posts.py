"""Posts on the tablet and in the queue: list, create, read, edit, submit, history and
the diff a leader sees since the version they last saw, and marking a version seen."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.permissions import FromEnrolledDevice, IsVerifiedMember
from backend.common.errors import InvalidInput
from backend.common.types import AuthedRequest

from .. import selectors, services
from ..models import Post
from .outputs import (
    CHANNEL_CHOICES,
    PostDetailOutput,
    PostSummaryOutput,
    post_detail_response,
    request_device,
)


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
            author=request.user, device=request_device(request), **data.validated_data
        )
        return post_detail_response(request, post.pk, status=201)


class PostDetailApi(APIView):
    permission_classes = [IsVerifiedMember, FromEnrolledDevice]

    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(allow_blank=True, required=False, trim_whitespace=False)
        channels = serializers.ListField(child=serializers.CharField(), required=False)
        scheduled_at = serializers.DateTimeField(required=False, allow_null=True)

    @extend_schema(responses=PostDetailOutput)
    def get(self, request: AuthedRequest, post_id: int) -> Response:
        return post_detail_response(request, post_id)

    @extend_schema(request=InputSerializer, responses=PostDetailOutput)
    def patch(self, request: AuthedRequest, post_id: int) -> Response:
        data = self.InputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        post = selectors.post_get(user=request.user, post_id=post_id)
        changes = dict(data.validated_data)
        services.post_edit(
            post=post,
            actor=request.user,
            device=request_device(request),
            text=changes.get("text"),
            channels=changes.get("channels"),
            scheduled_at=changes["scheduled_at"] if "scheduled_at" in changes else ...,
        )
        return post_detail_response(request, post_id)


class PostSubmitApi(APIView):
    permission_classes = [IsVerifiedMember, FromEnrolledDevice]

    @extend_schema(request=None, responses=PostDetailOutput)
    def post(self, request: AuthedRequest, post_id: int) -> Response:
        post = selectors.post_get(user=request.user, post_id=post_id)
        services.post_submit(post=post, actor=request.user, device=request_device(request))
        return post_detail_response(request, post_id)


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

        class TextChangeOut(serializers.Serializer):
            change = serializers.ChoiceField(["same", "added", "removed"])
            text = serializers.CharField(trim_whitespace=False)

        text_diff = serializers.ListField(child=serializers.CharField())
        text_changes = TextChangeOut(many=True)
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


class PostSeenApi(APIView):
    """POST: a leader has this version of the post in front of them (item 9 of issue 17).
    Answers the version they had seen before, which "Changed since you last looked"
    compares with; safe to repeat."""

    class OutputSerializer(serializers.Serializer):
        version = serializers.IntegerField()
        previous_version = serializers.IntegerField(allow_null=True)

    @extend_schema(request=None, responses=OutputSerializer)
    def post(self, request: AuthedRequest, post_id: int) -> Response:
        post = selectors.post_get(user=request.user, post_id=post_id)
        previous = services.post_mark_seen(post=post, actor=request.user)
        return Response({"version": post.version, "previous_version": previous})
