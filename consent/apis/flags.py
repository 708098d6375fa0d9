"""Safeguarding flags (R16): the DSL and leaders only."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.common.errors import NotFound
from backend.common.types import AuthedRequest

from ..models import FlagKind, SafeguardingFlag
from ..selectors import SENSITIVE_ROLES, flags_for_person
from ..services import flag_add, flag_end
from .common import NO_SUCH, person_for


class FlagOutput(serializers.ModelSerializer[SafeguardingFlag]):
    class Meta:
        model = SafeguardingFlag
        fields = ["id", "kind", "note", "created_at", "ended_at"]


class FlagListApi(APIView):
    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=FlagKind.choices)
        note = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(responses=FlagOutput(many=True))
    def get(self, request: AuthedRequest, person_id: int) -> Response:
        person = person_for(request, person_id, SENSITIVE_ROLES)
        flags = flags_for_person(person=person, include_ended=True)
        return Response(FlagOutput(flags, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: FlagOutput})
    def post(self, request: AuthedRequest, person_id: int) -> Response:
        person = person_for(request, person_id, SENSITIVE_ROLES)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        flag = flag_add(person=person, actor=request.user, **data.validated_data)
        return Response(FlagOutput(flag).data, status=201)


class FlagEndApi(APIView):
    @extend_schema(request=None, responses=FlagOutput)
    def post(self, request: AuthedRequest, person_id: int, flag_id: int) -> Response:
        person = person_for(request, person_id, SENSITIVE_ROLES)
        flag = flags_for_person(person=person, include_ended=True).filter(pk=flag_id).first()
        if flag is None:
            raise NotFound(NO_SUCH.format(thing="flag"))
        return Response(FlagOutput(flag_end(flag=flag, actor=request.user)).data)
