"""OpenAPI naming: nested serializers are named after their view, so the generated
TypeScript client gets distinct types (LoginApi.InputSerializer -> LoginInput)."""

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema


class AutoSchema(SpectacularAutoSchema):
    def get_serializer_name(self, serializer: Any, direction: Any) -> str:
        qualname = serializer.__class__.__qualname__
        if "." not in qualname:
            return str(super().get_serializer_name(serializer, direction))
        outer, inner = qualname.split(".")[-2:]
        return outer.removesuffix("Api") + inner.removesuffix("Serializer")
