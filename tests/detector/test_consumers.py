"""The detections socket on the real Redis channel layer."""

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from accounts.tokens import revoke_sessions
from detector.events import publish
from detector.models import Detection
from tests.factories import AudioFileFactory
from tests.factories import DetectionFactory
from tests.support import DETECTIONS_SOCKET
from tests.support import websocket

pytestmark = pytest.mark.django_db(transaction=True)


def access_for(user: User) -> str:
    return str(AccessToken.for_user(user))


@pytest.fixture
async def alice_socket(alice: User) -> AsyncIterator[WebsocketCommunicator]:
    """Alice's connected socket."""
    socket = websocket(
        DETECTIONS_SOCKET, "bearer", await sync_to_async(access_for)(alice)
    )
    connected, subprotocol = await socket.connect()
    assert connected
    assert subprotocol == "bearer"
    yield socket
    await socket.disconnect()


async def test_socket_delivers_own_detection_events_only(
    alice_socket: WebsocketCommunicator, alice: User, bob: User
) -> None:
    """Alice receives her detection's events; bob's socket receives nothing."""
    bob_socket = websocket(
        DETECTIONS_SOCKET, "bearer", await sync_to_async(access_for)(bob)
    )
    assert (await bob_socket.connect())[0]
    detection = await sync_to_async(DetectionFactory)(
        audio_file=await sync_to_async(AudioFileFactory)(user=alice),
        status=Detection.Status.FAILED,
        error_message="The file has no audio stream.",
    )
    await sync_to_async(publish)(detection, "detection.failed")
    message = await alice_socket.receive_json_from(timeout=5)
    assert message == {
        "type": "detection.failed",
        "request_id": str(detection.request_id),
        "status": "failed",
        "chunk_predictions": {},
        "progress": {"done": 0, "total": 0},
        "overall_assessment": "",
        "overall_confidence": None,
        "inconclusive_reason": "",
        "inconclusive_message": "",
        "error_message": "The file has no audio stream.",
    }
    assert await bob_socket.receive_nothing(timeout=0.5)
    await bob_socket.disconnect()


async def test_socket_survives_a_quiet_spell(
    alice_socket: WebsocketCommunicator, alice: User
) -> None:
    """A socket idle for longer than Redis' blocking pop still receives the next event."""
    await asyncio.sleep(7)
    detection = await sync_to_async(DetectionFactory)(
        audio_file=await sync_to_async(AudioFileFactory)(user=alice)
    )
    await sync_to_async(publish)(detection, "detection.progress")
    message = await alice_socket.receive_json_from(timeout=5)
    assert message["request_id"] == str(detection.request_id)


@pytest.mark.parametrize(
    "case", ["missing", "garbage", "expired", "revoked", "refresh-token"]
)
async def test_socket_closes_4401_for_bad_tokens(alice: User, case: str) -> None:
    """A missing, malformed, expired, revoked or wrong-kind token is closed with 4401."""

    def token() -> list[str]:
        access = AccessToken.for_user(alice)
        if case == "missing":
            return []
        if case == "garbage":
            return ["bearer", "not-a-jwt"]
        if case == "expired":
            access.set_exp(lifetime=-timedelta(seconds=1))
        if case == "revoked":
            revoke_sessions([access])
        if case == "refresh-token":
            from rest_framework_simplejwt.tokens import RefreshToken

            return ["bearer", str(RefreshToken.for_user(alice))]
        return ["bearer", str(access)]

    socket = websocket(DETECTIONS_SOCKET, *await sync_to_async(token)())
    connected, _ = await socket.connect()
    assert connected  # accepted first, so the browser sees the close code
    assert await socket.receive_output(timeout=5) == {
        "type": "websocket.close",
        "code": 4401,
    }
    await socket.disconnect()


async def test_socket_refuses_foreign_origin(alice: User) -> None:
    """A page from another site cannot open the socket."""
    socket = websocket(
        DETECTIONS_SOCKET,
        "bearer",
        await sync_to_async(access_for)(alice),
        origin=b"https://evil.example",
    )
    connected, _ = await socket.connect()
    assert not connected
