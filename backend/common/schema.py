"""OpenAPI generation: what the generated schema (frontend/openapi.yaml) must say truthfully.

- Nested serializers are named after their view, so the generated TypeScript client gets
  distinct types (LoginApi.InputSerializer -> LoginInput).
- Every operation declares the error answers it can give, with the body the one exception
  handler (``backend/common/api.py``) really sends: 400 for bad input, 403 when the caller
  may not (signed out, role, second factor, tablet), 404 for anything addressed by id (an
  object of another school is "not found", never "forbidden"), 409 when the thing's state
  does not allow a change, 415 for a body of a media type the operation does not read,
  429 where a throttle counts. Sessions, not tokens: a signed-out caller gets 403, never
  401.
- Operations behind ``FromEnrolledDevice`` (R7) declare the ``X-Device-Token`` header.

A view states what the rules cannot see with ``reads_device_token = True`` and
``schema_extra_error_codes = ("404",)``.
"""

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiParameter
from rest_framework.permissions import AllowAny

from backend.accounts.permissions import FromEnrolledDevice

DEVICE_TOKEN_HEADER_NAME = "X-Device-Token"
DEVICE_TOKEN_HEADER = OpenApiParameter(
    DEVICE_TOKEN_HEADER_NAME,
    str,
    OpenApiParameter.HEADER,
    # Not required at the HTTP level: the request is well formed without it, and refused
    # with 403 (declared). The front end adds it in one middleware, not at every call.
    required=False,
    description="The enrolled school tablet's credential (R7). Missing, unknown or revoked: 403.",
)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_MESSAGE = {"type": "string", "description": "What went wrong, in plain English."}
_CODE = {
    "type": "string",
    "description": "Why, for programs: e.g. refused, not_found, conflict, device_required, "
    "two_factor_required, rate_limited.",
}
_FIELD = {"type": "string", "description": "The request field at fault, when there is one."}
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A refusal: the message, and for a domain error its code (and the field "
    "at fault, repeated as `<field>: [message]`).",
    "properties": {"detail": _MESSAGE, "code": _CODE, "field": _FIELD},
    "required": ["detail"],
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Bad input. Either a domain error (detail, code, field) or the messages "
    "per request field: `{field: [message, ...]}`, nested as the field is (an object for a "
    "nested object, keyed by index for a list).",
    "properties": {"detail": _MESSAGE, "code": _CODE, "field": _FIELD},
    "additionalProperties": {},
}
ERROR_RESPONSES: dict[str, tuple[str, str]] = {
    "400": ("ValidationError", "Bad input: the body names the field at fault."),
    "403": (
        "Error",
        "Not allowed: signed out, a role that may not, second factor needed, or (R7) no "
        "enrolled tablet.",
    ),
    "404": ("Error", "No such thing at a school of yours (another school's is not found too)."),
    "409": ("Error", "The thing's state does not allow this now (e.g. already decided)."),
    "415": ("Error", "The body is not of a media type this operation reads."),
    "429": ("Error", "Too many requests from this client for now."),
}
_ERROR_SCHEMAS = {"Error": ERROR_SCHEMA, "ValidationError": VALIDATION_ERROR_SCHEMA}


class AutoSchema(SpectacularAutoSchema):
    def get_serializer_name(self, serializer: Any, direction: Any) -> str:
        qualname = serializer.__class__.__qualname__
        if "." not in qualname:
            return str(super().get_serializer_name(serializer, direction))
        outer, inner = qualname.split(".")[-2:]
        return outer.removesuffix("Api") + inner.removesuffix("Serializer")

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        if self._reads_device_token() and not any(
            getattr(p, "name", None) == DEVICE_TOKEN_HEADER_NAME for p in parameters
        ):
            parameters.append(DEVICE_TOKEN_HEADER)
        return parameters

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for code in self._error_codes(operation):
            if code in responses:
                continue
            name, description = ERROR_RESPONSES[code]
            responses[code] = {
                "content": {"application/json": {"schema": self._error_component(name)}},
                "description": description,
            }
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _error_component(self, name: str) -> dict[str, str]:
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, schema=_ERROR_SCHEMAS[name], object=name
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _is_public(self) -> bool:
        return all(isinstance(p, AllowAny) for p in self.view.get_permissions())

    def _reads_device_token(self) -> bool:
        """R7: the gate checks the tablet on every change; a view may also read the header
        itself (``reads_device_token``, e.g. a tablet checking its own credential)."""
        if getattr(self.view, "reads_device_token", False):
            return True
        gated = any(isinstance(p, FromEnrolledDevice) for p in self.view.get_permissions())
        return gated and self.method in UNSAFE_METHODS

    def _error_codes(self, operation: dict[str, Any]) -> list[str]:
        unsafe = self.method in UNSAFE_METHODS
        public = self._is_public()
        parameters = operation.get("parameters", [])
        codes = []
        if unsafe or any(p.get("in") == "query" and p.get("name") != "page" for p in parameters):
            codes.append("400")
        if not public or unsafe:
            codes.append("403")
        # DRF's page number pagination answers a page past the end with 404.
        if any(p.get("in") == "path" or p.get("name") == "page" for p in parameters):
            codes.append("404")
        if unsafe and not public:
            codes.append("409")
        if "requestBody" in operation:
            codes.append("415")
        if self.view.get_throttles():
            codes.append("429")
        # What the rules above cannot see, e.g. a 404 without an id in the path.
        codes += getattr(self.view, "schema_extra_error_codes", ())
        return codes
