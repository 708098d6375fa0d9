"""'May I publish?' look-ups, for any member of staff."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import School
from backend.common.types import AuthedRequest

from ..models import Person
from ..selectors import (
    STATUS_ROLES,
    decision_view,
    people_for_school,
    publish_status,
    user_sees_sensitive,
)
from .common import DecisionOutput, person_for, school_for


class PublishStatusOutput(serializers.Serializer):
    id = serializers.IntegerField()
    display_first_name = serializers.CharField()
    last_name = serializers.CharField()
    year_group = serializers.CharField()
    do_not_publish = serializers.BooleanField()
    channels = serializers.DictField(child=serializers.DictField(child=DecisionOutput()))


def _status_rows(request: AuthedRequest, school: School, people: list[Person]) -> list[Any]:
    sensitive = user_sees_sensitive(user=request.user, school=school)
    status = publish_status(person_ids=[p.pk for p in people])
    rows = []
    for person in people:
        channels = {
            channel: {kind: decision_view(d, sensitive=sensitive) for kind, d in by.items()}
            for channel, by in status[person.pk].items()
        }
        rows.append(
            {
                "id": person.pk,
                "display_first_name": person.display_first_name,
                "last_name": person.last_name,
                "year_group": person.year_group,
                "do_not_publish": any(
                    d.do_not_publish for by in channels.values() for d in by.values()
                ),
                "channels": channels,
            }
        )
    return rows


class PublishStatusListApi(APIView):
    """Search people on roll and see, per channel, whether their photo, full name and first
    name may be published. Any member of staff; never contacts or flags' reasons."""

    # Hand-paginated below; declared so the schema shows the page envelope and `page`.
    pagination_class = PageNumberPagination

    class FilterSerializer(serializers.Serializer):
        search = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(parameters=[FilterSerializer], responses=PublishStatusOutput(many=True))
    def get(self, request: AuthedRequest, school_id: int) -> Response:
        school = school_for(request, school_id, STATUS_ROLES)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = people_for_school(school=school, search=filters.validated_data["search"], on_roll=True)
        paginator = self.pagination_class()
        page = list(paginator.paginate_queryset(qs, request, view=self) or [])
        rows = _status_rows(request, school, page)
        return paginator.get_paginated_response(PublishStatusOutput(rows, many=True).data)


class PersonStatusApi(APIView):
    """One person's "may I publish?" answers (any member of staff)."""

    @extend_schema(responses=PublishStatusOutput)
    def get(self, request: AuthedRequest, person_id: int) -> Response:
        person = person_for(request, person_id, STATUS_ROLES)
        [row] = _status_rows(request, person.school, [person])
        return Response(PublishStatusOutput(row).data)
