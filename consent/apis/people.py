"""The register: list, add, read, change, leave; subject access and erasure (R15)."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.common.types import AuthedRequest

from ..models import PersonKind
from ..selectors import MANAGE_ROLES, READ_ROLES, PersonDetail, people_for_school, person_detail
from ..services import person_create, person_erase, person_export, person_leave, person_update
from .common import DecisionOutput, download_response, person_for, school_for


class PersonListApi(APIView):
    """List and search a school's register (consent_admin, leader, dsl); add a person
    (consent_admin)."""

    # Hand-paginated below; declared so the schema shows the page envelope and `page`.
    pagination_class = PageNumberPagination

    class FilterSerializer(serializers.Serializer):
        search = serializers.CharField(required=False, allow_blank=True, default="")
        kind = serializers.ChoiceField(choices=PersonKind.choices, required=False)
        on_roll = serializers.BooleanField(required=False, allow_null=True, default=None)
        year_group = serializers.CharField(required=False, allow_blank=True, default="")

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        kind = serializers.CharField()
        mis_id = serializers.CharField()
        legal_first_name = serializers.CharField()
        preferred_first_name = serializers.CharField()
        display_first_name = serializers.CharField()
        last_name = serializers.CharField()
        year_group = serializers.CharField()
        registration_group = serializers.CharField()
        on_roll = serializers.BooleanField()
        left_on = serializers.DateField(allow_null=True)
        do_not_publish = serializers.BooleanField()

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=PersonKind.choices, default=PersonKind.PUPIL)
        mis_id = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
        legal_first_name = serializers.CharField(max_length=100)
        preferred_first_name = serializers.CharField(
            max_length=100, required=False, allow_blank=True, default=""
        )
        last_name = serializers.CharField(max_length=100)
        year_group = serializers.CharField(
            max_length=30, required=False, allow_blank=True, default=""
        )
        registration_group = serializers.CharField(
            max_length=30, required=False, allow_blank=True, default=""
        )
        date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)

    @extend_schema(parameters=[FilterSerializer], responses=OutputSerializer(many=True))
    def get(self, request: AuthedRequest, school_id: int) -> Response:
        school = school_for(request, school_id, READ_ROLES)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = people_for_school(school=school, **filters.validated_data)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(self.OutputSerializer(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: AuthedRequest, school_id: int) -> Response:
        school = school_for(request, school_id, MANAGE_ROLES)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = person_create(school=school, actor=request.user, **data.validated_data)
        person.do_not_publish = False  # type: ignore[attr-defined]
        return Response(self.OutputSerializer(person).data, status=201)


class PersonContactOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    relationship = serializers.CharField()
    has_parental_responsibility = serializers.BooleanField()
    court_order = serializers.BooleanField()
    may_give_consent = serializers.BooleanField()


class PersonDetailApi(APIView):
    """One person's register entry with contacts and current consent (consent_admin,
    leader, dsl); change details (consent_admin)."""

    class OutputSerializer(serializers.Serializer[PersonDetail]):
        """Renders consent.selectors.PersonDetail."""

        id = serializers.IntegerField()
        school_id = serializers.IntegerField()
        kind = serializers.CharField()
        mis_id = serializers.CharField()
        legal_first_name = serializers.CharField()
        preferred_first_name = serializers.CharField()
        display_first_name = serializers.CharField()
        last_name = serializers.CharField()
        year_group = serializers.CharField()
        registration_group = serializers.CharField()
        date_of_birth = serializers.DateField(allow_null=True)
        on_roll = serializers.BooleanField()
        left_on = serializers.DateField(allow_null=True)
        do_not_publish = serializers.BooleanField()
        enrolments = serializers.IntegerField()
        consent = serializers.DictField(child=DecisionOutput())
        contacts = PersonContactOutput(many=True)

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=PersonKind.choices, required=False)
        mis_id = serializers.CharField(max_length=50, required=False, allow_blank=True)
        legal_first_name = serializers.CharField(max_length=100, required=False)
        preferred_first_name = serializers.CharField(
            max_length=100, required=False, allow_blank=True
        )
        last_name = serializers.CharField(max_length=100, required=False)
        year_group = serializers.CharField(max_length=30, required=False, allow_blank=True)
        registration_group = serializers.CharField(max_length=30, required=False, allow_blank=True)
        date_of_birth = serializers.DateField(required=False, allow_null=True)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: AuthedRequest, person_id: int) -> Response:
        person = person_for(request, person_id, READ_ROLES)
        detail = person_detail(person=person, user=request.user)
        return Response(self.OutputSerializer(detail).data)

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def patch(self, request: AuthedRequest, person_id: int) -> Response:
        person = person_for(request, person_id, MANAGE_ROLES)
        data = self.InputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        person = person_update(person=person, changes=dict(data.validated_data), actor=request.user)
        detail = person_detail(person=person, user=request.user)
        return Response(self.OutputSerializer(detail).data)


class PersonLeaveApi(APIView):
    """Mark a person as left: their consent ends (R17), encodings go, takedown runs (R10)."""

    class InputSerializer(serializers.Serializer):
        left_on = serializers.DateField(required=False, allow_null=True, default=None)

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        on_roll = serializers.BooleanField()
        left_on = serializers.DateField(allow_null=True)

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def post(self, request: AuthedRequest, person_id: int) -> Response:
        person = person_for(request, person_id, MANAGE_ROLES)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = person_leave(
            person=person, left_on=data.validated_data["left_on"], actor=request.user
        )
        return Response(self.OutputSerializer(person).data)


class PersonExportApi(APIView):
    """Subject access: a ZIP of everything held about the person (audited)."""

    @extend_schema(responses={(200, "application/zip"): bytes})
    def get(self, request: AuthedRequest, person_id: int) -> HttpResponse:
        person = person_for(request, person_id, MANAGE_ROLES)
        data = person_export(person=person, actor=request.user)
        return download_response(
            data, content_type="application/zip", filename=f"subject-access-{person.pk}.zip"
        )


class PersonEraseApi(APIView):
    """Erase a person; `confirm` must be their MIS id (or id). The audit trail is kept."""

    class InputSerializer(serializers.Serializer):
        confirm = serializers.CharField()

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        erased_at = serializers.DateTimeField()

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def post(self, request: AuthedRequest, person_id: int) -> Response:
        person = person_for(request, person_id, MANAGE_ROLES)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = person_erase(
            person=person, confirm=data.validated_data["confirm"], actor=request.user
        )
        return Response(self.OutputSerializer(person).data)
