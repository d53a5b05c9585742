"""WebSocket authentication by the ``bearer`` subprotocol, validated like REST."""

from typing import Any

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.exceptions import TokenError

from accounts.authentication import RevocableJWTAuthentication

BEARER = "bearer"


def offered_token(subprotocols: list[str]) -> str | None:
    """The token from ``["bearer", <token>]``; never read from the URL."""
    if len(subprotocols) >= 2 and subprotocols[0] == BEARER:
        return subprotocols[1]
    return None


@database_sync_to_async
def user_for_token(raw_token: str) -> Any:
    authentication = RevocableJWTAuthentication()
    try:
        token = authentication.get_validated_token(raw_token.encode())
        return authentication.get_user(token)
    except (InvalidToken, TokenError, AuthenticationFailed):
        return AnonymousUser()


class BearerAuthMiddleware(BaseMiddleware):
    """Put the token's user (or AnonymousUser) in ``scope["user"]``."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> Any:
        token = offered_token(list(scope.get("subprotocols", [])))
        scope = {
            **scope,
            "user": await user_for_token(token) if token else AnonymousUser(),
        }
        return await super().__call__(scope, receive, send)
