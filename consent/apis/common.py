"""Helpers the register's views share: scope look-ups, uploads, downloads, decisions."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from rest_framework import serializers

from backend.accounts.models import School
from backend.accounts.selectors import school_get_for_user
from backend.common.errors import InvalidInput
from backend.common.types import AuthedRequest

from ..derivation import ConsentDecision
from ..models import Person
from ..selectors import DecisionView, decision_view, person_get_for_user

FILE_REQUIRED = "Attach the file as multipart form data in the field {field!r}."
NO_SUCH = "No such {thing} for this person."
MAX_UPLOAD_FILES = 5


class DecisionOutput(serializers.Serializer[DecisionView]):
    """A derived decision (consent.selectors.DecisionView); `sensitive_reason` is left out
    unless the viewer may see it (R16)."""

    allowed = serializers.BooleanField()
    reason = serializers.CharField()
    record_id = serializers.IntegerField(allow_null=True)
    do_not_publish = serializers.BooleanField()
    sensitive_reason = serializers.CharField(
        required=False, help_text="Only for the DSL and leaders (R16)."
    )

    def to_representation(self, instance: DecisionView) -> dict[str, Any]:
        out = dict(super().to_representation(instance))
        if instance.sensitive_reason is None:
            del out["sensitive_reason"]
        return out


def decision_render(decision: ConsentDecision, *, sensitive: bool) -> dict[str, Any]:
    """A decision as the viewer may see it, rendered."""
    return DecisionOutput(decision_view(decision, sensitive=sensitive)).data


def download_response(data: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def uploaded_file(request: AuthedRequest, field: str) -> tuple[bytes, str]:
    upload = request.FILES.get(field)
    if upload is None:
        raise InvalidInput(FILE_REQUIRED.format(field=field), field=field)
    return upload.read(), upload.name or ""


def school_for(request: AuthedRequest, school_id: int, roles: Any) -> School:
    return school_get_for_user(user=request.user, school_id=school_id, roles=roles)


def person_for(request: AuthedRequest, person_id: int, roles: Any) -> Person:
    return person_get_for_user(user=request.user, person_id=person_id, roles=roles)
