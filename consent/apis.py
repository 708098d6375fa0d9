"""Thin views over the register: parse, call a selector or service, render.

Scope: every view finds the school or person through the user's memberships with the
roles the operation needs, so anything of another school (or beyond the user's role)
answers 404. Roles: consent_admin manages; leader and dsl read; any member of staff may
look up "may I publish?" and log a pupil's objection. Safeguarding flags' kinds and the
sensitive reasons are shown to dsl and leaders only (R16). Face encodings are never
returned; reference photos and evidence are streamed to consent administrators only.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import Role, School
from backend.accounts.selectors import school_get_for_user
from backend.common.errors import InvalidInput, NotFound
from backend.common.types import AuthedRequest

from .derivation import ConsentDecision
from .models import (
    ConsentEvidence,
    ConsentRecord,
    Contact,
    Decision,
    FaceEnrolment,
    FlagKind,
    GivenBy,
    ImportRun,
    Method,
    Person,
    PersonKind,
    Purpose,
    SafeguardingFlag,
)
from .selectors import (
    DPIA_ROLES,
    MANAGE_ROLES,
    READ_ROLES,
    SENSITIVE_ROLES,
    STATUS_ROLES,
    consent_timeline,
    contacts_for_person,
    enrolments_for_person,
    evidence_for_person,
    flags_for_person,
    imports_for_school,
    people_for_school,
    person_consent_state,
    person_flags_blocking,
    person_get_for_user,
    publish_status,
    user_sees_sensitive,
)
from .services import (
    consent_record_many,
    contact_create,
    contact_update,
    evidence_read,
    evidence_upload,
    face_enrolment_create,
    face_enrolment_delete,
    face_enrolment_photo_read,
    flag_add,
    flag_end,
    objection_record,
    people_import,
    person_create,
    person_erase,
    person_export,
    person_leave,
    person_update,
    school_dpia_clear,
    school_dpia_record,
)

FILE_REQUIRED = "Attach the file as multipart form data in the field {field!r}."
NO_SUCH = "No such {thing} for this person."
MAX_UPLOAD_FILES = 5


def _decision(decision: ConsentDecision, *, sensitive: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "allowed": decision.allowed,
        "reason": decision.reason,
        "record_id": decision.record_id,
        "do_not_publish": decision.do_not_publish,
    }
    if sensitive:
        out["sensitive_reason"] = decision.sensitive_reason
    return out


class DecisionOutput(serializers.Serializer):
    """Schema only: a derived decision as rendered by `_decision`."""

    allowed = serializers.BooleanField()
    reason = serializers.CharField()
    record_id = serializers.IntegerField(allow_null=True)
    do_not_publish = serializers.BooleanField()
    sensitive_reason = serializers.CharField(
        required=False, help_text="Only for the DSL and leaders (R16)."
    )


def _download(data: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _file(request: AuthedRequest, field: str) -> tuple[bytes, str]:
    upload = request.FILES.get(field)
    if upload is None:
        raise InvalidInput(FILE_REQUIRED.format(field=field), field=field)
    return upload.read(), upload.name or ""


def _school(request: AuthedRequest, school_id: int, roles: Any) -> School:
    return school_get_for_user(user=request.user, school_id=school_id, roles=roles)


def _person(request: AuthedRequest, person_id: int, roles: Any) -> Person:
    return person_get_for_user(user=request.user, person_id=person_id, roles=roles)


# --- people ----------------------------------------------------------------------------------


class PersonListApi(APIView):
    """List and search a school's register (consent_admin, leader, dsl); add a person
    (consent_admin)."""

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
        school = _school(request, school_id, READ_ROLES)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = people_for_school(school=school, **filters.validated_data)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(self.OutputSerializer(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: AuthedRequest, school_id: int) -> Response:
        school = _school(request, school_id, MANAGE_ROLES)
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

    ContactOut = PersonContactOutput

    class OutputSerializer(serializers.Serializer):
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
        contacts = serializers.ListField(child=PersonContactOutput())

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

    def _render(self, request: AuthedRequest, person: Person) -> dict[str, Any]:
        sensitive = user_sees_sensitive(user=request.user, school=person.school)
        state = person_consent_state(person=person)
        body = {
            "id": person.pk,
            "school_id": person.school_id,
            "kind": person.kind,
            "mis_id": person.mis_id,
            "legal_first_name": person.legal_first_name,
            "preferred_first_name": person.preferred_first_name,
            "display_first_name": person.display_first_name,
            "last_name": person.last_name,
            "year_group": person.year_group,
            "registration_group": person.registration_group,
            "date_of_birth": person.date_of_birth,
            "on_roll": person.on_roll,
            "left_on": person.left_on,
            "do_not_publish": person.pk in person_flags_blocking(person_ids=[person.pk]),
            "enrolments": enrolments_for_person(person=person).count(),
            "consent": {p: _decision(d, sensitive=sensitive) for p, d in state.items()},
            "contacts": self.ContactOut(contacts_for_person(person=person), many=True).data,
        }
        return dict(self.OutputSerializer(body).data)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: AuthedRequest, person_id: int) -> Response:
        return Response(self._render(request, _person(request, person_id, READ_ROLES)))

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def patch(self, request: AuthedRequest, person_id: int) -> Response:
        person = _person(request, person_id, MANAGE_ROLES)
        data = self.InputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        person = person_update(person=person, changes=dict(data.validated_data), actor=request.user)
        return Response(self._render(request, person))


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
        person = _person(request, person_id, MANAGE_ROLES)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = person_leave(
            person=person, left_on=data.validated_data["left_on"], actor=request.user
        )
        return Response(self.OutputSerializer(person).data)


# --- "may I publish?" (any member of staff) --------------------------------------------------


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
            channel: {kind: _decision(d, sensitive=sensitive) for kind, d in by.items()}
            for channel, by in status[person.pk].items()
        }
        rows.append(
            {
                "id": person.pk,
                "display_first_name": person.display_first_name,
                "last_name": person.last_name,
                "year_group": person.year_group,
                "do_not_publish": any(
                    d["do_not_publish"] for by in channels.values() for d in by.values()
                ),
                "channels": channels,
            }
        )
    return rows


class PublishStatusListApi(APIView):
    """Search people on roll and see, per channel, whether their photo, full name and first
    name may be published. Any member of staff; never contacts or flags' reasons."""

    class FilterSerializer(serializers.Serializer):
        search = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(parameters=[FilterSerializer], responses=PublishStatusOutput(many=True))
    def get(self, request: AuthedRequest, school_id: int) -> Response:
        school = _school(request, school_id, STATUS_ROLES)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = people_for_school(school=school, search=filters.validated_data["search"], on_roll=True)
        paginator = PageNumberPagination()
        page = list(paginator.paginate_queryset(qs, request, view=self) or [])
        rows = _status_rows(request, school, page)
        return paginator.get_paginated_response(PublishStatusOutput(rows, many=True).data)


class PersonStatusApi(APIView):
    """One person's "may I publish?" answers (any member of staff)."""

    @extend_schema(responses=PublishStatusOutput)
    def get(self, request: AuthedRequest, person_id: int) -> Response:
        person = _person(request, person_id, STATUS_ROLES)
        [row] = _status_rows(request, person.school, [person])
        return Response(PublishStatusOutput(row).data)


# --- consent ---------------------------------------------------------------------------------


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

    def get_contact(self, record: ConsentRecord) -> dict[str, Any] | None:
        c = record.contact
        if c is None:
            return None
        return {"id": c.pk, "name": c.name, "relationship": c.relationship}

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
            "current": {p: _decision(d, sensitive=sensitive) for p, d in state.items()},
            "records": self.RecordOut(consent_timeline(person=person), many=True).data,
        }

    @extend_schema(responses=OutputSerializer)
    def get(self, request: AuthedRequest, person_id: int) -> Response:
        return Response(self._render(request, _person(request, person_id, READ_ROLES)))

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: AuthedRequest, person_id: int) -> Response:
        person = _person(request, person_id, MANAGE_ROLES)
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
            evidence = evidence_for_person(person=person).filter(pk=v["evidence_id"]).first()
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
        person = _person(request, person_id, STATUS_ROLES)
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


# --- contacts --------------------------------------------------------------------------------


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
        person = _person(request, person_id, READ_ROLES)
        return Response(ContactOutput(contacts_for_person(person=person), many=True).data)

    @extend_schema(request=InputSerializer, responses={201: ContactOutput})
    def post(self, request: AuthedRequest, person_id: int) -> Response:
        person = _person(request, person_id, MANAGE_ROLES)
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
        person = _person(request, person_id, MANAGE_ROLES)
        contact = contacts_for_person(person=person).filter(pk=contact_id).first()
        if contact is None:
            raise NotFound(NO_SUCH.format(thing="contact"))
        data = self.InputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        contact = contact_update(
            contact=contact, changes=dict(data.validated_data), actor=request.user
        )
        return Response(ContactOutput(contact).data)


# --- safeguarding flags (R16: dsl and leaders only) ------------------------------------------


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
        person = _person(request, person_id, SENSITIVE_ROLES)
        flags = flags_for_person(person=person, include_ended=True)
        return Response(FlagOutput(flags, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: FlagOutput})
    def post(self, request: AuthedRequest, person_id: int) -> Response:
        person = _person(request, person_id, SENSITIVE_ROLES)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        flag = flag_add(person=person, actor=request.user, **data.validated_data)
        return Response(FlagOutput(flag).data, status=201)


class FlagEndApi(APIView):
    @extend_schema(request=None, responses=FlagOutput)
    def post(self, request: AuthedRequest, person_id: int, flag_id: int) -> Response:
        person = _person(request, person_id, SENSITIVE_ROLES)
        flag = flags_for_person(person=person, include_ended=True).filter(pk=flag_id).first()
        if flag is None:
            raise NotFound(NO_SUCH.format(thing="flag"))
        return Response(FlagOutput(flag_end(flag=flag, actor=request.user)).data)


# --- evidence --------------------------------------------------------------------------------


class EvidenceOutput(serializers.ModelSerializer[ConsentEvidence]):
    class Meta:
        model = ConsentEvidence
        fields = ["id", "original_name", "content_type", "size", "sha256", "uploaded_at"]


class EvidenceListApi(APIView):
    """Upload a scanned or electronic consent form (multipart `file`); list them."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(responses=EvidenceOutput(many=True))
    def get(self, request: AuthedRequest, person_id: int) -> Response:
        person = _person(request, person_id, MANAGE_ROLES)
        return Response(EvidenceOutput(evidence_for_person(person=person), many=True).data)

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
        person = _person(request, person_id, MANAGE_ROLES)
        data, name = _file(request, "file")
        evidence = evidence_upload(person=person, data=data, filename=name, actor=request.user)
        return Response(EvidenceOutput(evidence).data, status=201)


class EvidenceFileApi(APIView):
    """Stream one evidence file to a consent administrator (audited)."""

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request: AuthedRequest, person_id: int, evidence_id: int) -> HttpResponse:
        person = _person(request, person_id, MANAGE_ROLES)
        evidence = evidence_for_person(person=person).filter(pk=evidence_id).first()
        if evidence is None:
            raise NotFound(NO_SUCH.format(thing="evidence"))
        data = evidence_read(evidence=evidence, actor=request.user)
        extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
        return _download(
            data,
            content_type=evidence.content_type,
            filename=f"evidence-{evidence.pk}.{extension.get(evidence.content_type, 'bin')}",
        )


# --- biometric enrolment ---------------------------------------------------------------------


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
        person = _person(request, person_id, MANAGE_ROLES)
        return Response(EnrolmentOutput(enrolments_for_person(person=person), many=True).data)

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "photos": {"type": "array", "items": {"type": "string", "format": "binary"}}
                },
            }
        },
        responses={201: EnrolmentOutput(many=True)},
    )
    def post(self, request: AuthedRequest, person_id: int) -> Response:
        person = _person(request, person_id, MANAGE_ROLES)
        uploads = request.FILES.getlist("photos") or request.FILES.getlist("photo")
        if not uploads:
            raise InvalidInput(FILE_REQUIRED.format(field="photos"), field="photos")
        if len(uploads) > MAX_UPLOAD_FILES:
            raise InvalidInput(f"At most {MAX_UPLOAD_FILES} photos at once.", field="photos")
        enrolments = face_enrolment_create(
            person=person, photos=[u.read() for u in uploads], actor=request.user
        )
        return Response(EnrolmentOutput(enrolments, many=True).data, status=201)


class EnrolmentDetailApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: AuthedRequest, person_id: int, enrolment_id: int) -> Response:
        person = _person(request, person_id, MANAGE_ROLES)
        enrolment = enrolments_for_person(person=person).filter(pk=enrolment_id).first()
        if enrolment is None:
            raise NotFound(NO_SUCH.format(thing="enrolment"))
        face_enrolment_delete(enrolment=enrolment, actor=request.user)
        return Response(status=204)


class EnrolmentPhotoApi(APIView):
    """Stream a reference photo to a consent administrator (audited)."""

    @extend_schema(responses={(200, "image/jpeg"): bytes})
    def get(self, request: AuthedRequest, person_id: int, enrolment_id: int) -> HttpResponse:
        person = _person(request, person_id, MANAGE_ROLES)
        enrolment = enrolments_for_person(person=person).filter(pk=enrolment_id).first()
        if enrolment is None:
            raise NotFound(NO_SUCH.format(thing="enrolment"))
        data = face_enrolment_photo_read(enrolment=enrolment, actor=request.user)
        return _download(data, content_type="image/jpeg", filename=f"reference-{enrolment.pk}.jpg")


# --- subject access and erasure --------------------------------------------------------------


class PersonExportApi(APIView):
    """Subject access: a ZIP of everything held about the person (audited)."""

    @extend_schema(responses={(200, "application/zip"): bytes})
    def get(self, request: AuthedRequest, person_id: int) -> HttpResponse:
        person = _person(request, person_id, MANAGE_ROLES)
        data = person_export(person=person, actor=request.user)
        return _download(
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
        person = _person(request, person_id, MANAGE_ROLES)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = person_erase(
            person=person, confirm=data.validated_data["confirm"], actor=request.user
        )
        return Response(self.OutputSerializer(person).data)


# --- MIS import ------------------------------------------------------------------------------


class ImportSummaryOutput(serializers.ModelSerializer[ImportRun]):
    class Meta:
        model = ImportRun
        fields = [
            "id",
            "filename",
            "sha256",
            "status",
            "full_roll",
            "rows",
            "created",
            "updated",
            "unchanged",
            "left",
            "consent_records",
            "error_count",
            "errors",
            "started_at",
            "finished_at",
            "duration_ms",
        ]


class ImportListApi(APIView):
    """Run an MIS import (multipart `file`, optional `full_roll`); list past runs."""

    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        full_roll = serializers.BooleanField(default=False)

    @extend_schema(responses=ImportSummaryOutput(many=True))
    def get(self, request: AuthedRequest, school_id: int) -> Response:
        school = _school(request, school_id, MANAGE_ROLES)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(imports_for_school(school=school), request, view=self)
        return paginator.get_paginated_response(ImportSummaryOutput(page, many=True).data)

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "full_roll": {"type": "boolean"},
                },
            }
        },
        responses={201: ImportSummaryOutput},
    )
    def post(self, request: AuthedRequest, school_id: int) -> Response:
        school = _school(request, school_id, MANAGE_ROLES)
        options = self.InputSerializer(data=request.data)
        options.is_valid(raise_exception=True)
        data, name = _file(request, "file")
        run = people_import(
            school=school,
            file=data,
            filename=name,
            full_roll=options.validated_data["full_roll"],
            actor=request.user,
        )
        return Response(ImportSummaryOutput(run).data, status=201)


class ImportDetailApi(APIView):
    class OutputSerializer(ImportSummaryOutput):
        class Meta(ImportSummaryOutput.Meta):
            fields = [*ImportSummaryOutput.Meta.fields, "changes"]

    @extend_schema(responses=OutputSerializer)
    def get(self, request: AuthedRequest, school_id: int, import_id: int) -> Response:
        school = _school(request, school_id, MANAGE_ROLES)
        run = imports_for_school(school=school).filter(pk=import_id).first()
        if run is None:
            raise NotFound("No such import for this school.")
        return Response(self.OutputSerializer(run).data)


# --- DPIA gate (R19) -------------------------------------------------------------------------


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
        school = _school(request, school_id, (*READ_ROLES, Role.TRUST_ADMIN))
        return Response(self.OutputSerializer(school).data)

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def post(self, request: AuthedRequest, school_id: int) -> Response:
        school = _school(request, school_id, DPIA_ROLES)
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

    @extend_schema(responses=OutputSerializer)
    def delete(self, request: AuthedRequest, school_id: int) -> Response:
        school = _school(request, school_id, DPIA_ROLES)
        school = school_dpia_clear(school=school, actor=request.user)
        return Response(self.OutputSerializer(school).data)
