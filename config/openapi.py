"""The OpenAPI schema: error statuses and bodies on every operation, the overview.

Every API error is ``{"detail": "<a sentence>"}`` (config/errors.py), except
invalid fields, which DRF answers as ``{"<field>": ["<message>", ...]}``.
Rather than repeat them on each view, the schema class adds to every
operation the errors that its shape implies (a body, query or path
parameters, required credentials, a throttle, the database), and gives any
error a view declares without a body the shared one. Views declare only the
statuses peculiar to them, as ``OpenApiResponse(description=...)``.
"""

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers
from rest_framework.throttling import ScopedRateThrottle

DESCRIPTION = """\
Upload a recording; it is cut into 4-second chunks, each scored with the
probability that it is synthetic, and summed up in a verdict.

**Authentication.** `POST /api/v1/users/login` returns an access and a refresh
token; send `Authorization: Bearer <access>` (the Authorize button). Rotate
with `POST /api/v1/users/token/refresh`, end the session with
`POST /api/v1/users/logout`.

**Errors.** Every error body is `{"detail": "<a sentence>"}`, except invalid
fields (400), which are `{"<field>": ["<message>", ...]}`. 429 and 503 carry
`Retry-After`.

**Live updates (WebSocket).** Open `/ws/v1/detections/` with the subprotocols
`["bearer", <access token>]` or `["api-key", <key>]` (never a credential in the
URL); the server accepts with the subprotocol `bearer` or `api-key`. It pushes, for your own detections, JSON messages of
type `detection.progress`, `detection.completed` and `detection.failed`, each
holding the fields of the status endpoint's body that change while a detection
runs (`request_id`, `status`, `chunk_predictions`, `progress`,
`overall_assessment`, `overall_confidence`, `inconclusive_reason`,
`inconclusive_message`, `error_message`). Close code 4401: the token is missing,
expired or revoked (refresh it, then reconnect); 1013: the server is
temporarily unable to push (reconnect with backoff). After every (re)connect,
re-read the status of the detections you are showing: messages sent while you
were away are not replayed. The full protocol, with examples, is in
`docs/websocket.md`.
"""

BAD_REQUEST = (
    "The request is invalid: each invalid field with its messages, or `detail` "
    "when the body or a parameter cannot be read."
)
UNAUTHENTICATED = (
    "No valid credentials: the token is missing, malformed, expired, or its "
    "session has ended."
)
NOT_FOUND = "Nothing here belongs to you: an unknown id, or a page past the end."
TOO_LARGE = "The request body is larger than allowed."
UNSUPPORTED_MEDIA_TYPE = "The body's content type is not one this endpoint reads."
THROTTLED = "Too many requests; try again after `Retry-After` seconds."
DATABASE_DOWN = (
    "The database cannot be reached; nothing was changed. Try again after "
    "`Retry-After` seconds."
)
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer"},
    }
}


class ErrorSerializer(serializers.Serializer):
    """The body of every error except invalid fields."""

    detail = serializers.CharField(help_text="What went wrong, as a sentence.")


class FieldErrorsSerializer(serializers.Serializer):
    """DRF's validation errors; their shape is given by ``FieldErrorsSchema``."""


class FieldErrorsSchema(OpenApiSerializerExtension):
    """Field name to messages; a nested object's fields nest the same way."""

    target_class = FieldErrorsSerializer

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        nested = {"$ref": "#/components/schemas/FieldErrors"}
        return {
            "type": "object",
            "description": (
                "Each invalid field with its messages; errors of the request as "
                "a whole are under `non_field_errors`."
            ),
            "additionalProperties": {
                "anyOf": [
                    {"type": "array", "items": {"anyOf": [{"type": "string"}, nested]}},
                    nested,
                ]
            },
        }


# A field error never has a string under "detail", so exactly one of the two matches.
BadRequestSerializer = PolymorphicProxySerializer(
    component_name="BadRequest",
    serializers=[FieldErrorsSerializer, ErrorSerializer],
    resource_type_field_name=None,
)


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, with each operation's error statuses and bodies."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses: dict[str, Any] = operation["responses"]
        for code, description in self.implied_errors(operation).items():
            responses.setdefault(code, {"description": description})
        for code, response in responses.items():
            if code.isdigit() and int(code) >= 400:
                self._complete_error(code, response)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def implied_errors(self, operation: dict[str, Any]) -> dict[str, str]:
        """The error statuses that this operation can answer by its shape."""
        errors = {"503": DATABASE_DOWN}
        parameters = operation.get("parameters", [])
        if "requestBody" in operation:
            errors |= {
                "400": BAD_REQUEST,
                "413": TOO_LARGE,
                "415": UNSUPPORTED_MEDIA_TYPE,
            }
        if any(parameter["in"] == "query" for parameter in parameters):
            errors["400"] = BAD_REQUEST
        if any(parameter["in"] == "path" for parameter in parameters) or (
            self._is_list_view() and self._get_paginator() is not None
        ):
            errors["404"] = NOT_FOUND
        if {} not in operation.get("security", [{}]):
            errors["401"] = UNAUTHENTICATED
        if self._is_throttled():
            errors["429"] = THROTTLED
        return errors

    def _is_throttled(self) -> bool:
        for throttle in self.view.get_throttles():
            # A scoped throttle limits only views that name a scope.
            if not isinstance(throttle, ScopedRateThrottle) or getattr(
                self.view, throttle.scope_attr, None
            ):
                return True
        return False

    def _complete_error(self, code: str, response: dict[str, Any]) -> None:
        """The shared body (and Retry-After where it applies) for a bare error."""
        if "content" not in response:
            body = BadRequestSerializer if code == "400" else ErrorSerializer
            response["content"] = self._get_response_for_code(body, code)["content"]
        if code in {"429", "503"}:
            response.setdefault("headers", RETRY_AFTER)


def describe_api(result: dict[str, Any], **context: Any) -> dict[str, Any]:
    """Postprocessing hook: the overview and the WebSocket protocol, atop the docs."""
    result["info"]["description"] = DESCRIPTION
    return result
