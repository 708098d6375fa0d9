"""Thin views: parse, call a service or selector, render."""

from typing import Any

from django.middleware.csrf import get_token
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.common.errors import NotFound
from backend.common.throttling import AddressScopedRateThrottle
from backend.common.types import AuthedRequest

from .models import Device, Membership, Role
from .permissions import IsSignedIn
from .selectors import (
    devices_for_school,
    memberships_for_school,
    school_get_for_user,
    user_has_role,
    user_needs_two_factor,
)
from .services import (
    device_authenticate,
    device_enrol,
    device_revoke,
    membership_head_teacher_set,
    membership_sign_in_unlock,
    totp_device_confirm,
    totp_device_create,
    user_login,
    user_logout,
)


class MeOutput(serializers.Serializer):
    class MembershipOut(serializers.Serializer):
        school_id = serializers.IntegerField()
        school_slug = serializers.CharField(source="school.slug")
        school_name = serializers.CharField(source="school.name")
        role = serializers.CharField()
        is_head_teacher = serializers.BooleanField(
            help_text="A leader who is the head teacher: sees escalated comments (R13)."
        )

    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    memberships = MembershipOut(many=True, source="memberships.all")
    two_factor_required = serializers.SerializerMethodField()
    two_factor_verified = serializers.SerializerMethodField()

    def get_two_factor_required(self, user: Any) -> bool:
        return user_needs_two_factor(user=user)

    def get_two_factor_verified(self, user: Any) -> bool:
        return getattr(user, "otp_device", None) is not None


class CsrfApi(APIView):
    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        csrf_token = serializers.CharField()

    @extend_schema(responses=OutputSerializer)
    def get(self, request: AuthedRequest) -> Response:
        return Response({"csrf_token": get_token(request)})


class LoginApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [AddressScopedRateThrottle]
    throttle_scope = "login"

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        password = serializers.CharField(trim_whitespace=False)
        otp_token = serializers.CharField(required=False, allow_blank=True)

    @extend_schema(request=InputSerializer, responses=MeOutput)
    def post(self, request: AuthedRequest) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = user_login(
            request=request._request,
            email=data.validated_data["email"],
            password=data.validated_data["password"],
            otp_token=data.validated_data.get("otp_token") or None,
        )
        return Response(MeOutput(user).data)


class LogoutApi(APIView):
    permission_classes = [IsSignedIn]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: AuthedRequest) -> Response:
        user_logout(request=request._request, actor=request.user)
        return Response(status=204)


class MeApi(APIView):
    permission_classes = [IsSignedIn]

    @extend_schema(responses=MeOutput)
    def get(self, request: AuthedRequest) -> Response:
        return Response(MeOutput(request.user).data)


class TotpSetupApi(APIView):
    """Start two-factor set-up: returns the otpauth URI to show as a QR code."""

    permission_classes = [IsSignedIn]

    class OutputSerializer(serializers.Serializer):
        otpauth_uri = serializers.CharField()

    @extend_schema(request=None, responses=OutputSerializer)
    def post(self, request: AuthedRequest) -> Response:
        device = totp_device_create(user=request.user)
        return Response({"otpauth_uri": device.config_url})


class TotpConfirmApi(APIView):
    permission_classes = [IsSignedIn]

    class InputSerializer(serializers.Serializer):
        otp_token = serializers.CharField()

    @extend_schema(request=InputSerializer, responses=MeOutput)
    def post(self, request: AuthedRequest) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        totp_device_confirm(
            request=request._request, user=request.user, token=data.validated_data["otp_token"]
        )
        return Response(MeOutput(request.user).data)


class DeviceOutput(serializers.ModelSerializer[Device]):
    class Meta:
        model = Device
        fields = ["id", "name", "created_at", "revoked_at", "last_seen_at"]


class DeviceListApi(APIView):
    """Trust admins list and enrol a school's tablets (R7)."""

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100)

    class EnrolledOutput(DeviceOutput):
        credential = serializers.CharField(help_text="Shown once. Store it on the tablet.")

        class Meta(DeviceOutput.Meta):
            fields = [*DeviceOutput.Meta.fields, "credential"]

    @extend_schema(responses=DeviceOutput(many=True))
    def get(self, request: AuthedRequest, school_id: int) -> Response:
        school = school_get_for_user(
            user=request.user, school_id=school_id, roles=[Role.TRUST_ADMIN]
        )
        return Response(DeviceOutput(devices_for_school(school=school), many=True).data)

    @extend_schema(request=InputSerializer, responses={201: EnrolledOutput})
    def post(self, request: AuthedRequest, school_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        school = school_get_for_user(
            user=request.user, school_id=school_id, roles=[Role.TRUST_ADMIN]
        )
        device, credential = device_enrol(
            school=school, name=data.validated_data["name"], actor=request.user
        )
        device.credential = credential  # type: ignore[attr-defined]
        return Response(self.EnrolledOutput(device).data, status=201)


class DeviceRevokeApi(APIView):
    @extend_schema(request=None, responses=DeviceOutput)
    def post(self, request: AuthedRequest, school_id: int, device_id: int) -> Response:
        school = school_get_for_user(
            user=request.user, school_id=school_id, roles=[Role.TRUST_ADMIN]
        )
        device = devices_for_school(school=school).filter(pk=device_id).first()
        if device is None:
            raise NotFound("No such device at this school.")
        return Response(DeviceOutput(device_revoke(device=device, actor=request.user)).data)


class MembershipOutput(serializers.ModelSerializer[Membership]):
    email = serializers.EmailField(source="user.email")
    full_name = serializers.CharField(source="user.full_name")

    class Meta:
        model = Membership
        fields = ["id", "user", "email", "full_name", "role", "is_head_teacher"]


class MembershipListApi(APIView):
    """Trust admins: who holds which role at the school, and who is the head teacher."""

    @extend_schema(responses=MembershipOutput(many=True))
    def get(self, request: AuthedRequest, school_id: int) -> Response:
        school = school_get_for_user(
            user=request.user, school_id=school_id, roles=[Role.TRUST_ADMIN]
        )
        return Response(MembershipOutput(memberships_for_school(school=school), many=True).data)


def _membership_for_trust_admin(
    *, request: AuthedRequest, school_id: int, membership_id: int
) -> Membership:
    school = school_get_for_user(user=request.user, school_id=school_id, roles=[Role.TRUST_ADMIN])
    membership = memberships_for_school(school=school).filter(pk=membership_id).first()
    if membership is None:
        raise NotFound("No such membership at this school.")
    return membership


class MembershipHeadTeacherApi(APIView):
    """Trust admins mark a leader as the head teacher, who with the DSL alone sees
    escalated comments (R13), or clear the mark."""

    class InputSerializer(serializers.Serializer):
        is_head_teacher = serializers.BooleanField()

    @extend_schema(request=InputSerializer, responses=MembershipOutput)
    def post(self, request: AuthedRequest, school_id: int, membership_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = _membership_for_trust_admin(
            request=request, school_id=school_id, membership_id=membership_id
        )
        membership = membership_head_teacher_set(
            membership=membership,
            is_head_teacher=data.validated_data["is_head_teacher"],
            actor=request.user,
        )
        return Response(MembershipOutput(membership).data)


class MembershipSignInUnlockApi(APIView):
    """Trust admins lift a member's sign-in lock-out before the cool-off ends."""

    class OutputSerializer(serializers.Serializer):
        cleared = serializers.IntegerField(help_text="Lock-out records removed.")

    @extend_schema(request=None, responses=OutputSerializer)
    def post(self, request: AuthedRequest, school_id: int, membership_id: int) -> Response:
        membership = _membership_for_trust_admin(
            request=request, school_id=school_id, membership_id=membership_id
        )
        cleared = membership_sign_in_unlock(membership=membership, actor=request.user)
        return Response(self.OutputSerializer({"cleared": cleared}).data)


class CurrentDeviceApi(APIView):
    """Lets a tablet check its stored credential (R7) before anyone tries to post."""

    reads_device_token = True
    schema_extra_error_codes = ("404",)

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()
        school_id = serializers.IntegerField()
        school_name = serializers.CharField(source="school.name")

    @extend_schema(responses=OutputSerializer)
    def get(self, request: AuthedRequest) -> Response:
        from .permissions import DEVICE_HEADER

        device = device_authenticate(token=request.META.get(DEVICE_HEADER))
        if not user_has_role(user=request.user, school=device.school, roles=list(Role)):
            raise NotFound("This tablet is enrolled for a school you do not belong to.")
        return Response(self.OutputSerializer(device).data)
