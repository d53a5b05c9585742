"""Refuse oversized request bodies before Django spools them to disk."""

import json
from typing import Any
from typing import cast

from asgiref.typing import ASGI3Application
from asgiref.typing import ASGIReceiveCallable
from asgiref.typing import ASGIReceiveEvent
from asgiref.typing import ASGISendCallable
from asgiref.typing import Scope

# Room for the multipart boundaries and headers around the file itself.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


class _BodyTooLargeError(Exception):
    pass


class BodySizeLimitMiddleware:
    """Answer 413 from Content-Length at once, or as soon as a streamed body passes the limit."""

    def __init__(self, app: ASGI3Application, max_bytes: int, message: str) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.body = json.dumps({"detail": message}).encode()

    async def __call__(
        self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if (
            declared is not None
            and declared.isdigit()
            and int(declared) > self.max_bytes
        ):
            await self._refuse(send)
            return
        received = 0

        async def counting_receive() -> ASGIReceiveEvent:
            nonlocal received
            event = await receive()
            if event["type"] == "http.request":
                received += len(cast(dict[str, Any], event).get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLargeError
            return event

        try:
            await self.app(scope, counting_receive, send)
        except _BodyTooLargeError:
            await self._refuse(send)

    async def _refuse(self, send: ASGISendCallable) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(self.body)).encode()),
                    (b"connection", b"close"),
                ],
                "trailers": False,
            }
        )
        await send(
            {"type": "http.response.body", "body": self.body, "more_body": False}
        )
