"""The per-user detections socket."""

import logging
from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from redis.exceptions import RedisError

from accounts.socket_sessions import session_group
from accounts.websocket_auth import chosen_subprotocol
from detector.events import DetectionMessage
from detector.events import detections_group

logger = logging.getLogger(__name__)

CLOSE_UNAUTHORIZED = 4401
# "Try Again Later" (RFC 6455 registry): the channel layer, Redis, is unreachable.
CLOSE_TRY_AGAIN_LATER = 1013


def offered_subprotocol(scope: Any) -> str | None:
    return chosen_subprotocol(list(scope.get("subprotocols", [])))


class GuardedSocket:
    """Mixed in before a Channels consumer: anonymous sockets get 4401, a dead Redis 1013."""

    socket_name = "a"
    accepted = False

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if not scope["user"].is_authenticated:
            await refuse(scope, receive, send)
            return
        try:
            await super().__call__(scope, receive, send)  # type: ignore[misc]
        except RedisError as error:
            # Without this the handshake answers 500 and an open socket dies
            # with 1011; 1013 tells the client to reconnect later.
            logger.warning(
                "%s socket closed, Redis unreachable: %s", self.socket_name, error
            )
            if not self.accepted:
                await send(accept_message(scope))
            await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN_LATER})


class DetectionConsumer(GuardedSocket, AsyncJsonWebsocketConsumer):
    """Pushes progress, completion and failure of the user's own detections."""

    socket_name = "detections"
    joined: tuple[str, ...] = ()

    async def connect(self) -> None:
        await self.accept(subprotocol=offered_subprotocol(self.scope))
        self.accepted = True
        # The session's group lets logout close this socket.
        self.joined = (
            detections_group(self.scope["user"].pk),
            session_group(self.scope["session_id"]),
        )
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)

    async def disconnect(self, code: int) -> None:
        for group in self.joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """The socket is push-only; client messages are ignored."""

    async def detection_progress(self, message: DetectionMessage) -> None:
        await self.send_json(message)

    detection_completed = detection_failed = detection_progress

    async def session_revoked(self, message: dict[str, str]) -> None:
        """The user logged this session out."""
        await self.close(code=CLOSE_UNAUTHORIZED)


def accept_message(scope: Any) -> dict[str, Any]:
    return {"type": "websocket.accept", "subprotocol": offered_subprotocol(scope)}


async def refuse(scope: Any, receive: Any, send: Any) -> None:
    """Accept, then close with 4401 (a close before accept reaches the browser as a 403)."""
    # Without the channel layer: the answer holds while Redis is down, and no
    # receive task is started only to be cancelled (channels_redis could then
    # keep it polling and stall uvicorn's shutdown).
    if (await receive())["type"] == "websocket.connect":
        await send(accept_message(scope))
        await send({"type": "websocket.close", "code": CLOSE_UNAUTHORIZED})
