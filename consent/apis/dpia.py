"""The DPIA gate (R19)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import Role
from backend.common.types import AuthedRequest

from ..selectors import DPIA_ROLES, READ_ROLES
from ..services import school_dpia_clear, school_dpia_record
from .common import school_for


class SchoolDpiaApi(APIView):
    """Whether face identification is on for the school, and the DPIA behind it. Leaders
    and trust admins record or clear it; consent roles may read it."""

    class InputSerializer(serializers.Serializer):
        reference = serializers.CharField(max_length=100)
        dpo_name = serializers.CharField(max_length=200)
        signed_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    class OutputSerializer(serializers.Serializer):
        face_identification_enabled = serializers.BooleanField()
        dpia_reference = serializers.CharField()
        dpo_name = serializers.CharField()
        dpia_signed_at = serializers.DateTimeField(allow_null=True)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: AuthedRequest, school_id: int) -> Response:
        school = school_for(request, school_id, (*READ_ROLES, Role.TRUST_ADMIN))
        return Response(self.OutputSerializer(school).data)

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def post(self, request: AuthedRequest, school_id: int) -> Response:
        school = school_for(request, school_id, DPIA_ROLES)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        school = school_dpia_record(
            school=school,
            reference=data.validated_data["reference"],
            dpo_name=data.validated_data["dpo_name"],
            signed_at=data.validated_data["signed_at"],
            actor=request.user,
        )
        return Response(self.OutputSerializer(school).data)

    # 200 with the switched-off settings (a bare serializer on DELETE would say 204).
    @extend_schema(responses={200: OutputSerializer})
    def delete(self, request: AuthedRequest, school_id: int) -> Response:
        school = school_for(request, school_id, DPIA_ROLES)
        school = school_dpia_clear(school=school, actor=request.user)
        return Response(self.OutputSerializer(school).data)
