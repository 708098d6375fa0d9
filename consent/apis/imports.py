"""MIS CSV imports: run one, list runs, read a run's report."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.common.errors import NotFound
from backend.common.types import AuthedRequest

from ..models import ImportRun
from ..selectors import MANAGE_ROLES, imports_for_school
from ..services import people_import_from_csv
from .common import school_for, uploaded_file


class ImportBadRowOutput(serializers.Serializer):
    """A row the import left out, and every reason."""

    line = serializers.IntegerField()
    mis_id = serializers.CharField(allow_blank=True)
    # Named like Serializer.errors, which the metaclass keeps (declared fields are moved to
    # _declared_fields); the key the front end reads is "errors".
    errors = serializers.ListField(child=serializers.CharField())  # type: ignore[assignment]


class ImportChangeOutput(serializers.Serializer):
    """What the import changed for one person."""

    person_id = serializers.IntegerField()
    action = serializers.ChoiceField(choices=["created", "updated"])
    # Named like Serializer.fields: as with ImportBadRowOutput.errors.
    fields = serializers.ListField(  # type: ignore[assignment]
        child=serializers.CharField(), required=False
    )
    consent = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="purpose:decision"
    )
    contacts = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="key:created or key:updated"
    )


class ImportSummaryOutput(serializers.ModelSerializer[ImportRun]):
    # As with ImportBadRowOutput.errors.
    errors = ImportBadRowOutput(many=True)  # type: ignore[assignment]

    class Meta:
        model = ImportRun
        fields = [
            "id",
            "filename",
            "sha256",
            "status",
            "full_roll",
            "rows",
            "created",
            "updated",
            "unchanged",
            "left",
            "consent_records",
            "error_count",
            "errors",
            "started_at",
            "finished_at",
            "duration_ms",
        ]


class ImportListApi(APIView):
    """Run an MIS import (multipart `file`, optional `full_roll`); list past runs."""

    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        full_roll = serializers.BooleanField(default=False)

    @extend_schema(responses=ImportSummaryOutput(many=True))
    def get(self, request: AuthedRequest, school_id: int) -> Response:
        school = school_for(request, school_id, MANAGE_ROLES)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(imports_for_school(school=school), request, view=self)
        return paginator.get_paginated_response(ImportSummaryOutput(page, many=True).data)

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "full_roll": {"type": "boolean"},
                },
            }
        },
        responses={201: ImportSummaryOutput},
    )
    def post(self, request: AuthedRequest, school_id: int) -> Response:
        school = school_for(request, school_id, MANAGE_ROLES)
        options = self.InputSerializer(data=request.data)
        options.is_valid(raise_exception=True)
        data, name = uploaded_file(request, "file")
        run = people_import_from_csv(
            school=school,
            file=data,
            filename=name,
            full_roll=options.validated_data["full_roll"],
            actor=request.user,
        )
        return Response(ImportSummaryOutput(run).data, status=201)


class ImportDetailApi(APIView):
    class OutputSerializer(ImportSummaryOutput):
        changes = ImportChangeOutput(many=True)

        class Meta(ImportSummaryOutput.Meta):
            fields = [*ImportSummaryOutput.Meta.fields, "changes"]

    @extend_schema(responses=OutputSerializer)
    def get(self, request: AuthedRequest, school_id: int, import_id: int) -> Response:
        school = school_for(request, school_id, MANAGE_ROLES)
        run = imports_for_school(school=school).filter(pk=import_id).first()
        if run is None:
            raise NotFound("No such import for this school.")
        return Response(self.OutputSerializer(run).data)
