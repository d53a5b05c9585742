"""The ASGI request limits: 413 and 431 before Django reads anything, lengths for chunked bodies."""

import json

from config.body_limit import BodySizeLimitMiddleware
from tests.support import RecordingApp


async def call(
    app, headers: list[tuple[bytes, bytes]], chunks: list[bytes]
) -> list[dict]:
    sent: list[dict] = []
    events = [
        {"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1}
        for index, chunk in enumerate(chunks)
    ]

    async def receive() -> dict:
        return events.pop(0)

    async def send(event: dict) -> None:
        sent.append(event)

    await app({"type": "http", "headers": headers}, receive, send)
    return sent


async def test_body_limit_refuses_declared_oversize_without_reading() -> None:
    """A Content-Length over the limit is refused before the inner app runs."""
    inner = RecordingApp()
    app = BodySizeLimitMiddleware(inner, max_bytes=10, message="too big")
    sent = await call(app, [(b"content-length", b"11")], [b"x" * 11])
    assert not inner.called
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"]) == {"detail": "too big"}


async def test_body_limit_stops_streamed_body_past_limit() -> None:
    """A chunked body with no Content-Length is cut off once it passes the limit."""
    inner = RecordingApp()
    app = BodySizeLimitMiddleware(inner, max_bytes=10, message="too big")
    sent = await call(app, [], [b"x" * 6, b"x" * 6, b"x" * 6])
    assert sent[0]["status"] == 413
    assert len(inner.body) <= 10


async def test_body_limit_passes_bodies_within_limit() -> None:
    """Bodies under the limit reach the app untouched."""
    inner = RecordingApp()
    app = BodySizeLimitMiddleware(inner, max_bytes=10, message="too big")
    sent = await call(app, [(b"content-length", b"8")], [b"x" * 4, b"x" * 4])
    assert inner.body == b"x" * 8
    assert sent[0]["status"] == 202


async def test_body_limit_gives_chunked_body_its_length() -> None:
    """A body without Content-Length reaches the app whole, with the length Django needs."""
    inner = RecordingApp()
    app = BodySizeLimitMiddleware(inner, max_bytes=10, message="too big")
    sent = await call(app, [(b"transfer-encoding", b"chunked")], [b"abc", b"de", b""])
    assert inner.body == b"abcde"
    assert (b"content-length", b"5") in inner.headers
    assert sent[0]["status"] == 202


async def test_header_limit_refuses_oversized_headers() -> None:
    """Headers past the limit get a JSON 431 and never reach the app."""
    inner = RecordingApp()
    app = BodySizeLimitMiddleware(
        inner, max_bytes=10, message="too big", max_header_bytes=100
    )
    sent = await call(app, [(b"cookie", b"x" * 100)], [b""])
    assert not inner.called
    assert sent[0]["status"] == 431
    assert "headers are larger than" in json.loads(sent[1]["body"])["detail"]
