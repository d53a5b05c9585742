"""Sessions of tokens and their revocation (simplejwt's blacklist covers refresh tokens only).

Login starts a session: its refresh token carries a ``sid`` claim that every
rotated refresh token and every access token inherits. Logout revokes the
session as a whole, in PostgreSQL.
"""

from collections.abc import Iterable
from datetime import UTC
from datetime import datetime
from uuid import uuid4

from django.utils import timezone
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.tokens import Token

from accounts.models import RevokedSession
from accounts.models import User

SESSION_CLAIM = "sid"


def start_session(user: User) -> RefreshToken:
    """A refresh token that opens a new session."""
    refresh = RefreshToken.for_user(user)
    refresh[SESSION_CLAIM] = uuid4().hex
    return refresh


def session_id(token: Token) -> str:
    # A token issued without a session is a session of its own.
    return str(token.get(SESSION_CLAIM) or token["jti"])


def revoke_sessions(tokens: Iterable[Token]) -> set[str]:
    """Refuse every token of these tokens' sessions from now on; return the session ids."""
    now = timezone.now()
    # Outlive the tokens given (the refresh token is the newest of its chain)
    # and every access token the session may have issued until now.
    latest_access_expiry = now + api_settings.ACCESS_TOKEN_LIFETIME
    expiries: dict[str, tuple[datetime, str]] = {}
    for token in tokens:
        expiry = max(datetime.fromtimestamp(token["exp"], tz=UTC), latest_access_expiry)
        sid = session_id(token)
        if sid not in expiries or expiries[sid][0] < expiry:
            expiries[sid] = (expiry, str(token[api_settings.USER_ID_CLAIM]))
    RevokedSession.objects.bulk_create(
        [
            RevokedSession(session_id=sid, user_id=int(user_id), expires_at=expiry)
            for sid, (expiry, user_id) in expiries.items()
        ],
        update_conflicts=True,
        unique_fields=["session_id"],
        update_fields=["expires_at"],
    )
    RevokedSession.objects.filter(expires_at__lt=now).delete()
    return set(expiries)


def is_revoked(token: Token) -> bool:
    return RevokedSession.objects.filter(session_id=session_id(token)).exists()
