"""Uploading a recording: acceptance, storage, enqueueing and refusals."""

import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import User
from config.celery import PREPROCESS_QUEUE
from detector.models import AudioFile
from detector.models import Detection
from inference import chunk_store
from tests.audio_fixtures import wav_bytes

pytestmark = pytest.mark.django_db

UPLOAD = "/api/v1/audio/upload"


def upload(client: APIClient, content: bytes, name: str = "voice.wav", **extra: str):
    return client.post(
        UPLOAD,
        {"file": SimpleUploadedFile(name, content, content_type="audio/wav")},
        format="multipart",
        **extra,
    )


def queued_request_ids() -> list[str]:
    """The request ids of prepare_audio messages waiting in the real broker."""
    import json

    messages = chunk_store.client().lrange(PREPROCESS_QUEUE, 0, -1)
    # argsrepr is "['<request id>', <generation>]".
    return [
        json.loads(message)["headers"]["argsrepr"].split("'")[1] for message in messages
    ]


def test_upload_accepts_wav_and_enqueues_after_commit(
    alice_client: APIClient,
    alice: User,
    settings: object,
    django_capture_on_commit_callbacks,
) -> None:
    """A WAV is stored under a server name, recorded, and queued once the row commits."""
    content = wav_bytes(2.0)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(alice_client, content, name="../../etc/passwd.wav")
        assert queued_request_ids() == []  # nothing published inside the transaction
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "pending"
    assert body["status_url"].endswith(f"/api/v1/audio/status/{body['request_id']}")

    detection = Detection.objects.select_related("audio_file").get(
        request_id=body["request_id"]
    )
    audio = detection.audio_file
    assert detection.user == alice
    assert audio.original_filename == "passwd.wav"  # the client path is dropped
    assert "passwd" not in audio.storage_path
    assert audio.storage_path.endswith(".wav")
    assert audio.content_type == "audio/wav"
    assert audio.file_size_bytes == len(content)
    assert audio.sha256 == hashlib.sha256(content).hexdigest()
    stored = Path(settings.MEDIA_ROOT) / audio.storage_path  # type: ignore[attr-defined]
    assert stored.read_bytes() == content

    assert len(callbacks) == 1
    callbacks[0]()
    assert queued_request_ids() == [body["request_id"]]


@pytest.mark.parametrize(
    ("content", "declared_name"),
    [
        (b"fLaC\x00\x00\x00\x22" + bytes(64), "a.flac"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(64), "a.mp3"),
        (b"\xff\xfb\x90\x64" + bytes(64), "a.bin"),
        (b"OggS\x00\x02" + bytes(22) + b"\x13OpusHead" + bytes(32), "a.opus"),
        (b"OggS\x00\x02" + bytes(22) + b"\x01vorbis" + bytes(32), "a.ogg"),
        (b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00" + bytes(48), "a.m4a"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm" + bytes(48), "a.webm"),
    ],
)
def test_upload_accepts_every_allowed_container(
    alice_client: APIClient, content: bytes, declared_name: str
) -> None:
    """Each allowed container is recognised by its magic bytes."""
    response = upload(alice_client, content, name=declared_name)
    assert response.status_code == 202, response.json()


def test_upload_rejects_missing_file(alice_client: APIClient) -> None:
    """No file field is a 400 that names the field."""
    response = alice_client.post(UPLOAD, {}, format="multipart")
    assert response.status_code == 400
    assert "'file'" in response.json()["detail"]


def test_upload_rejects_empty_file(alice_client: APIClient) -> None:
    """An empty file is a 400 and nothing is stored."""
    response = upload(alice_client, b"")
    assert response.status_code == 400
    assert response.json()["detail"] == "The file is empty."
    assert not AudioFile.objects.exists()


def test_upload_rejects_wav_over_limit(
    alice_client: APIClient, settings: object
) -> None:
    """A file over DETECTOR_MAX_UPLOAD_BYTES is a 413 and nothing is stored."""
    settings.DETECTOR_MAX_UPLOAD_BYTES = 1000  # type: ignore[attr-defined]
    response = upload(alice_client, wav_bytes(1.0))
    assert response.status_code == 413
    assert "upload limit" in response.json()["detail"]
    assert not Detection.objects.exists()


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7 this is a document",
        b"<html><body>not audio</body></html>",
        b"MZ\x90\x00 an executable",
        b"OggS\x00\x02" + bytes(22) + b"\x80theora" + bytes(32),
    ],
)
def test_upload_rejects_non_audio_whatever_its_name(
    alice_client: APIClient, content: bytes
) -> None:
    """Content that is not an allowed container is a 415, even named .wav."""
    response = upload(alice_client, content, name="song.wav")
    assert response.status_code == 415
    assert "not a supported audio format" in response.json()["detail"]
    assert not AudioFile.objects.exists()


def test_upload_requires_authentication(api_client: APIClient) -> None:
    """Anonymous uploads are refused."""
    assert upload(api_client, wav_bytes(1.0)).status_code == 401


def test_upload_throttled(
    alice_client: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Uploads past the rate get 429 with Retry-After."""
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "upload", "1/min")
    assert upload(alice_client, wav_bytes(1.0)).status_code == 202
    response = upload(alice_client, wav_bytes(1.0))
    assert response.status_code == 429
    assert "Retry-After" in response


@pytest.mark.django_db(transaction=True)
def test_upload_succeeds_when_broker_is_down(
    alice_client: APIClient, dead_broker: None
) -> None:
    """With the broker unreachable the upload still answers 202 and stays pending."""
    response = upload(alice_client, wav_bytes(1.0))
    assert response.status_code == 202
    detection = Detection.objects.get(request_id=response.json()["request_id"])
    assert detection.status == Detection.Status.PENDING
