"""Thin views for a comment's evidence (R12): list and capture, read one record (audited,
R14), countersign, export. Scoped through the selectors: evidence the user may not see
answers 404 (escalated comments: the DSL and the head teacher only, R13)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.common.errors import Refused
from backend.common.types import AuthedRequest

from . import selectors, services
from .apis import CommentLabelSerializer, CommentPreviousTextSerializer, user_label
from .models import Evidence

# What an evidence record holds (``services.evidence._comment_evidence_record``, format
# comment-evidence/v1): value shapes shared by the record's parts, so the generated client
# types every field. Keys a record may lack are optional, so the output equals the record.


class CommentEvidenceSchoolSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CommentEvidencePublicationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    post_id = serializers.IntegerField()
    external_id = serializers.CharField()
    url = serializers.CharField()


class CommentEvidenceMediaSerializer(serializers.Serializer):
    url = serializers.CharField()
    downloaded = serializers.BooleanField(help_text="always false: media is never copied (R12)")


class CommentSnapshotSerializer(serializers.Serializer):
    """The comment as the record quotes it (``Comment.snapshot``); times are ISO 8601."""

    channel = serializers.CharField()
    external_id = serializers.CharField()
    post_external_id = serializers.CharField()
    parent_external_id = serializers.CharField()
    author_id = serializers.CharField()
    author_name = serializers.CharField()
    text = serializers.CharField()
    previous_texts = CommentPreviousTextSerializer(many=True)
    permalink = serializers.CharField()
    platform_created_at = serializers.CharField(allow_null=True)
    edited_at = serializers.CharField(allow_null=True)
    first_stored_at = serializers.CharField(allow_null=True)
    media = CommentEvidenceMediaSerializer(many=True)
    verdict = serializers.CharField()
    escalated = serializers.BooleanField()
    labels = CommentLabelSerializer(many=True)


class CommentEvidencePersonSerializer(serializers.Serializer):
    """A person (id, email, name), or ``system`` when screening captured it."""

    id = serializers.IntegerField(required=False)
    email = serializers.CharField(required=False)
    name = serializers.CharField(required=False)
    system = serializers.CharField(required=False)


class CommentEvidenceRecordSerializer(serializers.Serializer):
    format = serializers.CharField()
    school = CommentEvidenceSchoolSerializer()
    publication = CommentEvidencePublicationSerializer(allow_null=True)
    comment = CommentSnapshotSerializer()
    media_possibly_indecent = serializers.BooleanField()
    media_policy = serializers.CharField()
    reason = serializers.CharField()
    captured_at = serializers.CharField()
    captured_by = CommentEvidencePersonSerializer()


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
        return user_label(evidence.captured_by) or "system"

    def get_countersigned_by_name(self, evidence: Evidence) -> str | None:
        return user_label(evidence.countersigned_by)


class CommentEvidenceApi(APIView):
    """GET: the comment's evidence records (audited). POST: capture evidence now."""

    class OutputSerializer(_EvidenceSummary):
        pass

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request: AuthedRequest, comment_id: int) -> Response:
        comment = selectors.comment_get_for_user(user=request.user, comment_id=comment_id)
        records = list(selectors.comment_evidence_for_comment(user=request.user, comment=comment))
        if not selectors.user_may_moderate(user=request.user, comment=comment):
            raise Refused(services.NOT_A_MODERATOR)
        for evidence in records:
            services.comment_evidence_viewed(evidence=evidence, actor=request.user)
        return Response(self.OutputSerializer(records, many=True).data)

    @extend_schema(request=None, responses={201: OutputSerializer})
    def post(self, request: AuthedRequest, comment_id: int) -> Response:
        comment = selectors.comment_get_for_user(user=request.user, comment_id=comment_id)
        evidence = services.comment_evidence_capture(comment=comment, actor=request.user)
        return Response(self.OutputSerializer(evidence).data, status=201)


class CommentEvidenceDetailApi(APIView):
    """One evidence record with its canonical JSON (each view is audited, R14)."""

    class OutputSerializer(_EvidenceSummary):
        record = CommentEvidenceRecordSerializer()
        canonical = serializers.CharField()

        class Meta(_EvidenceSummary.Meta):
            fields = [*_EvidenceSummary.Meta.fields, "record", "canonical"]

    @extend_schema(responses=OutputSerializer)
    def get(self, request: AuthedRequest, evidence_id: int) -> Response:
        evidence = selectors.comment_evidence_get_for_user(
            user=request.user, evidence_id=evidence_id
        )
        services.comment_evidence_viewed(evidence=evidence, actor=request.user)
        return Response(self.OutputSerializer(evidence).data)


class CommentEvidenceCountersignApi(APIView):
    """A second person (DSL or leader, not the capturer) countersigns."""

    class OutputSerializer(_EvidenceSummary):
        pass

    @extend_schema(request=None, responses=OutputSerializer)
    def post(self, request: AuthedRequest, evidence_id: int) -> Response:
        evidence = selectors.comment_evidence_get_for_user(
            user=request.user, evidence_id=evidence_id
        )
        evidence = services.comment_evidence_countersign(evidence=evidence, actor=request.user)
        return Response(self.OutputSerializer(evidence).data)


class CommentEvidenceExportApi(APIView):
    """A signed JSON bundle (``?as=json``, default) or a PDF (``?as=pdf``); refused (409)
    until a second person has countersigned."""

    schema_extra_error_codes = ("409",)

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
        evidence = selectors.comment_evidence_get_for_user(
            user=request.user, evidence_id=evidence_id
        )
        export = services.comment_evidence_export(
            evidence=evidence, actor=request.user, fmt=filters.validated_data["as_"]
        )
        response = HttpResponse(export.content, content_type=export.content_type)
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        response["Cache-Control"] = "no-store"
        return response
