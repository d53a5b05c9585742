"""REST authentication by ``Authorization: Api-Key <key>``, and its OpenAPI scheme."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication
from rest_framework.authentication import get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from accounts.api_keys import authenticate_key
from accounts.models import ApiKey
from accounts.models import User

KEYWORD = "Api-Key"
MALFORMED = "Send the key as 'Authorization: Api-Key <key>'."


class ApiKeyAuthentication(BaseAuthentication):
    """The key's owner becomes ``request.user`` and the key ``request.auth``."""

    def authenticate(self, request: Request) -> tuple[User, ApiKey] | None:
        keyword, _, key = get_authorization_header(request).partition(b" ")
        if keyword.lower() != KEYWORD.lower().encode():
            return None  # another scheme (Bearer) or none at all
        key = key.strip()
        if not key or b" " in key:
            raise AuthenticationFailed(MALFORMED)
        try:
            raw_key = key.decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(MALFORMED) from None
        api_key = authenticate_key(raw_key)
        return api_key.owner, api_key

    def authenticate_header(self, request: Request) -> str:
        return f'{KEYWORD} realm="api"'


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "An API key created at /api/v1/users/api-keys, sent as "
                "`Authorization: Api-Key <key>` (the word Api-Key, a space, the key)."
            ),
        }
