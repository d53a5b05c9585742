"""The detections socket opened with ``["api-key", key]``."""

import pytest
from asgiref.sync import sync_to_async

from accounts.api_keys import revoke_api_keys
from accounts.models import ApiKey
from accounts.models import User
from detector.events import publish
from tests.factories import ApiKeyFactory
from tests.factories import AudioFileFactory
from tests.factories import DetectionFactory
from tests.support import DETECTIONS_SOCKET
from tests.support import websocket

pytestmark = pytest.mark.django_db(transaction=True)

CLOSED_4401 = {"type": "websocket.close", "code": 4401}


def revoke(api_key: ApiKey) -> None:
    revoke_api_keys(ApiKey.objects.filter(pk=api_key.pk))


async def test_socket_accepts_a_key_and_delivers_owner_events(alice: User) -> None:
    """The server accepts with "api-key" and pushes alice's detections."""
    api_key = await sync_to_async(ApiKeyFactory)(owner=alice, scope=ApiKey.Scope.READ)
    alice_socket = websocket(DETECTIONS_SOCKET, "api-key", api_key.key)
    connected, subprotocol = await alice_socket.connect()
    assert connected
    assert subprotocol == "api-key"
    detection = await sync_to_async(DetectionFactory)(
        audio_file=await sync_to_async(AudioFileFactory)(user=alice)
    )
    await sync_to_async(publish)(detection, "detection.progress")
    message = await alice_socket.receive_json_from(timeout=5)
    assert message["request_id"] == str(detection.request_id)
    await alice_socket.disconnect()


@pytest.mark.parametrize("case", ["garbage", "revoked", "expired"])
async def test_socket_closes_4401_for_refused_keys(alice: User, case: str) -> None:
    """A malformed, revoked or expired key is accepted as "api-key", then closed 4401."""

    def offered_key() -> str:
        api_key = ApiKeyFactory(owner=alice)
        if case == "revoked":
            revoke(api_key)
        if case == "expired":
            ApiKey.objects.filter(pk=api_key.pk).update(expiry_date="2000-01-01T00:00Z")
        return "not-a-key" if case == "garbage" else api_key.key

    refused = websocket(
        DETECTIONS_SOCKET, "api-key", await sync_to_async(offered_key)()
    )
    connected, subprotocol = await refused.connect()
    assert connected  # accepted first, so the browser sees the close code
    assert subprotocol == "api-key"
    assert await refused.receive_output(timeout=5) == CLOSED_4401
    await refused.disconnect()


async def test_revoking_a_key_closes_its_open_sockets_only(alice: User) -> None:
    """Revocation closes the key's socket with 4401; another key's socket stays."""
    revoked_key = await sync_to_async(ApiKeyFactory)(owner=alice)
    kept_key = await sync_to_async(ApiKeyFactory)(owner=alice)
    closing, staying = (
        websocket(DETECTIONS_SOCKET, "api-key", revoked_key.key),
        websocket(DETECTIONS_SOCKET, "api-key", kept_key.key),
    )
    assert (await closing.connect())[0]
    assert (await staying.connect())[0]
    await sync_to_async(revoke)(revoked_key)
    assert await closing.receive_output(timeout=5) == CLOSED_4401
    assert await staying.receive_nothing(timeout=0.5)
    await staying.disconnect()
    await closing.disconnect()
