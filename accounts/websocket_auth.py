"""WebSocket authentication by the ``bearer`` or ``api-key`` subprotocol, validated like REST."""

from typing import Any

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.exceptions import TokenError

from accounts.api_keys import authenticate_key
from accounts.api_keys import socket_session_id
from accounts.authentication import RevocableJWTAuthentication
from accounts.models import ApiKey
from accounts.tokens import session_id

BEARER = "bearer"
API_KEY = "api-key"
CREDENTIAL_KINDS = (BEARER, API_KEY)


def offered_credential(subprotocols: list[str]) -> tuple[str, str] | None:
    """``(kind, secret)`` from ``["bearer", <token>]`` or ``["api-key", <key>]``; never from the URL."""
    if len(subprotocols) >= 2 and subprotocols[0] in CREDENTIAL_KINDS:
        return subprotocols[0], subprotocols[1]
    return None


def chosen_subprotocol(subprotocols: list[str]) -> str | None:
    """The credential kind the server accepts with, so the browser keeps the socket."""
    return next((kind for kind in subprotocols if kind in CREDENTIAL_KINDS), None)


# (user, session id, whether the credential may submit recordings)
Identity = tuple[Any, str | None, bool]
NOBODY: Identity = (AnonymousUser(), None, False)


@database_sync_to_async
def identify_token(raw_token: str) -> Identity:
    """The token's user and session, or AnonymousUser when it is refused."""
    authentication = RevocableJWTAuthentication()
    try:
        token = authentication.get_validated_token(raw_token.encode())
        return authentication.get_user(token), session_id(token), True
    except (InvalidToken, TokenError, AuthenticationFailed):
        return NOBODY


@database_sync_to_async
def identify_api_key(raw_key: str) -> Identity:
    """The key's owner, and the session that revoking the key closes."""
    try:
        api_key = authenticate_key(raw_key)
    except AuthenticationFailed:
        return NOBODY
    may_upload = api_key.scope == ApiKey.Scope.READ_UPLOAD
    return api_key.owner, socket_session_id(api_key.prefix), may_upload


IDENTIFIERS = {BEARER: identify_token, API_KEY: identify_api_key}


class BearerAuthMiddleware(BaseMiddleware):
    """Put the credential's user (or AnonymousUser), session id and upload right in the scope."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> Any:
        credential = offered_credential(list(scope.get("subprotocols", [])))
        user, session, may_upload = (
            await IDENTIFIERS[credential[0]](credential[1]) if credential else NOBODY
        )
        scope = {
            **scope,
            "user": user,
            "session_id": session,
            "may_upload": may_upload,
        }
        return await super().__call__(scope, receive, send)
