"""A person's contacts (parents, carers)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.common.errors import NotFound
from backend.common.types import AuthedRequest

from ..models import Contact
from ..selectors import MANAGE_ROLES, READ_ROLES, contacts_for_person
from ..services import contact_create, contact_update
from .common import NO_SUCH, person_for


class ContactOutput(serializers.ModelSerializer[Contact]):
    class Meta:
        model = Contact
        fields = [
            "id",
            "name",
            "relationship",
            "has_parental_responsibility",
            "court_order",
            "may_give_consent",
        ]


class ContactListApi(APIView):
    """A pupil's contacts (consent_admin, leader, dsl; never other staff); add one
    (consent_admin)."""

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        relationship = serializers.CharField(
            max_length=50, required=False, allow_blank=True, default=""
        )
        has_parental_responsibility = serializers.BooleanField(default=False)
        court_order = serializers.BooleanField(default=False)

    @extend_schema(responses=ContactOutput(many=True))
    def get(self, request: AuthedRequest, person_id: int) -> Response:
        person = person_for(request, person_id, READ_ROLES)
        return Response(ContactOutput(contacts_for_person(person=person), many=True).data)

    @extend_schema(request=InputSerializer, responses={201: ContactOutput})
    def post(self, request: AuthedRequest, person_id: int) -> Response:
        person = person_for(request, person_id, MANAGE_ROLES)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contact = contact_create(person=person, actor=request.user, **data.validated_data)
        return Response(ContactOutput(contact).data, status=201)


class ContactUpdateApi(APIView):
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200, required=False)
        relationship = serializers.CharField(max_length=50, required=False, allow_blank=True)
        has_parental_responsibility = serializers.BooleanField(required=False)
        court_order = serializers.BooleanField(required=False)

    @extend_schema(request=InputSerializer, responses=ContactOutput)
    def patch(self, request: AuthedRequest, person_id: int, contact_id: int) -> Response:
        person = person_for(request, person_id, MANAGE_ROLES)
        contact = contacts_for_person(person=person).filter(pk=contact_id).first()
        if contact is None:
            raise NotFound(NO_SUCH.format(thing="contact"))
        data = self.InputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        contact = contact_update(
            contact=contact, changes=dict(data.validated_data), actor=request.user
        )
        return Response(ContactOutput(contact).data)
