"""Consent decisions: the timeline, recording a decision, a pupil's objection (R17, R18)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.common.errors import NotFound
from backend.common.types import AuthedRequest

from ..models import ConsentRecord, Decision, GivenBy, Method, Person, Purpose
from ..selectors import (
    MANAGE_ROLES,
    READ_ROLES,
    STATUS_ROLES,
    consent_evidence_for_person,
    consent_timeline,
    contacts_for_person,
    person_consent_state,
    user_sees_sensitive,
)
from ..services import consent_record_many, objection_record
from .common import NO_SUCH, DecisionOutput, decision_render, person_for


class RecordContactOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    relationship = serializers.CharField()


class RecordEvidenceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    download = serializers.CharField(help_text="Where a consent administrator downloads it.")


class ConsentRecordOutput(serializers.ModelSerializer[ConsentRecord]):
    contact = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = ConsentRecord
        fields = [
            "id",
            "purpose",
            "decision",
            "given_by",
            "contact",
            "method",
            "given_on",
            "expires_on",
            "evidence",
            "evidence_reference",
            "notes",
            "import_run",
            "recorded_by",
            "recorded_at",
        ]

    @extend_schema_field(RecordContactOutput(allow_null=True))
    def get_contact(self, record: ConsentRecord) -> dict[str, Any] | None:
        c = record.contact
        if c is None:
            return None
        return {"id": c.pk, "name": c.name, "relationship": c.relationship}

    @extend_schema_field(RecordEvidenceOutput(allow_null=True))
    def get_evidence(self, record: ConsentRecord) -> dict[str, Any] | None:
        e = record.evidence
        if e is None:
            return None
        return {
            "id": e.pk,
            "original_name": e.original_name,
            "content_type": e.content_type,
            "download": f"/api/people/{record.person_id}/evidence/{e.pk}/file",
        }

    def get_recorded_by(self, record: ConsentRecord) -> str:
        return str(record.recorded_by) if record.recorded_by else "system"


class ConsentTimelineApi(APIView):
    """A person's consent history with evidence, newest first, and the current decision per
    purpose (consent_admin, leader, dsl); record a new decision (consent_admin)."""

    RecordOut = ConsentRecordOutput

    class OutputSerializer(serializers.Serializer):
        current = serializers.DictField(child=DecisionOutput())
        records = serializers.ListField(child=ConsentRecordOutput())

    class InputSerializer(serializers.Serializer):
        purposes = serializers.ListField(
            child=serializers.ChoiceField(choices=Purpose.choices), min_length=1
        )
        decision = serializers.ChoiceField(choices=Decision.choices)
        given_by = serializers.ChoiceField(choices=[GivenBy.CONTACT, GivenBy.SELF])
        contact_id = serializers.IntegerField(required=False, allow_null=True, default=None)
        method = serializers.ChoiceField(
            choices=[Method.PAPER_FORM, Method.ELECTRONIC_FORM, Method.VERBAL]
        )
        given_on = serializers.DateField(required=False, allow_null=True, default=None)
        expires_on = serializers.DateField(required=False, allow_null=True, default=None)
        evidence_id = serializers.IntegerField(required=False, allow_null=True, default=None)
        evidence_reference = serializers.CharField(
            max_length=300, required=False, allow_blank=True, default=""
        )
        notes = serializers.CharField(required=False, allow_blank=True, default="")

    def _render(self, request: AuthedRequest, person: Person) -> dict[str, Any]:
        sensitive = user_sees_sensitive(user=request.user, school=person.school)
        state = person_consent_state(person=person)
        return {
            "current": {p: decision_render(d, sensitive=sensitive) for p, d in state.items()},
            "records": self.RecordOut(consent_timeline(person=person), many=True).data,
        }

    @extend_schema(responses=OutputSerializer)
    def get(self, request: AuthedRequest, person_id: int) -> Response:
        return Response(self._render(request, person_for(request, person_id, READ_ROLES)))

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: AuthedRequest, person_id: int) -> Response:
        person = person_for(request, person_id, MANAGE_ROLES)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        contact = None
        if v["contact_id"] is not None:
            contact = contacts_for_person(person=person).filter(pk=v["contact_id"]).first()
            if contact is None:
                raise NotFound(NO_SUCH.format(thing="contact"))
        evidence = None
        if v["evidence_id"] is not None:
            evidence = (
                consent_evidence_for_person(person=person).filter(pk=v["evidence_id"]).first()
            )
            if evidence is None:
                raise NotFound(NO_SUCH.format(thing="evidence"))
        consent_record_many(
            person=person,
            purposes=v["purposes"],
            decision=v["decision"],
            given_by=v["given_by"],
            contact=contact,
            method=v["method"],
            given_on=v["given_on"],
            expires_on=v["expires_on"],
            evidence=evidence,
            evidence_reference=v["evidence_reference"],
            notes=v["notes"],
            actor=request.user,
        )
        return Response(self._render(request, person), status=201)


class ObjectionApi(APIView):
    """R18: log a pupil's (or adult's) own objection, however it was made. Any member of
    staff at their school. It wins over every grant at once."""

    class InputSerializer(serializers.Serializer):
        purposes = serializers.ListField(
            child=serializers.ChoiceField(choices=Purpose.choices), required=False
        )
        method = serializers.ChoiceField(
            choices=[Method.VERBAL, Method.PAPER_FORM, Method.ELECTRONIC_FORM],
            default=Method.VERBAL,
        )
        notes = serializers.CharField(required=False, allow_blank=True, default="")

    class OutputSerializer(serializers.Serializer):
        recorded = serializers.IntegerField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: AuthedRequest, person_id: int) -> Response:
        person = person_for(request, person_id, STATUS_ROLES)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        records = objection_record(
            person=person,
            purposes=data.validated_data.get("purposes") or None,
            method=data.validated_data["method"],
            notes=data.validated_data["notes"],
            actor=request.user,
        )
        return Response({"recorded": len(records)}, status=201)
