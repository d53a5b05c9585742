"""Helpers for talking to ``/ws/v1/stream/`` through channels' communicator."""

from typing import Any

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from tests.support import STREAM_SOCKET
from tests.support import websocket

START = {"type": "start", "sample_rate": 16000, "encoding": "pcm_s16le", "channels": 1}
SECOND = 16000 * 2  # bytes of one second of 16 kHz mono PCM16


def stream_socket(*subprotocols: str) -> WebsocketCommunicator:
    return websocket(STREAM_SOCKET, *subprotocols)


async def open_as(user: User) -> WebsocketCommunicator:
    """A connected stream socket with the user's access token."""
    token = await sync_to_async(lambda: str(AccessToken.for_user(user)))()
    socket = stream_socket("bearer", token)
    connected, subprotocol = await socket.connect()
    assert connected
    assert subprotocol == "bearer"
    return socket


async def start(socket: WebsocketCommunicator, **fields: Any) -> dict[str, Any]:
    """Send start and return the server's ``started``."""
    await socket.send_json_to({**START, **fields})
    started: dict[str, Any] = await socket.receive_json_from(timeout=10)
    assert started["type"] == "started", started
    return started


async def expect_end(
    socket: WebsocketCommunicator, code: str, close_code: int, timeout: float = 10
) -> dict[str, Any]:
    """The ``error`` with ``code``, then the close with ``close_code``; returns the error."""
    error: dict[str, Any] = await socket.receive_json_from(timeout=timeout)
    while error["type"] == "window":  # scores already on their way
        error = await socket.receive_json_from(timeout=timeout)
    assert error["type"] == "error", error
    assert error["code"] == code, error
    assert error["message"].endswith(".")
    assert await socket.receive_output(timeout=timeout) == {
        "type": "websocket.close",
        "code": close_code,
    }
    return error
