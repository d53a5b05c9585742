"""Uploads by link: checked at once, fetched by the preprocess step, refused with a reason."""

import hashlib
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from detector import deletion
from detector import remote
from detector import services
from detector.models import Detection
from inference import chunk_store
from inference.tasks import prepare_audio
from tests.audio_fixtures import wav_bytes
from tests.support import answer
from tests.support import drip
from tests.support import local_server

pytestmark = pytest.mark.django_db

UPLOAD = "/api/v1/audio/upload"
VOICE = wav_bytes(2.0)


@pytest.fixture
def server() -> Iterator[str]:
    """A recording, a redirect (``/to?u``), a web page, a 404 and a slow drip."""
    routes = {
        "GET /calls/voice%20memo.wav": answer(VOICE),
        "GET /page.html": answer(b"<!doctype html><title>not audio</title>"),
        "GET /drip.wav": drip(VOICE[:10], times=40, pause=0.1),
    }
    with local_server(routes) as url:
        yield url


@pytest.fixture
def local_links(settings) -> None:
    """As a developer machine may allow it: plain http, and 127.0.0.1 only."""
    settings.DETECTOR_OUTBOUND_ALLOW_HTTP = True
    settings.DETECTOR_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]


def submit(client: APIClient, url: str, **extra: object) -> Detection:
    response = client.post(UPLOAD, {"url": url, **extra}, format="json")
    assert response.status_code == 202, response.json()
    return Detection.objects.get(request_id=response.json()["request_id"])


def stored_files(settings) -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/a.wav", "Only https addresses are accepted, not ftp."),
        ("http://example.com/a.wav", "Only https addresses are accepted, not http."),
        ("https:///a.wav", "The address has no host name."),
        ("not a url", "Only https addresses are accepted, not this."),
    ],
)
def test_url_upload_checks_the_address_at_once(
    alice_client: APIClient, url: str, message: str
) -> None:
    """A malformed address or another scheme is a 400 before anything is created."""
    response = alice_client.post(UPLOAD, {"url": url}, format="json")
    assert response.status_code == 400
    assert response.json() == {"url": [message]}
    assert not Detection.objects.exists()


def test_url_upload_is_accepted_before_fetching(
    alice_client: APIClient, alice: User
) -> None:
    """202 at once: the detection waits for its worker; the name comes from the URL path."""
    detection = submit(alice_client, "https://media.example.com/calls/Call%201.mp3?x=1")
    audio = detection.audio_file
    assert (detection.user, detection.status) == (alice, Detection.Status.PENDING)
    assert audio.source_url == "https://media.example.com/calls/Call%201.mp3?x=1"
    assert (audio.original_filename, audio.storage_path) == ("Call 1.mp3", "")
    recording = alice_client.get(f"{UPLOAD[:-6]}status/{detection.request_id}/audio")
    assert recording.status_code == 409


@pytest.mark.usefixtures("local_links")
def test_url_upload_is_fetched_and_prepared_like_an_upload(
    alice_client: APIClient, server: str, settings
) -> None:
    """The preprocess step fetches the link, stores and sniffs it, then decodes and chunks it."""
    detection = submit(alice_client, f"{server}/calls/voice%20memo.wav")
    prepare_audio.apply(args=[str(detection.request_id), 0])

    detection.refresh_from_db()
    audio = detection.audio_file
    assert detection.status == Detection.Status.PROCESSING, detection.error_message
    assert audio.original_filename == "voice memo.wav"
    assert audio.content_type == "audio/wav"
    assert audio.sha256 == hashlib.sha256(VOICE).hexdigest()
    assert audio.file_size_bytes == len(VOICE)
    assert (Path(settings.MEDIA_ROOT) / audio.storage_path).read_bytes() == VOICE
    assert audio.duration_seconds == pytest.approx(2.0)
    assert detection.chunks.count() == 1
    assert chunk_store.get_chunks(str(detection.request_id), 0, [0])


@pytest.mark.usefixtures("local_links")
@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/to?http://127.0.0.2:9/voice.wav", "resolves to a private or reserved"),
        ("/page.html", "This file is not a supported audio format."),
        ("/missing.wav", "The server answered HTTP 404."),
        ("/drip.wav", "too long"),
        ("/calls/voice%20memo.wav", "larger than 1000 bytes"),
    ],
)
def test_refused_fetch_fails_the_detection_with_a_reason(
    alice_client: APIClient,
    server: str,
    settings,
    caplog: pytest.LogCaptureFixture,
    path: str,
    reason: str,
) -> None:
    """A redirect to loopback, a web page, an error, a slow or oversized answer: failed, said why."""
    settings.DETECTOR_URL_FETCH_TIMEOUT_SECONDS = 1.0
    if path.startswith("/calls"):
        settings.DETECTOR_MAX_UPLOAD_BYTES = 1000
    detection = submit(alice_client, f"{server}{path}")
    with caplog.at_level(logging.INFO):
        prepare_audio.apply(args=[str(detection.request_id), 0])

    detection.refresh_from_db()
    assert detection.status == Detection.Status.FAILED
    assert detection.error_message.startswith(
        "The recording could not be fetched from its address. "
    )
    assert reason in detection.error_message
    assert stored_files(settings) == []
    assert not [record for record in caplog.records if record.exc_info]


def test_private_address_is_refused_when_fetched(
    alice_client: APIClient, settings
) -> None:
    """A link to a private network is accepted as a URL, then refused by the worker."""
    detection = submit(alice_client, "https://10.1.2.3/voice.wav")
    prepare_audio.apply(args=[str(detection.request_id), 0])
    detection.refresh_from_db()
    assert detection.status == Detection.Status.FAILED
    assert "10.1.2.3 resolves to a private or reserved address" in (
        detection.error_message
    )
    assert stored_files(settings) == []


@pytest.mark.usefixtures("local_links")
def test_detection_deleted_during_the_fetch_keeps_no_bytes(
    alice_client: APIClient, alice: User, server: str, settings
) -> None:
    """The fetched bytes are recorded under the row lock: a deleted detection's are removed."""
    detection = submit(alice_client, f"{server}/calls/voice%20memo.wav")
    claimed = services.claim_for_processing(str(detection.request_id), 0, "task")
    assert claimed is not None
    assert deletion.delete_detection(alice, detection.request_id)
    assert remote.fetch_recording(claimed) is None
    assert stored_files(settings) == []
