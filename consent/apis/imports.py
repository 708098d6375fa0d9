"""MIS CSV imports: run one, list runs, read a run's report; the column guide and a CSV
template with exactly the headers the import reads."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.common.errors import NotFound
from backend.common.types import AuthedRequest

from ..mis_import.columns import TEMPLATE_FILENAME, import_columns, import_template_csv
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

    # Hand-paginated below; declared so the schema shows the page envelope and `page`.
    pagination_class = PageNumberPagination

    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        full_roll = serializers.BooleanField(default=False)

    @extend_schema(responses=ImportSummaryOutput(many=True))
    def get(self, request: AuthedRequest, school_id: int) -> Response:
        school = school_for(request, school_id, MANAGE_ROLES)
        paginator = self.pagination_class()
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


class ImportColumnsApi(APIView):
    """What each column of the MIS CSV holds (the guide the import page shows)."""

    class OutputSerializer(serializers.Serializer):
        header = serializers.CharField()
        mandatory = serializers.BooleanField(help_text="the import refuses a file without it")
        values = serializers.CharField()
        notes = serializers.CharField(allow_blank=True)

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request: AuthedRequest, school_id: int) -> Response:
        school_for(request, school_id, MANAGE_ROLES)
        return Response(self.OutputSerializer(import_columns(), many=True).data)


class ImportTemplateApi(APIView):
    """A CSV with only the header row: exactly the headers the import reads."""

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(response=str, description="CSV")})
    def get(self, request: AuthedRequest, school_id: int) -> HttpResponse:
        school_for(request, school_id, MANAGE_ROLES)
        response = HttpResponse(import_template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_FILENAME}"'
        return response
