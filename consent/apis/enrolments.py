"""Biometric enrolment: reference photos (never the encodings)."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.common.errors import InvalidInput, NotFound
from backend.common.types import AuthedRequest

from ..models import FaceEnrolment
from ..selectors import MANAGE_ROLES, enrolments_for_person
from ..services import face_enrolment_create, face_enrolment_delete, face_enrolment_photo_read
from .common import FILE_REQUIRED, MAX_UPLOAD_FILES, NO_SUCH, download_response, person_for


class EnrolmentOutput(serializers.ModelSerializer[FaceEnrolment]):
    """Never the encoding."""

    class Meta:
        model = FaceEnrolment
        fields = ["id", "photo_sha256", "encoder", "created_at"]


class EnrolmentListApi(APIView):
    """Enrol reference photos (multipart `photos`, one or more; R3, R19); list them."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=EnrolmentOutput(many=True))
    def get(self, request: AuthedRequest, person_id: int) -> Response:
        person = person_for(request, person_id, MANAGE_ROLES)
        return Response(EnrolmentOutput(enrolments_for_person(person=person), many=True).data)

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "photos": {"type": "array", "items": {"type": "string", "format": "binary"}},
                    "face_points": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": (
                            'One per photo, in order: "x,y" where the administrator pointed '
                            "at the person's face, as fractions (0-1) of the upright photo's "
                            'width and height, or "" to enrol the dominant face.'
                        ),
                    },
                },
            }
        },
        responses={201: EnrolmentOutput(many=True)},
    )
    def post(self, request: AuthedRequest, person_id: int) -> Response:
        person = person_for(request, person_id, MANAGE_ROLES)
        uploads = request.FILES.getlist("photos") or request.FILES.getlist("photo")
        if not uploads:
            raise InvalidInput(FILE_REQUIRED.format(field="photos"), field="photos")
        if len(uploads) > MAX_UPLOAD_FILES:
            raise InvalidInput(f"At most {MAX_UPLOAD_FILES} photos at once.", field="photos")
        points = [_face_point(raw) for raw in request.POST.getlist("face_points")]
        enrolments = face_enrolment_create(
            person=person,
            photos=[u.read() for u in uploads],
            actor=request.user,
            face_points=points,
        )
        return Response(EnrolmentOutput(enrolments, many=True).data, status=201)


BAD_FACE_POINT = 'Each face point is "x,y" with both between 0 and 1, or empty.'


def _face_point(raw: str) -> tuple[float, float] | None:
    """ "x,y" fractions of the upright photo, or None for "enrol the dominant face"."""
    if not raw.strip():
        return None
    try:
        x, y = (float(part) for part in raw.split(","))
    except ValueError as exc:
        raise InvalidInput(BAD_FACE_POINT, field="face_points") from exc
    if not (0 <= x <= 1 and 0 <= y <= 1):
        raise InvalidInput(BAD_FACE_POINT, field="face_points")
    return x, y


class EnrolmentDetailApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: AuthedRequest, person_id: int, enrolment_id: int) -> Response:
        person = person_for(request, person_id, MANAGE_ROLES)
        enrolment = enrolments_for_person(person=person).filter(pk=enrolment_id).first()
        if enrolment is None:
            raise NotFound(NO_SUCH.format(thing="enrolment"))
        face_enrolment_delete(enrolment=enrolment, actor=request.user)
        return Response(status=204)


class EnrolmentPhotoApi(APIView):
    """Stream a reference photo to a consent administrator (audited)."""

    @extend_schema(responses={(200, "image/jpeg"): bytes})
    def get(self, request: AuthedRequest, person_id: int, enrolment_id: int) -> HttpResponse:
        person = person_for(request, person_id, MANAGE_ROLES)
        enrolment = enrolments_for_person(person=person).filter(pk=enrolment_id).first()
        if enrolment is None:
            raise NotFound(NO_SUCH.format(thing="enrolment"))
        data = face_enrolment_photo_read(enrolment=enrolment, actor=request.user)
        return download_response(
            data, content_type="image/jpeg", filename=f"reference-{enrolment.pk}.jpg"
        )
