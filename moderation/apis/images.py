"""The photos of a post: add, change (alt text), remove, and the image files."""

from django.http import FileResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.permissions import FromEnrolledDevice, IsVerifiedMember
from backend.common.errors import InvalidInput, NotFound
from backend.common.types import AuthedRequest

from .. import selectors, services
from .outputs import PostDetailOutput, post_detail_response, request_device


class PostImageAddApi(APIView):
    permission_classes = [IsVerifiedMember, FromEnrolledDevice]
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        image = serializers.FileField()
        alt_text = serializers.CharField(allow_blank=True, default="", max_length=1000)

    @extend_schema(request=InputSerializer, responses={201: PostDetailOutput})
    def post(self, request: AuthedRequest, post_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        post = selectors.post_get(user=request.user, post_id=post_id)
        upload = data.validated_data["image"]
        from django.conf import settings

        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise InvalidInput(
                f"The file is larger than {settings.UPLOAD_MAX_BYTES // 2**20} MB.", field="image"
            )
        services.post_image_add(
            post=post,
            actor=request.user,
            device=request_device(request),
            data=upload.read(),
            alt_text=data.validated_data["alt_text"],
        )
        return post_detail_response(request, post_id, status=201)


class PostImageApi(APIView):
    permission_classes = [IsVerifiedMember, FromEnrolledDevice]
    parser_classes = [JSONParser]

    class InputSerializer(serializers.Serializer):
        alt_text = serializers.CharField(allow_blank=True, max_length=1000)

    @extend_schema(request=InputSerializer, responses=PostDetailOutput)
    def patch(self, request: AuthedRequest, post_id: int, image_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        image = selectors.post_image_get(user=request.user, post_id=post_id, image_id=image_id)
        services.post_image_update(
            image=image,
            actor=request.user,
            device=request_device(request),
            alt_text=data.validated_data["alt_text"],
        )
        return post_detail_response(request, post_id)

    @extend_schema(responses={200: PostDetailOutput})
    def delete(self, request: AuthedRequest, post_id: int, image_id: int) -> Response:
        image = selectors.post_image_get(user=request.user, post_id=post_id, image_id=image_id)
        services.post_image_remove(image=image, actor=request.user, device=request_device(request))
        return post_detail_response(request, post_id)


class PostImageFileApi(APIView):
    """Image bytes for signed-in users who may see the post. The original (with its
    metadata) only for the author and leaders; never under a public URL (R6)."""

    @extend_schema(
        responses={(200, "image/jpeg"): bytes},
        parameters=[
            OpenApiParameter(
                "variant", str, OpenApiParameter.PATH, enum=["large", "medium", "thumb", "original"]
            )
        ],
    )
    def get(
        self, request: AuthedRequest, post_id: int, image_id: int, variant: str
    ) -> FileResponse:
        image = selectors.post_image_get(user=request.user, post_id=post_id, image_id=image_id)
        if variant not in ("large", "medium", "thumb", "original"):
            raise NotFound("No such image variant.")
        if variant == "original" and not selectors.may_see_original(
            user=request.user, post=image.post
        ):
            raise NotFound("No such image variant.")
        field = getattr(image, variant)
        if not field:
            raise NotFound("The original was deleted after the retention period.")
        response = FileResponse(
            field.open("rb"),
            content_type=(
                "image/jpeg" if variant != "original" else f"image/{image.original_format.lower()}"
            ),
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
