"""API keys: creation under a cap, revocation, and checking a presented key.

Every check reads PostgreSQL (no cache), so a revoked or expired key is
refused at once by every web process.
"""

import re
from datetime import datetime
from datetime import timedelta
from typing import cast

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.exceptions import AuthenticationFailed

from accounts.models import ApiKey
from accounts.models import User
from accounts.socket_sessions import close_session_sockets

# last_used_at is a hint for people, not an audit log: one write a minute per
# key instead of one per request under load.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# What the library generates: <8 letters or digits>.<32 letters or digits>.
# Checked before any query, so hostile input (NUL, megabytes) never reaches SQL.
KEY_FORMAT = re.compile(r"[A-Za-z0-9]{1,16}\.[A-Za-z0-9]{1,64}")

INVALID_KEY = "This API key is not valid."
REVOKED_KEY = "This API key has been revoked."
EXPIRED_KEY = "This API key has expired."
INACTIVE_OWNER = "The account this API key belongs to is disabled."


class ApiKeyLimitReached(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "api_key_limit"

    def __init__(self) -> None:
        super().__init__(
            f"You already have {settings.DETECTOR_MAX_API_KEYS} API keys; "
            "revoke one before creating another."
        )


def create_api_key(
    owner: User,
    *,
    name: str,
    scope: str = ApiKey.Scope.READ,  # the model's default, for a request without one
    expiry_date: datetime | None = None,
) -> tuple[ApiKey, str]:
    """A new key for ``owner`` and its full text, which is never stored."""
    with transaction.atomic():
        # Locking the owner serialises concurrent creations, so the count
        # below cannot be overtaken by a parallel request.
        User.objects.select_for_update().get(pk=owner.pk)
        held = ApiKey.objects.filter(owner=owner, revoked=False).count()
        if held >= settings.DETECTOR_MAX_API_KEYS:
            raise ApiKeyLimitReached
        api_key, key = ApiKey.objects.create_key(
            owner=owner, name=name, scope=scope, expiry_date=expiry_date
        )
    return cast(ApiKey, api_key), key


def revoke_api_keys(keys: QuerySet[ApiKey]) -> int:
    """Refuse these keys from now on and close their open sockets; return how many."""
    prefixes = list(keys.filter(revoked=False).values_list("prefix", flat=True))
    ApiKey.objects.filter(prefix__in=prefixes).update(revoked=True)
    # The refusal is durable once committed; closing sockets is best effort.
    transaction.on_commit(lambda: _close_sockets(prefixes))
    return len(prefixes)


def _close_sockets(prefixes: list[str]) -> None:
    for prefix in prefixes:
        close_session_sockets(socket_session_id(prefix))


def socket_session_id(prefix: str) -> str:
    """The session group name part that a key's sockets join (see socket_sessions)."""
    return f"api-key.{prefix}"


def authenticate_key(raw_key: str) -> ApiKey:
    """The usable key matching ``raw_key``, with its owner; AuthenticationFailed otherwise."""
    if not KEY_FORMAT.fullmatch(raw_key):
        raise AuthenticationFailed(INVALID_KEY)
    prefix = raw_key.partition(".")[0]
    api_key = ApiKey.objects.select_related("owner").filter(prefix=prefix).first()
    if api_key is None or not api_key.is_valid(raw_key):
        raise AuthenticationFailed(INVALID_KEY)
    # Named reasons only once the caller has proved it holds the key.
    if api_key.revoked:
        raise AuthenticationFailed(REVOKED_KEY)
    if api_key.has_expired:
        raise AuthenticationFailed(EXPIRED_KEY)
    if not api_key.owner.is_active:
        raise AuthenticationFailed(INACTIVE_OWNER)
    record_use(api_key)
    return api_key


def record_use(api_key: ApiKey) -> None:
    """Stamp ``last_used_at``, at most once per LAST_USED_RESOLUTION per key."""
    now = timezone.now()
    stale_before = now - LAST_USED_RESOLUTION
    if api_key.last_used_at is not None and api_key.last_used_at > stale_before:
        return
    # Conditional: of many concurrent requests only the first changes the row.
    ApiKey.objects.filter(pk=api_key.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale_before)
    ).update(last_used_at=now)
    api_key.last_used_at = now
