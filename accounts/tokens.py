"""Access-token revocation: simplejwt's blacklist covers refresh tokens only."""

from datetime import UTC
from datetime import datetime

from django.core.cache import cache
from rest_framework_simplejwt.tokens import Token

_PREFIX = "revoked-access"


def _key(jti: str) -> str:
    return f"{_PREFIX}:{jti}"


def revoke_access_token(token: Token) -> None:
    """Refuse this access token from now until it would have expired anyway."""
    remaining = int(token["exp"] - datetime.now(tz=UTC).timestamp())
    if remaining > 0:
        cache.set(_key(token["jti"]), 1, timeout=remaining)


def is_access_token_revoked(token: Token) -> bool:
    return cache.get(_key(token["jti"])) is not None
