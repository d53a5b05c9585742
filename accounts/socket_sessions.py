"""A session's open WebSockets, so that logout can close them."""

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels import DEFAULT_CHANNEL_LAYER
from channels.layers import channel_layers
from django.conf import settings

logger = logging.getLogger(__name__)

SESSION_REVOKED = "session.revoked"


def session_group(session_id: str) -> str:
    return f"sessions.{session_id}"


def close_session_sockets(session_id: str) -> None:
    """Ask every socket of the session to close (best effort: the logout itself is durable)."""
    close_group_sockets(session_group(session_id))


def close_group_sockets(group: str) -> None:
    """Ask every socket in the group to close with 4401 (a session's, or a deleted user's)."""
    try:
        async_to_sync(_send_once)(group)
    except (
        Exception
    ) as error:  # Redis down: the sockets' tokens are refused on reconnect
        logger.warning("could not close the sockets of %s: %s", group, error)


async def _send_once(group: str) -> None:
    # A private layer, closed afterwards: this runs on a fresh event loop per
    # call from sync code (channels_redis#332), like detector.events.publish.
    layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
    try:
        await asyncio.wait_for(
            layer.group_send(group, {"type": SESSION_REVOKED}),
            timeout=settings.REDIS_SOCKET_TIMEOUT,
        )
    finally:
        await layer.close_pools()
