"""Thin views for the comment dashboard: parse, call a selector or a service, render.

Every object is scoped through the selectors: a comment, evidence or school the user may
not see answers 404, so existence never leaks (escalated comments: the DSL and the head
teacher only, R13).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import User
from backend.accounts.permissions import FromEnrolledDevice, IsVerifiedMember
from backend.accounts.selectors import school_get_for_user
from backend.common.errors import InvalidInput, Refused
from backend.common.types import AuthedRequest
from moderation.screening import DEFAULT_THRESHOLDS, LABELS

from . import selectors, services
from .models import Comment, Evidence, ModerationAction

NO_SUCH_USER = "No such person among the school's moderators."


def _user_label(user: User | None) -> str | None:
    return str(user) if user is not None else None


class CommentActionOutput(serializers.ModelSerializer[ModerationAction]):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = ModerationAction
        fields = [
            "id", "kind", "actor", "actor_name", "note", "data", "platform_op",
            "platform_state", "attempts", "last_error", "next_attempt_at", "completed_at",
            "reply_post", "created_at",
        ]  # fmt: skip

    def get_actor_name(self, action: ModerationAction) -> str:
        return _user_label(action.actor) or "system"


def _comment_fields() -> list[str]:
    return [
        "id", "school", "channel", "external_id", "publication", "post_external_id", "parent",
        "parent_external_id", "author_external_id", "author_name", "text",
        "platform_created_at", "permalink", "media_urls", "status", "verdict", "labels",
        "escalated", "review", "assigned_to", "assigned_to_name", "decided_by", "decided_at",
        "edited_at", "created_at", "updated_at",
    ]  # fmt: skip


class CommentListApi(APIView):
    """The moderation dashboard: comments the user may see, escalated first, newest first.
    ``queue=open`` lists what awaits a decision."""

    class FilterSerializer(serializers.Serializer):
        school = serializers.IntegerField(required=False)
        queue = serializers.ChoiceField(Comment.Review.choices, required=False)
        verdict = serializers.ChoiceField(Comment.Verdict.choices, required=False)
        status = serializers.ChoiceField(Comment.Status.choices, required=False)
        channel = serializers.CharField(required=False)
        escalated = serializers.BooleanField(required=False, allow_null=True, default=None)
        assigned = serializers.CharField(required=False, help_text='a user id, or "me"')
        publication = serializers.IntegerField(required=False)

    class OutputSerializer(serializers.ModelSerializer[Comment]):
        assigned_to_name = serializers.SerializerMethodField()

        class Meta:
            model = Comment
            fields = _comment_fields()

        def get_assigned_to_name(self, comment: Comment) -> str | None:
            return _user_label(comment.assigned_to)

    @extend_schema(parameters=[FilterSerializer], responses=OutputSerializer(many=True))
    def get(self, request: AuthedRequest) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        f = filters.validated_data
        assigned = f.get("assigned")
        if assigned == "me":
            assigned_to: int | None = request.user.pk
        elif assigned:
            if not str(assigned).isdigit():
                raise InvalidInput('Give a user id or "me".', field="assigned")
            assigned_to = int(assigned)
        else:
            assigned_to = None
        qs = selectors.comments_for_user(
            user=request.user,
            school_id=f.get("school"),
            queue=f.get("queue"),
            verdict=f.get("verdict"),
            status=f.get("status"),
            channel=f.get("channel"),
            escalated=f.get("escalated"),
            assigned_to=assigned_to,
            publication_id=f.get("publication"),
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(self.OutputSerializer(page, many=True).data)


class CommentDetailApi(APIView):
    class OutputSerializer(serializers.ModelSerializer[Comment]):
        assigned_to_name = serializers.SerializerMethodField()
        actions = CommentActionOutput(many=True)
        evidence = serializers.SerializerMethodField()
        previous_texts = serializers.JSONField()

        class Meta:
            model = Comment
            fields = [*_comment_fields(), "previous_texts", "actions", "evidence"]

        def get_assigned_to_name(self, comment: Comment) -> str | None:
            return _user_label(comment.assigned_to)

        def get_evidence(self, comment: Comment) -> list[dict[str, Any]]:
            # A summary only: reading a record is GET /evidence/<id> (audited, R14).
            return [
                {
                    "id": e.pk,
                    "reason": e.reason,
                    "sha256": e.sha256,
                    "captured_at": e.captured_at,
                    "captured_by": _user_label(e.captured_by) or "system",
                    "countersigned_by": _user_label(e.countersigned_by),
                    "countersigned_at": e.countersigned_at,
                }
                for e in comment.evidence.all()
            ]

    @staticmethod
    def render(request: AuthedRequest, comment_id: int, status: int = 200) -> Response:
        comment = selectors.comment_get_for_user(user=request.user, comment_id=comment_id)
        return Response(CommentDetailApi.OutputSerializer(comment).data, status=status)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: AuthedRequest, comment_id: int) -> Response:
        comment = selectors.comment_get_for_user(user=request.user, comment_id=comment_id)
        services.comment_viewed(comment=comment, actor=request.user)
        return Response(self.OutputSerializer(comment).data)


class _NoteInput(serializers.Serializer):
    note = serializers.CharField(allow_blank=True, default="", max_length=5000)


class _CommentDecisionApi(APIView):
    """One decision on a comment (the subclasses name the service): parse, decide, render."""

    class InputSerializer(_NoteInput):
        pass

    decide: Callable[..., Any]

    @extend_schema(request=InputSerializer, responses=CommentDetailApi.OutputSerializer)
    def post(self, request: AuthedRequest, comment_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = selectors.comment_get_for_user(user=request.user, comment_id=comment_id)
        type(self).decide(comment=comment, actor=request.user, **data.validated_data)
        return CommentDetailApi.render(request, comment_id)


class CommentApproveApi(_CommentDecisionApi):
    """Approve: unhide on the platform (on the website: publish the comment)."""

    decide = staticmethod(services.comment_approve)


class CommentKeepHiddenApi(_CommentDecisionApi):
    """Keep it hidden (hides it now, evidence first, if it is visible)."""

    decide = staticmethod(services.comment_keep_hidden)


class CommentDeleteApi(_CommentDecisionApi):
    """Delete on the platform, after evidence is captured (R12)."""

    decide = staticmethod(services.comment_delete)


class CommentBlockAuthorApi(_CommentDecisionApi):
    """Block the author where the platform lets an app do it (Facebook)."""

    decide = staticmethod(services.comment_block_author)


class CommentReportApi(APIView):
    """Record that the platform (or police, or LADO) was told; ``reference`` is theirs."""

    class InputSerializer(serializers.Serializer):
        reference = serializers.CharField(allow_blank=True, default="", max_length=300)
        note = serializers.CharField(allow_blank=True, default="", max_length=5000)

    @extend_schema(request=InputSerializer, responses=CommentDetailApi.OutputSerializer)
    def post(self, request: AuthedRequest, comment_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = selectors.comment_get_for_user(user=request.user, comment_id=comment_id)
        services.comment_report(comment=comment, actor=request.user, **data.validated_data)
        return CommentDetailApi.render(request, comment_id)


class CommentReplyApi(APIView):
    """Reply from the official account: drafts a post on the comment's channel that goes
    through the checks and the approval queue like any post. Enrolled tablets only (R7)."""

    permission_classes = [IsVerifiedMember, FromEnrolledDevice]

    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(max_length=10000)

    class OutputSerializer(serializers.Serializer):
        action = serializers.IntegerField()
        post = serializers.IntegerField()
        post_status = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: AuthedRequest, comment_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = selectors.comment_get_for_user(user=request.user, comment_id=comment_id)
        action = services.comment_reply(
            comment=comment,
            actor=request.user,
            device=getattr(request, "device", None),
            text=data.validated_data["text"],
        )
        post = action.reply_post
        assert post is not None
        post.refresh_from_db()
        body = {"action": action.pk, "post": post.pk, "post_status": post.status}
        return Response(self.OutputSerializer(body).data, status=201)


class CommentAssignApi(APIView):
    class InputSerializer(serializers.Serializer):
        assignee = serializers.IntegerField(allow_null=True)

    @extend_schema(request=InputSerializer, responses=CommentDetailApi.OutputSerializer)
    def post(self, request: AuthedRequest, comment_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = selectors.comment_get_for_user(user=request.user, comment_id=comment_id)
        assignee = _assignee(comment, data.validated_data["assignee"])
        services.comment_assign(comment=comment, actor=request.user, assignee=assignee)
        return CommentDetailApi.render(request, comment_id)


def _assignee(comment: Comment, user_id: int | None) -> User | None:
    if user_id is None:
        return None
    user = selectors.moderators_for(comment=comment).filter(pk=user_id).first()
    if user is None:
        raise InvalidInput(NO_SUCH_USER, field="assignee")
    return user


class CommentNotesApi(APIView):
    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(max_length=5000)

    class OutputSerializer(serializers.ModelSerializer[ModerationAction]):
        author = serializers.SerializerMethodField()

        class Meta:
            model = ModerationAction
            fields = ["id", "author", "note", "created_at"]

        def get_author(self, action: ModerationAction) -> str:
            return _user_label(action.actor) or "system"

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request: AuthedRequest, comment_id: int) -> Response:
        comment = selectors.comment_get_for_user(user=request.user, comment_id=comment_id)
        if not selectors.user_may_moderate(user=request.user, comment=comment):
            raise Refused(services.NOT_A_MODERATOR)
        notes = selectors.comment_actions(comment=comment, kind=ModerationAction.Kind.NOTE)
        return Response(self.OutputSerializer(notes, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: AuthedRequest, comment_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = selectors.comment_get_for_user(user=request.user, comment_id=comment_id)
        note = services.comment_note_add(
            comment=comment, actor=request.user, text=data.validated_data["text"]
        )
        return Response(self.OutputSerializer(note).data, status=201)


class CommentBulkApi(APIView):
    """One action on many comments; each result says whether it worked and why not."""

    class InputSerializer(serializers.Serializer):
        ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
        action = serializers.ChoiceField(services.BULK_ACTIONS)
        note = serializers.CharField(allow_blank=True, default="", max_length=5000)
        assignee = serializers.IntegerField(required=False, allow_null=True)

    class OutputSerializer(serializers.Serializer):
        comment_id = serializers.IntegerField()
        ok = serializers.BooleanField()
        detail = serializers.CharField()

    @extend_schema(request=InputSerializer, responses=OutputSerializer(many=True))
    def post(self, request: AuthedRequest) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        assignee = None
        if v["action"] == "assign" and v.get("assignee") is not None:
            assignee = User.objects.filter(pk=v["assignee"], is_active=True).first()
            if assignee is None:
                raise InvalidInput(NO_SUCH_USER, field="assignee")
        outcomes = services.comments_bulk(
            actor=request.user,
            comment_ids=v["ids"],
            action=v["action"],
            note=v["note"],
            assignee=assignee,
        )
        return Response(self.OutputSerializer(outcomes, many=True).data)


class _EvidenceSummary(serializers.ModelSerializer[Evidence]):
    captured_by_name = serializers.SerializerMethodField()
    countersigned_by_name = serializers.SerializerMethodField()
    intact = serializers.BooleanField()

    class Meta:
        model = Evidence
        fields = [
            "id", "comment", "reason", "sha256", "intact", "captured_by", "captured_by_name",
            "captured_at", "countersigned_by", "countersigned_by_name", "countersigned_at",
        ]  # fmt: skip

    def get_captured_by_name(self, evidence: Evidence) -> str:
        return _user_label(evidence.captured_by) or "system"

    def get_countersigned_by_name(self, evidence: Evidence) -> str | None:
        return _user_label(evidence.countersigned_by)


class CommentEvidenceApi(APIView):
    """GET: the comment's evidence records (audited). POST: capture evidence now."""

    class OutputSerializer(_EvidenceSummary):
        pass

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request: AuthedRequest, comment_id: int) -> Response:
        comment = selectors.comment_get_for_user(user=request.user, comment_id=comment_id)
        records = list(selectors.evidence_for_comment(user=request.user, comment=comment))
        if not selectors.user_may_moderate(user=request.user, comment=comment):
            raise Refused(services.NOT_A_MODERATOR)
        for evidence in records:
            services.evidence_viewed(evidence=evidence, actor=request.user)
        return Response(self.OutputSerializer(records, many=True).data)

    @extend_schema(request=None, responses={201: OutputSerializer})
    def post(self, request: AuthedRequest, comment_id: int) -> Response:
        comment = selectors.comment_get_for_user(user=request.user, comment_id=comment_id)
        evidence = services.evidence_capture(comment=comment, actor=request.user)
        return Response(self.OutputSerializer(evidence).data, status=201)


class EvidenceDetailApi(APIView):
    """One evidence record with its canonical JSON (each view is audited, R14)."""

    class OutputSerializer(_EvidenceSummary):
        record = serializers.JSONField()
        canonical = serializers.CharField()

        class Meta(_EvidenceSummary.Meta):
            fields = [*_EvidenceSummary.Meta.fields, "record", "canonical"]

    @extend_schema(responses=OutputSerializer)
    def get(self, request: AuthedRequest, evidence_id: int) -> Response:
        evidence = selectors.evidence_get_for_user(user=request.user, evidence_id=evidence_id)
        services.evidence_viewed(evidence=evidence, actor=request.user)
        return Response(self.OutputSerializer(evidence).data)


class EvidenceCountersignApi(APIView):
    """A second person (DSL or leader, not the capturer) countersigns."""

    class OutputSerializer(_EvidenceSummary):
        pass

    @extend_schema(request=None, responses=OutputSerializer)
    def post(self, request: AuthedRequest, evidence_id: int) -> Response:
        evidence = selectors.evidence_get_for_user(user=request.user, evidence_id=evidence_id)
        evidence = services.evidence_countersign(evidence=evidence, actor=request.user)
        return Response(self.OutputSerializer(evidence).data)


class EvidenceExportApi(APIView):
    """A signed JSON bundle (``?as=json``, default) or a PDF (``?as=pdf``); refused (409)
    until a second person has countersigned."""

    class FilterSerializer(serializers.Serializer):
        # Not "format": DRF reserves that query parameter for content negotiation.
        as_ = serializers.ChoiceField(["json", "pdf"], default="json")

        def to_internal_value(self, data: Any) -> Any:
            return super().to_internal_value({"as_": data.get("as", "json")})

    @extend_schema(
        parameters=[OpenApiParameter("as", str, enum=["json", "pdf"])],
        responses={(200, "application/json"): dict, (200, "application/pdf"): bytes},
    )
    def get(self, request: AuthedRequest, evidence_id: int) -> HttpResponse:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        evidence = selectors.evidence_get_for_user(user=request.user, evidence_id=evidence_id)
        export = services.evidence_export(
            evidence=evidence, actor=request.user, fmt=filters.validated_data["as_"]
        )
        response = HttpResponse(export.content, content_type=export.content_type)
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        response["Cache-Control"] = "no-store"
        return response


class SchoolScreeningApi(APIView):
    """GET (leaders and DSL): the school's screening settings. PUT/PATCH (leaders): change
    the fields given."""

    class InputSerializer(serializers.Serializer):
        thresholds = serializers.DictField(child=serializers.FloatField(), required=False)
        blocked_words = serializers.ListField(child=serializers.CharField(), required=False)
        allowed_words = serializers.ListField(child=serializers.CharField(), required=False)
        staff_names = serializers.ListField(child=serializers.CharField(), required=False)
        allowed_domains = serializers.ListField(child=serializers.CharField(), required=False)
        fetch_channels = serializers.ListField(child=serializers.CharField(), required=False)

    class OutputSerializer(serializers.Serializer):
        school = serializers.IntegerField(source="school_id")
        thresholds = serializers.JSONField()
        effective_thresholds = serializers.SerializerMethodField()
        labels = serializers.SerializerMethodField()
        blocked_words = serializers.JSONField()
        allowed_words = serializers.JSONField()
        staff_names = serializers.JSONField()
        allowed_domains = serializers.JSONField()
        fetch_channels = serializers.JSONField()
        updated_at = serializers.DateTimeField()

        def get_effective_thresholds(self, stored: Any) -> dict[str, float]:
            return {**DEFAULT_THRESHOLDS, **stored.thresholds}

        def get_labels(self, stored: Any) -> list[str]:
            return list(LABELS)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: AuthedRequest, school_id: int) -> Response:
        school = school_get_for_user(
            user=request.user, school_id=school_id, roles=selectors.SETTINGS_VIEW_ROLES
        )
        return Response(self.OutputSerializer(selectors.screening_settings_for(school=school)).data)

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def put(self, request: AuthedRequest, school_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        school = school_get_for_user(user=request.user, school_id=school_id)
        stored = services.screening_settings_update(
            school=school, actor=request.user, **data.validated_data
        )
        return Response(self.OutputSerializer(stored).data)

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def patch(self, request: AuthedRequest, school_id: int) -> Response:
        return self.put(request, school_id)


class SchoolScreeningPreviewApi(APIView):
    """Screen a sample text with the school's settings (the same service as ingestion)."""

    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(max_length=10000, trim_whitespace=False)
        author_is_new = serializers.BooleanField(default=False)

    class OutputSerializer(serializers.Serializer):
        verdict = serializers.CharField()
        labels = serializers.JSONField()

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def post(self, request: AuthedRequest, school_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        school = school_get_for_user(
            user=request.user, school_id=school_id, roles=selectors.SETTINGS_VIEW_ROLES
        )
        result = services.comment_screen(school=school, **data.validated_data)
        body = {"verdict": result.verdict, "labels": services.labels_json(result.labels)}
        return Response(self.OutputSerializer(body).data)
