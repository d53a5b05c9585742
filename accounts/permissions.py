"""What a request authenticated by an API key may do."""

from typing import Any

from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from accounts.models import ApiKey

READ_ONLY_KEY = (
    "This API key is read-only; create a read+upload key to submit recordings."
)
NOT_FOR_KEYS = "API keys cannot do this; sign in with your password instead."
NO_KEY_MANAGEMENT = "API keys cannot list, create or revoke API keys; sign in instead."


def request_api_key(request: Request) -> ApiKey | None:
    return request.auth if isinstance(request.auth, ApiKey) else None


class ApiKeyScopePermission(BasePermission):
    """Keys read everywhere; a read+upload key also writes where the view allows it.

    Writes are opt-in per view (``api_key_writes = True``) so that a leaked
    key can upload but never log out sessions or delete the account.
    Requests without a key are left to the other permission classes.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        api_key = request_api_key(request)
        if api_key is None or request.method in SAFE_METHODS:
            return True
        if not getattr(view, "api_key_writes", False):
            raise PermissionDenied(NOT_FOR_KEYS)
        if api_key.scope != ApiKey.Scope.READ_UPLOAD:
            raise PermissionDenied(READ_ONLY_KEY)
        return True


class RefuseApiKeys(BasePermission):
    """Only a person signed in with a password manages keys."""

    message = NO_KEY_MANAGEMENT

    def has_permission(self, request: Request, view: Any) -> bool:
        return request_api_key(request) is None
