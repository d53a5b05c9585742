"""The socket shows a detection's progress live, from a real worker."""

import pytest
from asgiref.sync import sync_to_async
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from tests.audio_fixtures import encode_wav
from tests.audio_fixtures import speech
from tests.support import DETECTIONS_SOCKET
from tests.support import websocket

pytestmark = [
    pytest.mark.pipeline,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("celery_worker"),
]


async def test_socket_receives_progress_before_completion(
    alice: User, alice_client: APIClient
) -> None:
    """A three-chunk upload pushes progress batch by batch, then the completed map."""
    token = await sync_to_async(lambda: str(AccessToken.for_user(alice)))()
    socket = websocket(DETECTIONS_SOCKET, "bearer", token)
    assert (await socket.connect())[0]
    content = encode_wav(speech(10.0))
    response = await sync_to_async(alice_client.post)(
        "/api/v1/audio/upload",
        {"file": SimpleUploadedFile("call.wav", content)},
        format="multipart",
    )
    request_id = response.json()["request_id"]

    messages = []
    while not messages or messages[-1]["type"] == "detection.progress":
        messages.append(await socket.receive_json_from(timeout=60))
    await socket.disconnect()

    assert {message["request_id"] for message in messages} == {request_id}
    assert messages[-1]["type"] == "detection.completed"
    assert messages[-1]["progress"] == {"done": 3, "total": 3}
    progress = [message["progress"]["done"] for message in messages[:-1]]
    assert progress == sorted(progress)
    assert [done for done in progress if done < 3][:3] == [0, 1, 2]
    partial = next(m for m in messages if m["progress"]["done"] == 1)
    assert partial["status"] == "processing"
    assert sum(c["score"] is None for c in partial["chunk_predictions"].values()) == 2
