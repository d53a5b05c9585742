"""Bound each HTTP request before Django reads it, and give every body a length.

Django (and DRF) read a request body only when ``Content-Length`` says how
long it is: a chunked upload would arrive as an empty form. Such bodies are
spooled here, within the size limit, and replayed with their length.
"""

import json
from collections.abc import Mapping
from tempfile import SpooledTemporaryFile
from typing import Any
from typing import NamedTuple
from typing import cast

from asgiref.typing import ASGI3Application
from asgiref.typing import ASGIReceiveCallable
from asgiref.typing import ASGIReceiveEvent
from asgiref.typing import ASGISendCallable
from asgiref.typing import HTTPScope
from asgiref.typing import Scope

# Room for the multipart boundaries and headers around the file itself.
MULTIPART_OVERHEAD_BYTES = 64 * 1024
# As generous as common proxies (nginx: 4 x 8 KB); httptools itself has no limit.
MAX_HEADER_BYTES = 32 * 1024
SPOOL_MEMORY_BYTES = 2 * 1024**2
REPLAY_CHUNK_BYTES = 64 * 1024


class _ClientGoneError(Exception):
    pass


class BodyLimit(NamedTuple):
    max_bytes: int
    message: str  # the 413's sentence


class BodySizeLimitMiddleware:
    """413 for bodies over the limit, 431 for oversized headers, lengths for chunked bodies.

    ``path_limits`` gives some paths (exact, e.g. the batch upload) a limit of
    their own instead of ``max_bytes``.
    """

    def __init__(
        self,
        app: ASGI3Application,
        max_bytes: int,
        message: str,
        max_header_bytes: int = MAX_HEADER_BYTES,
        path_limits: Mapping[str, BodyLimit] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.path_limits = dict(path_limits or {})
        self.max_header_bytes = max_header_bytes
        self.too_large = message
        self.headers_too_large = (
            f"The request headers are larger than the {max_header_bytes // 1024} KB "
            "limit; remove unneeded cookies or headers."
        )

    async def __call__(
        self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = scope["headers"]
        if (
            sum(len(name) + len(value) for name, value in headers)
            > self.max_header_bytes
        ):
            await _refuse(send, 431, self.headers_too_large)
            return
        max_bytes, too_large = self.path_limits.get(
            scope.get("path", ""), BodyLimit(self.max_bytes, self.too_large)
        )
        declared = dict(headers).get(b"content-length")
        if declared is not None:
            # The server stops a body at its declared length, so this check suffices.
            if declared.isdigit() and int(declared) > max_bytes:
                await _refuse(send, 413, too_large)
                return
            await self.app(scope, receive, send)
            return
        with SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES) as body:
            try:
                length = await _spool(receive, body, max_bytes)
            except _ClientGoneError:
                return
            if length is None:
                await _refuse(send, 413, too_large)
                return
            body.seek(0)
            sized = cast(
                HTTPScope,
                {**scope, "headers": [*headers, (b"content-length", b"%d" % length)]},
            )
            await self.app(sized, _replaying(body, receive), send)


async def _spool(
    receive: ASGIReceiveCallable, body: SpooledTemporaryFile[bytes], max_bytes: int
) -> int | None:
    """The body's length, or None once it passes ``max_bytes``."""
    length = 0
    while True:
        event = cast(dict[str, Any], await receive())
        if event["type"] == "http.disconnect":
            raise _ClientGoneError
        chunk = event.get("body", b"")
        length += len(chunk)
        if length > max_bytes:
            return None
        body.write(chunk)
        if not event.get("more_body", False):
            return length


def _replaying(
    body: SpooledTemporaryFile[bytes], receive: ASGIReceiveCallable
) -> ASGIReceiveCallable:
    """Hand out the spooled body, then the server's own events (the disconnect)."""
    done = False

    async def replay() -> ASGIReceiveEvent:
        nonlocal done
        if done:
            return await receive()
        chunk = body.read(REPLAY_CHUNK_BYTES)
        done = len(chunk) < REPLAY_CHUNK_BYTES
        return {"type": "http.request", "body": chunk, "more_body": not done}

    return replay


async def _refuse(send: ASGISendCallable, status: int, message: str) -> None:
    body = json.dumps({"detail": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
            "trailers": False,
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})
