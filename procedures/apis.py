"""Thin views for procedures: parse, call a selector or a service, render. Objects are
scoped through the selectors (a case the user may not see answers 404, R13)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import Role, User
from backend.accounts.selectors import school_get_for_user
from backend.common.types import AuthedRequest

from . import selectors, services
from .models import Mention, ParentLetter, Platform, PlatformReport

CASE_ROLES = (Role.LEADER, Role.DSL)


def _name(user: User | None) -> str | None:
    return str(user) if user is not None else None


class _ReportOutput(serializers.ModelSerializer[PlatformReport]):
    reported_by_name = serializers.SerializerMethodField()
    outcome_recorded_by_name = serializers.SerializerMethodField()

    class Meta:
        model = PlatformReport
        fields = [
            "id", "comment_id", "platform", "reported_at", "reported_by_name", "reference",
            "note", "outcome", "outcome_note", "outcome_recorded_by_name", "outcome_recorded_at",
        ]  # fmt: skip

    def get_reported_by_name(self, report: PlatformReport) -> str | None:
        return _name(report.reported_by)

    def get_outcome_recorded_by_name(self, report: PlatformReport) -> str | None:
        return _name(report.outcome_recorded_by)


class _LetterOutput(serializers.ModelSerializer[ParentLetter]):
    created_by_name = serializers.SerializerMethodField()
    sent_by_name = serializers.SerializerMethodField()

    class Meta:
        model = ParentLetter
        fields = [
            "id", "comment_id", "recipient_name", "contact_id", "subject", "body", "status",
            "created_by_name", "created_at", "updated_at", "sent_by_name", "sent_at",
        ]  # fmt: skip

    def get_created_by_name(self, letter: ParentLetter) -> str | None:
        return _name(letter.created_by)

    def get_sent_by_name(self, letter: ParentLetter) -> str | None:
        return _name(letter.sent_by)


# --------------------------------------------------------------------------- the case


class CaseProceduresApi(APIView):
    """What has been done about a comment: reports to platforms and letters to parents."""

    class OutputSerializer(serializers.Serializer):
        reports = _ReportOutput(many=True)
        letters = _LetterOutput(many=True)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: AuthedRequest, comment_id: int) -> Response:
        comment = selectors.case_for(user=request.user, comment_id=comment_id)
        data = {
            "reports": selectors.reports_for_case(comment_id=comment.pk),
            "letters": selectors.letters_for_case(comment_id=comment.pk),
        }
        return Response(self.OutputSerializer(data).data)


class ReportPackApi(APIView):
    """The report pack for every platform, filled from the evidence record (audited)."""

    class OutputSerializer(serializers.Serializer):
        class PackSerializer(serializers.Serializer):
            class FieldSerializer(serializers.Serializer):
                key = serializers.CharField()
                title = serializers.CharField(source="label")
                value = serializers.CharField()

            platform = serializers.CharField()
            name = serializers.CharField()
            is_comment_platform = serializers.BooleanField()
            report_route = serializers.ListField(child=serializers.CharField())
            report_url = serializers.CharField()
            facts = FieldSerializer(source="fields", many=True)
            what_to_expect = serializers.CharField()
            police_note = serializers.CharField()
            escalation_note = serializers.CharField()
            instructions_from = serializers.CharField(source="source")

        comment_id = serializers.IntegerField()
        channel = serializers.CharField()
        evidence_id = serializers.IntegerField()
        evidence_sha256 = serializers.CharField()
        may_be_in_danger = serializers.BooleanField()
        packs = PackSerializer(many=True)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: AuthedRequest, comment_id: int) -> Response:
        pack = services.report_pack_build(comment_id=comment_id, actor=request.user)
        return Response(self.OutputSerializer(pack).data)


class PlatformReportCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        platform = serializers.ChoiceField(Platform.choices)
        reported_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
        reference = serializers.CharField(allow_blank=True, default="", max_length=200)
        note = serializers.CharField(allow_blank=True, default="", max_length=5000)

    class OutputSerializer(_ReportOutput):
        pass

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: AuthedRequest, comment_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.platform_report_record(
            comment_id=comment_id, actor=request.user, **data.validated_data
        )
        return Response(self.OutputSerializer(report).data, status=201)


class PlatformReportOutcomeApi(APIView):
    class InputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(PlatformReport.Outcome.choices)
        note = serializers.CharField(allow_blank=True, default="", max_length=5000)

    class OutputSerializer(_ReportOutput):
        pass

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def post(self, request: AuthedRequest, report_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.platform_report_outcome_record(
            report_id=report_id, actor=request.user, **data.validated_data
        )
        return Response(self.OutputSerializer(report).data)


# --------------------------------------------------------------------------- letters


class ParentLetterCreateApi(APIView):
    """Draft the letter inviting a parent to a meeting, filled from the case."""

    class InputSerializer(serializers.Serializer):
        recipient_name = serializers.CharField(allow_blank=True, default="", max_length=200)
        person_id = serializers.IntegerField(required=False, allow_null=True, default=None)
        contact_id = serializers.IntegerField(required=False, allow_null=True, default=None)
        event = serializers.CharField(allow_blank=True, default="", max_length=300)
        meeting_when = serializers.CharField(max_length=200)
        meeting_with = serializers.CharField(allow_blank=True, default="", max_length=200)
        note_taker = serializers.CharField(max_length=200)

    class OutputSerializer(_LetterOutput):
        pass

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: AuthedRequest, comment_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        letter = services.parent_letter_draft(
            comment_id=comment_id,
            actor=request.user,
            details=services.LetterDetails(**data.validated_data),
        )
        return Response(self.OutputSerializer(letter).data, status=201)


class ParentLetterApi(APIView):
    class InputSerializer(serializers.Serializer):
        subject = serializers.CharField(allow_blank=True, default="", max_length=200)
        body = serializers.CharField(max_length=20_000)

    class OutputSerializer(_LetterOutput):
        pass

    @extend_schema(responses=OutputSerializer)
    def get(self, request: AuthedRequest, letter_id: int) -> Response:
        letter = selectors.letter_get_for_user(user=request.user, letter_id=letter_id)
        return Response(self.OutputSerializer(letter).data)

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def patch(self, request: AuthedRequest, letter_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        letter = services.parent_letter_update(
            letter_id=letter_id, actor=request.user, **data.validated_data
        )
        return Response(self.OutputSerializer(letter).data)


class ParentLetterSendApi(APIView):
    class OutputSerializer(_LetterOutput):
        pass

    @extend_schema(request=None, responses=OutputSerializer)
    def post(self, request: AuthedRequest, letter_id: int) -> Response:
        letter = services.parent_letter_send(letter_id=letter_id, actor=request.user)
        return Response(self.OutputSerializer(letter).data)


class ParentLetterPdfApi(APIView):
    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request: AuthedRequest, letter_id: int) -> HttpResponse:
        letter, pdf = services.parent_letter_pdf(letter_id=letter_id, actor=request.user)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="letter-{letter.pk}.pdf"'
        response["Cache-Control"] = "no-store"
        return response


class LetterTemplateApi(APIView):
    """GET (leaders and DSL): the school's letter wording; PUT (leaders): replace it."""

    class InputSerializer(serializers.Serializer):
        subject = serializers.CharField(max_length=200)
        body = serializers.CharField(max_length=20_000)

    class OutputSerializer(serializers.Serializer):
        subject = serializers.CharField()
        body = serializers.CharField()

    @extend_schema(responses=OutputSerializer)
    def get(self, request: AuthedRequest, school_id: int) -> Response:
        school = school_get_for_user(user=request.user, school_id=school_id, roles=CASE_ROLES)
        subject, body = selectors.letter_template_for(school=school)
        return Response(self.OutputSerializer({"subject": subject, "body": body}).data)

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def put(self, request: AuthedRequest, school_id: int) -> Response:
        school = school_get_for_user(user=request.user, school_id=school_id, roles=CASE_ROLES)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        template = services.letter_template_update(
            school=school, actor=request.user, **data.validated_data
        )
        return Response(self.OutputSerializer(template).data)


# --------------------------------------------------------------------------- mentions


class _MentionOutput(serializers.ModelSerializer[Mention]):
    class Meta:
        model = Mention
        fields = [
            "id", "school", "source", "url", "author_handle", "author_id", "text", "posted_at",
            "term", "verdict", "labels", "names_pupil", "alerted", "state", "evidence_sha256",
            "captured_at", "found_at",
        ]  # fmt: skip


class MentionListApi(APIView):
    """Mentions of the user's schools found elsewhere; alerted ones first (DSL and head)."""

    class FilterSerializer(serializers.Serializer):
        school = serializers.IntegerField(required=False)
        state = serializers.ChoiceField(Mention.State.choices, required=False)

    class OutputSerializer(_MentionOutput):
        pass

    @extend_schema(parameters=[FilterSerializer], responses=OutputSerializer(many=True))
    def get(self, request: AuthedRequest) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        mentions = selectors.mentions_for_user(
            user=request.user,
            school_id=filters.validated_data.get("school"),
            state=filters.validated_data.get("state"),
        )[:200]
        return Response(self.OutputSerializer(mentions, many=True).data)


class MentionCaptureApi(APIView):
    class OutputSerializer(_MentionOutput):
        pass

    @extend_schema(request=None, responses=OutputSerializer)
    def post(self, request: AuthedRequest, mention_id: int) -> Response:
        mention = services.mention_capture(mention_id=mention_id, actor=request.user)
        return Response(self.OutputSerializer(mention).data)


class MentionDismissApi(APIView):
    class OutputSerializer(_MentionOutput):
        pass

    @extend_schema(request=None, responses=OutputSerializer)
    def post(self, request: AuthedRequest, mention_id: int) -> Response:
        mention = services.mention_dismiss(mention_id=mention_id, actor=request.user)
        return Response(self.OutputSerializer(mention).data)


class MentionWatchApi(APIView):
    """GET (leaders and DSL): the watch terms and sources; PUT (leaders): change them."""

    class InputSerializer(serializers.Serializer):
        terms = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
        bluesky_enabled = serializers.BooleanField(required=False, allow_null=True, default=None)
        x_search_enabled = serializers.BooleanField(required=False, allow_null=True, default=None)

    class OutputSerializer(serializers.Serializer):
        terms = serializers.ListField(child=serializers.CharField())
        bluesky_enabled = serializers.BooleanField()
        x_search_enabled = serializers.BooleanField()
        last_searched_at = serializers.DateTimeField(allow_null=True)
        last_notice = serializers.CharField()
        x_search_cost_usd = serializers.SerializerMethodField(
            help_text="What one X search for one term costs at most (a full page of reads)."
        )

        def get_x_search_cost_usd(self, watch: Any) -> str:
            per_read = settings.X_PRICE_OTHER_READ
            return f"{per_read * max(10, settings.MENTION_SEARCH_LIMIT):.3f}"

    @extend_schema(responses=OutputSerializer)
    def get(self, request: AuthedRequest, school_id: int) -> Response:
        school = school_get_for_user(user=request.user, school_id=school_id, roles=CASE_ROLES)
        return Response(self.OutputSerializer(selectors.mention_watch_for(school=school)).data)

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def put(self, request: AuthedRequest, school_id: int) -> Response:
        school = school_get_for_user(user=request.user, school_id=school_id, roles=CASE_ROLES)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        watch = services.mention_watch_update(
            school=school, actor=request.user, **data.validated_data
        )
        return Response(self.OutputSerializer(watch).data)


# --------------------------------------------------------------------------- X costs


class XCostsApi(APIView):
    """GET (leaders and DSL): month-to-date X spend, the budget and the prices. PUT
    (leaders): the monthly budget (empty: none) and whether X replies are polled."""

    class InputSerializer(serializers.Serializer):
        monthly_budget_usd = serializers.DecimalField(
            max_digits=8, decimal_places=2, allow_null=True, required=False, min_value=0
        )
        reply_polling_enabled = serializers.BooleanField(
            required=False, allow_null=True, default=None
        )

    class OutputSerializer(serializers.Serializer):
        budget_usd = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
        spent_usd = serializers.DecimalField(max_digits=10, decimal_places=4)
        over_budget = serializers.BooleanField()
        reply_polling_enabled = serializers.BooleanField()
        by_kind = serializers.DictField(child=serializers.DictField(child=serializers.CharField()))
        prices = serializers.SerializerMethodField()

        def get_prices(self, status: Any) -> dict[str, float]:
            return {
                "post": settings.X_PRICE_POST,
                "post_with_link": settings.X_PRICE_POST_WITH_LINK,
                "owned_read": settings.X_PRICE_OWNED_READ,
                "other_read": settings.X_PRICE_OTHER_READ,
            }

    @extend_schema(responses=OutputSerializer)
    def get(self, request: AuthedRequest, school_id: int) -> Response:
        school = school_get_for_user(user=request.user, school_id=school_id, roles=CASE_ROLES)
        return Response(self.OutputSerializer(selectors.x_status(school=school)).data)

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def put(self, request: AuthedRequest, school_id: int) -> Response:
        school = school_get_for_user(user=request.user, school_id=school_id, roles=CASE_ROLES)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        services.x_budget_update(
            school=school,
            actor=request.user,
            monthly_budget_usd=changes.get("monthly_budget_usd", ...),
            reply_polling_enabled=changes.get("reply_polling_enabled"),
        )
        return Response(self.OutputSerializer(selectors.x_status(school=school)).data)


class PostXCostApi(APIView):
    """The estimated X cost of a post, shown before approval (a link costs more)."""

    class OutputSerializer(serializers.Serializer):
        kind = serializers.CharField(source="cost.kind")
        cost_usd = serializers.DecimalField(source="cost.cost_usd", max_digits=8, decimal_places=3)
        has_link = serializers.BooleanField(source="cost.has_link")
        over_budget = serializers.BooleanField()
        notice = serializers.CharField()

    @extend_schema(responses=OutputSerializer)
    def get(self, request: AuthedRequest, post_id: int) -> Response:
        estimate = selectors.x_post_estimate(post_id=post_id, user=request.user)
        return Response(self.OutputSerializer(estimate).data)
