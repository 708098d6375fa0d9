"""Face review (R1, R2, R20): boxes, tags, disputes, adult confirmation, blur."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.permissions import FromEnrolledDevice, IsVerifiedMember
from backend.common.types import AuthedRequest

from .. import selectors, services
from ..models import Face, FaceDispute
from .outputs import PostDetailOutput, post_detail_response


class FaceAddApi(APIView):
    """R20: anyone working on the post may draw a missed face — a leader on a phone too: a
    box changes no published bytes, so no enrolled device is needed."""

    class InputSerializer(serializers.Serializer):
        box = serializers.ListField(
            child=serializers.IntegerField(min_value=0),
            min_length=4,
            max_length=4,
            help_text="[top, right, bottom, left] px",
        )

    @extend_schema(request=InputSerializer, responses={201: PostDetailOutput})
    def post(self, request: AuthedRequest, post_id: int, image_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        image = selectors.post_image_get(user=request.user, post_id=post_id, image_id=image_id)
        services.face_add(image=image, actor=request.user, box=data.validated_data["box"])
        return post_detail_response(request, post_id, status=201)


class FaceTagApi(APIView):
    """R2: the author or a leader says who a face is; like a box, a tag changes no published
    bytes, so it may come from a leader's phone."""

    class InputSerializer(serializers.Serializer):
        tag = serializers.ChoiceField(
            [Face.Tag.PERSON, Face.Tag.ADULT_CONSENT, Face.Tag.NOT_A_FACE]
        )
        person_id = serializers.IntegerField(required=False, allow_null=True)
        adult_name = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=200,
            help_text="Required for adult_consent: which adult this is.",
        )

    @extend_schema(request=InputSerializer, responses=PostDetailOutput)
    def post(self, request: AuthedRequest, post_id: int, face_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        face = selectors.face_get(user=request.user, post_id=post_id, face_id=face_id)
        services.face_tag(
            face=face,
            actor=request.user,
            tag=data.validated_data["tag"],
            person_id=data.validated_data.get("person_id"),
            adult_name=data.validated_data.get("adult_name", ""),
        )
        return post_detail_response(request, post_id)


class FaceDisputeApi(APIView):
    """R1: "this is not <person>": the post stays blocked until a leader decides. Like a
    tag, it changes no published bytes, so no enrolled device is needed."""

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(allow_blank=True, max_length=2000)

    @extend_schema(request=InputSerializer, responses={201: PostDetailOutput})
    def post(self, request: AuthedRequest, post_id: int, face_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        face = selectors.face_get(user=request.user, post_id=post_id, face_id=face_id)
        services.face_dispute_raise(
            face=face, actor=request.user, reason=data.validated_data["reason"]
        )
        return post_detail_response(request, post_id, status=201)


class FaceDisputeResolveApi(APIView):
    """A leader other than the disputer upholds (identification removed) or rejects a
    dispute, with a reason. Repeating the same decision answers the post as it is."""

    class InputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField([FaceDispute.Status.UPHELD, FaceDispute.Status.REJECTED])
        reason = serializers.CharField(allow_blank=True, max_length=2000)

    @extend_schema(request=InputSerializer, responses=PostDetailOutput)
    def post(self, request: AuthedRequest, post_id: int, dispute_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dispute = selectors.face_dispute_get(
            user=request.user, post_id=post_id, dispute_id=dispute_id
        )
        services.face_dispute_resolve(
            dispute=dispute,
            actor=request.user,
            outcome=data.validated_data["outcome"],
            reason=data.validated_data["reason"],
        )
        return post_detail_response(request, post_id)


class FaceAdultConfirmApi(APIView):
    """R2 (school policy): a leader other than the tagger confirms an adult tag."""

    @extend_schema(request=None, responses=PostDetailOutput)
    def post(self, request: AuthedRequest, post_id: int, face_id: int) -> Response:
        face = selectors.face_get(user=request.user, post_id=post_id, face_id=face_id)
        services.face_adult_confirm(face=face, actor=request.user)
        return post_detail_response(request, post_id)


class PostBlurApi(APIView):
    permission_classes = [IsVerifiedMember, FromEnrolledDevice]

    class InputSerializer(serializers.Serializer):
        face_ids = serializers.ListField(child=serializers.IntegerField(), required=False)
        without_consent = serializers.BooleanField(
            default=False,
            help_text=("Blur every face the last check found without consent or unidentified."),
        )

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if not attrs.get("face_ids") and not attrs.get("without_consent"):
                raise serializers.ValidationError(
                    {"face_ids": "Choose faces to blur, or set without_consent."}
                )
            return attrs

    @extend_schema(request=InputSerializer, responses=PostDetailOutput)
    def post(self, request: AuthedRequest, post_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        post = selectors.post_get(user=request.user, post_id=post_id)
        services.post_blur_faces(
            post=post,
            actor=request.user,
            face_ids=data.validated_data.get("face_ids"),
            without_consent=data.validated_data["without_consent"],
        )
        return post_detail_response(request, post_id)
