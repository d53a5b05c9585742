"""Deleting a detection, and a whole account: bytes, keys and rows gone, running work stopped."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.models import User
from detector import services
from detector.models import AudioFile
from detector.models import Batch
from detector.models import Chunk
from detector.models import Detection
from inference import chunk_store
from inference import stream_store
from inference.chunking import ChunkSpan
from tests.audio_fixtures import wav_bytes
from tests.factories import PASSWORD
from tests.support import client_for

pytestmark = pytest.mark.django_db

Status = Detection.Status
SPAN = [ChunkSpan(0, 0, 64000)]


def upload(client: APIClient, name: str = "voice.wav", **fields: str) -> Detection:
    response = client.post(
        "/api/v1/audio/upload",
        {"file": SimpleUploadedFile(name, wav_bytes(1.0)), **fields},
        format="multipart",
    )
    assert response.status_code == 202, response.json()
    return Detection.objects.select_related("audio_file").get(
        request_id=response.json()["request_id"]
    )


def status_path(detection: Detection) -> str:
    return f"/api/v1/audio/status/{detection.request_id}"


def stored(settings, detection: Detection) -> Path:
    return Path(settings.MEDIA_ROOT) / detection.audio_file.storage_path


def redis_keys(detection: Detection) -> list[bytes]:
    return chunk_store.client().keys(f"*:{detection.request_id}:*")


def start_run(detection: Detection, generation: int) -> str:
    """Claim the detection for ``generation`` and store that run's chunk plan and keys."""
    request_id = str(detection.request_id)
    Detection.objects.filter(pk=detection.pk).update(generation=generation)
    services.claim_for_processing(request_id, generation, f"task-{generation}")
    chunk_store.put_chunks(request_id, generation, [b"\0\0" * 10])
    chunk_store.count_attempt(request_id, generation, 0)
    services.record_chunk_plan(request_id, generation, SPAN, [1.0], [-9.0])
    return request_id


def test_delete_completed_detection_removes_bytes_keys_and_rows(
    alice_client: APIClient, settings, django_capture_on_commit_callbacks
) -> None:
    """204: the recording leaves storage, with its chunk rows, keys (stream keys too) and detection."""
    detection = upload(alice_client)
    request_id = start_run(detection, 0)
    model = services.ScoringModel("m", "1", True, None)
    services.record_scores(request_id, 0, {0: 0.2}, model)
    services.complete_detection(request_id, 0)
    # A key an earlier run left behind (its TTL not yet expired).
    chunk_store.put_chunks(request_id, 7, [b"\0\0"])
    # Had it been streamed: a window not yet scored and the scores its end reused.
    chunk_store.client().set(stream_store.window_key(request_id, 64000), b"\0\0")
    stream_store.remember_score(request_id, b"\0\0", 0.2)
    path = stored(settings, detection)
    assert path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.delete(status_path(detection))

    assert response.status_code == 204
    assert not path.exists()
    assert redis_keys(detection) == []
    assert not Detection.objects.exists()
    assert not AudioFile.objects.exists()
    assert not Chunk.objects.exists()
    assert alice_client.get(status_path(detection)).status_code == 404


def test_delete_processing_detection_stops_its_run_cleanly(
    alice_client: APIClient, settings, django_capture_on_commit_callbacks
) -> None:
    """Deleted mid-run: every late task of the run is a no-op and leaves no key behind."""
    detection = upload(alice_client)
    chunk_store.put_chunks(str(detection.request_id), 0, [b"\0\0"])  # an older run's
    request_id = start_run(detection, 1)
    model = services.ScoringModel("m", "1", True, None)

    with django_capture_on_commit_callbacks(execute=True):
        assert alice_client.delete(status_path(detection)).status_code == 204
    assert redis_keys(detection) == []
    assert not stored(settings, detection).exists()

    # The run's tasks carry on as if nothing happened: none writes or keeps anything.
    chunk_store.put_chunks(request_id, 1, [b"\0\0" * 10])
    assert services.record_chunk_plan(request_id, 1, SPAN, [1.0], [-9.0]) is None
    assert services.record_scores(request_id, 1, {0: 0.9}, model) is None
    chunk_store.count_attempt(request_id, 1, 0)
    assert services.complete_detection(request_id, 1) is None
    assert services.fail_detection(request_id, "late failure", 1) is None
    assert services.claim_for_processing(request_id, 1, "task-1") is None
    assert redis_keys(detection) == []
    assert not Detection.objects.exists()
    assert not Chunk.objects.exists()


def test_delete_someone_elses_detection_is_404(
    alice_client: APIClient, bob_client: APIClient, settings
) -> None:
    """Bob cannot delete (or learn of) alice's detection; a malformed id is the same 404."""
    detection = upload(alice_client)
    for path in (status_path(detection), "/api/v1/audio/status/not-a-uuid"):
        response = bob_client.delete(path)
        assert response.status_code == 404
        assert response.json() == {"detail": "You have no detection with this id."}
    assert stored(settings, detection).exists()
    assert Detection.objects.count() == 1


def test_deleting_the_last_running_member_completes_its_batch(
    alice_client: APIClient, django_capture_on_commit_callbacks
) -> None:
    """A batch waiting only for a deleted member is complete."""
    response = alice_client.post(
        "/api/v1/audio/batch",
        {"file": [SimpleUploadedFile(f"{i}.wav", wav_bytes(1.0)) for i in range(2)]},
        format="multipart",
    )
    first, second = (item["request_id"] for item in response.json()["files"])
    with django_capture_on_commit_callbacks(execute=True):
        services.fail_detection(first, "The file has no audio stream.")
    assert Batch.objects.get().completed_at is None
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.delete(f"/api/v1/audio/status/{second}")
    assert response.status_code == 204
    assert Batch.objects.get().completed_at is not None


def test_delete_account_needs_the_password(alice_client: APIClient) -> None:
    """A wrong or missing password is a 400 and nothing is deleted."""
    for body, error in (
        ({"password": "wrong"}, {"password": ["The password is wrong."]}),
        ({}, {"password": ["This field is required."]}),
    ):
        response = alice_client.delete("/api/v1/users/me", body, format="json")
        assert response.status_code == 400
        assert response.json() == error
    assert User.objects.filter(username="alice").exists()


def test_delete_account_removes_everything_it_owns(
    alice: User,
    alice_client: APIClient,
    bob_client: APIClient,
    settings,
    django_capture_on_commit_callbacks,
) -> None:
    """The account, its detections, batches, bytes and keys go; bob's stay; its token is dead."""
    kept = upload(bob_client)
    running = upload(alice_client)
    start_run(running, 0)
    finished = upload(alice_client, retain_audio="false")
    paths = [stored(settings, running), stored(settings, finished)]
    other_session = client_for(alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.delete(
            "/api/v1/users/me", {"password": PASSWORD}, format="json"
        )

    assert response.status_code == 204
    assert not User.objects.filter(pk=alice.pk).exists()
    assert [path.exists() for path in paths] == [False, False]
    assert redis_keys(running) == []
    assert list(Detection.objects.all()) == [kept]
    assert list(AudioFile.objects.all()) == [kept.audio_file]
    assert stored(settings, kept).exists()
    assert alice_client.get("/api/v1/users/me").status_code == 401
    assert other_session.get("/api/v1/audio/history").status_code == 401
    # A late task of the deleted account's run changes nothing.
    assert services.complete_detection(str(running.request_id), 0) is None
