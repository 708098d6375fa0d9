"""Consent evidence files, streamed to consent administrators only."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.common.errors import NotFound
from backend.common.types import AuthedRequest

from ..models import ConsentEvidence
from ..selectors import MANAGE_ROLES, consent_evidence_for_person
from ..services import consent_evidence_read, consent_evidence_upload
from .common import NO_SUCH, download_response, person_for, uploaded_file


class EvidenceOutput(serializers.ModelSerializer[ConsentEvidence]):
    class Meta:
        model = ConsentEvidence
        fields = ["id", "original_name", "content_type", "size", "sha256", "uploaded_at"]


class EvidenceListApi(APIView):
    """Upload a scanned or electronic consent form (multipart `file`); list them."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(responses=EvidenceOutput(many=True))
    def get(self, request: AuthedRequest, person_id: int) -> Response:
        person = person_for(request, person_id, MANAGE_ROLES)
        return Response(EvidenceOutput(consent_evidence_for_person(person=person), many=True).data)

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
        responses={201: EvidenceOutput},
    )
    def post(self, request: AuthedRequest, person_id: int) -> Response:
        person = person_for(request, person_id, MANAGE_ROLES)
        data, name = uploaded_file(request, "file")
        evidence = consent_evidence_upload(
            person=person, data=data, filename=name, actor=request.user
        )
        return Response(EvidenceOutput(evidence).data, status=201)


class EvidenceFileApi(APIView):
    """Stream one evidence file to a consent administrator (audited)."""

    # The file as stored: the kinds consent_evidence_upload accepts.
    @extend_schema(
        responses={
            (200, "application/pdf"): bytes,
            (200, "image/jpeg"): bytes,
            (200, "image/png"): bytes,
        }
    )
    def get(self, request: AuthedRequest, person_id: int, evidence_id: int) -> HttpResponse:
        person = person_for(request, person_id, MANAGE_ROLES)
        evidence = consent_evidence_for_person(person=person).filter(pk=evidence_id).first()
        if evidence is None:
            raise NotFound(NO_SUCH.format(thing="evidence"))
        data = consent_evidence_read(evidence=evidence, actor=request.user)
        extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
        return download_response(
            data,
            content_type=evidence.content_type,
            filename=f"evidence-{evidence.pk}.{extension.get(evidence.content_type, 'bin')}",
        )
