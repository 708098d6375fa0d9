"""Thin views for the comment dashboard: parse, call a selector or a service, render.

Every object is scoped through the selectors: a comment, evidence or school the user may
not see answers 404, so existence never leaks (escalated comments: the DSL and the head
teacher only, R13).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from drf_spectacular.utils import extend_schema, extend_schema_field
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
from moderation.screening.semantic import (
    OPERATING_POINTS_MEASURED_ON,
    SENSITIVITIES,
    operating_points,
)

from . import corrections, selectors, services
from .models import Comment, Evidence, ModerationAction

NO_SUCH_USER = "No such person among the school's moderators."


def user_label(user: User | None) -> str | None:
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
        return user_label(action.actor) or "system"


def _comment_fields() -> list[str]:
    return [
        "id", "school", "channel", "external_id", "publication", "post_external_id", "parent",
        "parent_external_id", "author_external_id", "author_name", "text",
        "platform_created_at", "permalink", "media_urls", "status", "verdict", "labels",
        "escalated", "review", "assigned_to", "assigned_to_name", "decided_by", "decided_at",
        "edited_at", "created_at", "updated_at",
    ]  # fmt: skip


class CommentLabelSerializer(serializers.Serializer):
    """One reason screening gave (``services.labels_json``): what fired, how sure, where in
    the original text (code points), which screener and why. A value shape, not an
    endpoint's input or output: one type wherever labels appear (list, detail, preview)."""

    # A field named like Field.label: DRF's metaclass takes declared fields off the class.
    label = serializers.CharField()  # type: ignore[assignment]
    score = serializers.FloatField()
    span = serializers.ListField(
        child=serializers.IntegerField(), min_length=2, max_length=2, allow_null=True
    )
    screener = serializers.CharField(required=False)
    reason = serializers.CharField(required=False)


class CommentPreviousTextSerializer(serializers.Serializer):
    """The text before an edit, and until when it stood."""

    text = serializers.CharField()
    until = serializers.CharField()


class CommentListApi(APIView):
    """The moderation dashboard: comments the user may see, escalated first, newest first.
    ``queue=open`` lists what awaits a decision."""

    # Hand-paginated below; declared so the schema shows the page envelope and `page`.
    pagination_class = PageNumberPagination

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
        labels = CommentLabelSerializer(many=True)
        media_urls = serializers.ListField(child=serializers.CharField())

        class Meta:
            model = Comment
            fields = _comment_fields()

        def get_assigned_to_name(self, comment: Comment) -> str | None:
            return user_label(comment.assigned_to)

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
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(self.OutputSerializer(page, many=True).data)


class CommentEvidenceSummarySerializer(serializers.Serializer):
    """A comment's evidence record in the comment's detail (``selectors.
    CommentEvidenceSummary``): a summary only; reading the record is GET /evidence/<id>
    (audited, R14)."""

    id = serializers.IntegerField()
    reason = serializers.ChoiceField(Evidence.Reason.choices)
    sha256 = serializers.CharField()
    captured_at = serializers.DateTimeField()
    captured_by = serializers.CharField(help_text='the person, or "system"')
    countersigned_by = serializers.CharField(allow_null=True)
    countersigned_at = serializers.DateTimeField(allow_null=True)
    can_export = serializers.BooleanField(
        help_text="whether the user asking may export it now (R12: two people stand behind it)"
    )
    export_reason = serializers.CharField(
        help_text="why they may or may not export it, in words to show beside the record"
    )


class CommentDetailApi(APIView):
    class OutputSerializer(serializers.ModelSerializer[Comment]):
        assigned_to_name = serializers.SerializerMethodField()
        labels = CommentLabelSerializer(many=True)
        media_urls = serializers.ListField(child=serializers.CharField())
        actions = CommentActionOutput(many=True)
        evidence = serializers.SerializerMethodField()
        previous_texts = CommentPreviousTextSerializer(many=True)

        class Meta:
            model = Comment
            fields = [*_comment_fields(), "previous_texts", "actions", "evidence"]

        def get_assigned_to_name(self, comment: Comment) -> str | None:
            return user_label(comment.assigned_to)

        @extend_schema_field(CommentEvidenceSummarySerializer(many=True))
        def get_evidence(self, comment: Comment) -> list[dict[str, Any]]:
            summaries = selectors.comment_evidence_summaries(
                comment=comment, user=self.context["request"].user
            )
            rows = CommentEvidenceSummarySerializer(summaries, many=True).data
            return cast(list[dict[str, Any]], rows)  # a ReturnList (many=True)

    @staticmethod
    def render(request: AuthedRequest, comment_id: int, status: int = 200) -> Response:
        comment = selectors.comment_get_for_user(user=request.user, comment_id=comment_id)
        output = CommentDetailApi.OutputSerializer(comment, context={"request": request})
        return Response(output.data, status=status)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: AuthedRequest, comment_id: int) -> Response:
        comment = selectors.comment_get_for_user(user=request.user, comment_id=comment_id)
        services.comment_viewed(comment=comment, actor=request.user)
        return Response(self.OutputSerializer(comment, context={"request": request}).data)


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
            return user_label(action.actor) or "system"

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
        thresholds = serializers.DictField(child=serializers.FloatField())
        effective_thresholds = serializers.SerializerMethodField()
        labels = serializers.SerializerMethodField()
        blocked_words = serializers.ListField(child=serializers.CharField())
        allowed_words = serializers.ListField(child=serializers.CharField())
        staff_names = serializers.ListField(child=serializers.CharField())
        allowed_domains = serializers.ListField(child=serializers.CharField())
        fetch_channels = serializers.ListField(child=serializers.CharField())
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
        verdict = serializers.ChoiceField(Comment.Verdict.choices)
        labels = CommentLabelSerializer(many=True)

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


class CommentReclassifyApi(APIView):
    """A moderator's correction (issue 15): this comment was ordinary (``labels`` empty) or
    harmful with these labels. The school's screener learns from it at the next refit."""

    class InputSerializer(serializers.Serializer):
        labels = serializers.ListField(
            child=serializers.ChoiceField(list(LABELS)), allow_empty=True, max_length=len(LABELS)
        )

    class OutputSerializer(serializers.Serializer):
        comment = serializers.IntegerField(source="comment_id")
        labels = serializers.ListField(child=serializers.CharField())
        updated_at = serializers.DateTimeField()

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def post(self, request: AuthedRequest, comment_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = selectors.comment_get_for_user(user=request.user, comment_id=comment_id)
        correction = corrections.comment_reclassify(
            comment=comment, actor=request.user, labels=data.validated_data["labels"]
        )
        return Response(self.OutputSerializer(correction).data)


class _OperatingPointOutput(serializers.Serializer):
    name = serializers.CharField()
    budget = serializers.FloatField()
    real_recall = serializers.FloatField()
    real_false_hold = serializers.FloatField()
    school_recall = serializers.FloatField()
    school_false_hold = serializers.FloatField()


class _RefitOutput(serializers.Serializer):
    fitted_at = serializers.DateTimeField()
    corrections = serializers.IntegerField()
    before = serializers.DictField(child=serializers.FloatField())
    after = serializers.DictField(child=serializers.FloatField())


class SchoolScreeningSensitivityApi(APIView):
    """GET (leaders and DSL): the school's sensitivity and what each operating point means in
    numbers; PUT (leaders): choose one."""

    class InputSerializer(serializers.Serializer):
        sensitivity = serializers.ChoiceField(list(SENSITIVITIES))

    class OutputSerializer(serializers.Serializer):
        sensitivity = serializers.ChoiceField(list(SENSITIVITIES))
        operating_points = _OperatingPointOutput(many=True)
        measured_on = serializers.CharField()
        refit = _RefitOutput(allow_null=True)

    @staticmethod
    def render(school_id: int, sensitivity: str) -> Response:
        adaptation = corrections.screening_adaptation_report(school=school_id)
        return Response(
            SchoolScreeningSensitivityApi.OutputSerializer(
                {
                    "sensitivity": sensitivity,
                    "operating_points": operating_points(),
                    "measured_on": OPERATING_POINTS_MEASURED_ON,
                    "refit": adaptation,
                }
            ).data
        )

    @extend_schema(responses=OutputSerializer)
    def get(self, request: AuthedRequest, school_id: int) -> Response:
        school = school_get_for_user(
            user=request.user, school_id=school_id, roles=selectors.SETTINGS_VIEW_ROLES
        )
        stored = selectors.screening_settings_for(school=school)
        return self.render(school.pk, stored.sensitivity)

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def put(self, request: AuthedRequest, school_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        school = school_get_for_user(user=request.user, school_id=school_id)
        stored = corrections.screening_sensitivity_set(
            school=school, actor=request.user, sensitivity=data.validated_data["sensitivity"]
        )
        return self.render(school.pk, stored.sensitivity)
