"""The per-user detections socket."""

from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from accounts.websocket_auth import BEARER
from detector.events import DetectionMessage
from detector.events import detections_group

CLOSE_UNAUTHORIZED = 4401


class DetectionConsumer(AsyncJsonWebsocketConsumer):
    """Pushes progress, completion and failure of the user's own detections."""

    group: str | None = None

    async def connect(self) -> None:
        offered = self.scope.get("subprotocols", [])
        # Accept first: a close before accept becomes an HTTP 403 and the
        # browser would never see our 4401.
        await self.accept(subprotocol=BEARER if BEARER in offered else None)
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHORIZED)
            return
        self.group = detections_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """The socket is push-only; client messages are ignored."""

    async def detection_progress(self, message: DetectionMessage) -> None:
        await self.send_json(message)

    detection_completed = detection_failed = detection_progress
