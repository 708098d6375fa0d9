from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import Role
from backend.accounts.selectors import school_ids_for_user
from backend.common.types import AuthedRequest

from .models import AuditEvent
from .selectors import audit_events_for_schools


class AuditEventListApi(APIView):
    """The audit trail of the schools where the user is trust admin or DSL."""

    # Hand-paginated below; declared so the schema shows the page envelope and `page`.
    pagination_class = PageNumberPagination

    class OutputSerializer(serializers.ModelSerializer[AuditEvent]):
        class Meta:
            model = AuditEvent
            fields = [
                "seq",
                "created_at",
                "actor_label",
                "school",
                "action",
                "target_type",
                "target_id",
                "data",
                "hash",
            ]

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request: AuthedRequest) -> Response:
        school_ids = school_ids_for_user(user=request.user, roles=[Role.TRUST_ADMIN, Role.DSL])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            audit_events_for_schools(school_ids=school_ids), request, view=self
        )
        return paginator.get_paginated_response(self.OutputSerializer(page, many=True).data)
