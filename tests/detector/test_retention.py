"""Retention (hourly) and retain_audio=false: bytes leave storage, results stay as configured."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from config.celery import FINALIZE_QUEUE
from config.celery import app
from detector import services
from detector.models import AudioFile
from detector.models import Batch
from detector.models import Detection
from detector.tasks import apply_retention
from inference.chunking import ChunkSpan
from tests.audio_fixtures import wav_bytes

pytestmark = pytest.mark.django_db

Status = Detection.Status
GONE = (
    "The recording itself was deleted after scoring (the upload asked not to keep "
    "it, or the retention period ended); the result and its sha256 remain."
)


def upload(client: APIClient, **fields: str) -> Detection:
    response = client.post(
        "/api/v1/audio/upload",
        {"file": SimpleUploadedFile("voice.wav", wav_bytes(1.0)), **fields},
        format="multipart",
    )
    assert response.status_code == 202, response.json()
    return Detection.objects.get(request_id=response.json()["request_id"])


def score(detection: Detection) -> None:
    """Run the pipeline's database steps to completion."""
    request_id = str(detection.request_id)
    services.claim_for_processing(request_id, 0, "task")
    services.record_chunk_plan(request_id, 0, [ChunkSpan(0, 0, 16000)], [1.0], [-9.0])
    model = services.ScoringModel("m", "1", True, None)
    services.record_scores(request_id, 0, {0: 0.2}, model)
    services.complete_detection(request_id, 0)


def age(detection: Detection, days: int) -> None:
    then = timezone.now() - timedelta(days=days)
    Detection.objects.filter(pk=detection.pk).update(submitted_at=then)
    AudioFile.objects.filter(pk=detection.audio_file_id).update(uploaded_at=then)


def stored(settings, detection: Detection) -> Path:
    audio = AudioFile.objects.get(pk=detection.audio_file_id)
    return Path(settings.MEDIA_ROOT) / audio.storage_path


def assert_audio_gone(client: APIClient, detection: Detection, settings) -> None:
    """The bytes are gone, the status says so, the result and sha256 stay, playback is 410."""
    assert not stored(settings, detection).exists()
    body = client.get(f"/api/v1/audio/status/{detection.request_id}").json()
    assert body["file"]["audio_deleted_at"] is not None
    assert len(body["file"]["sha256"]) == 64
    assert body["overall_assessment"] == detection.overall_assessment
    response = client.get(
        f"/api/v1/audio/status/{detection.request_id}/audio", HTTP_ACCEPT="*/*"
    )
    assert response.status_code == 410
    assert response.json() == {"detail": GONE}


def test_retain_audio_false_deletes_bytes_when_scoring_ends(
    alice_client: APIClient, settings, django_capture_on_commit_callbacks
) -> None:
    """Completed or failed, an upload that asked not to keep its audio loses its bytes."""
    completed = upload(alice_client, retain_audio="false")
    failed = upload(alice_client, retain_audio="false")
    kept = upload(alice_client)
    with django_capture_on_commit_callbacks(execute=True):
        score(completed)
        score(kept)
        services.fail_detection(str(failed.request_id), "The file has no audio stream.")
    completed.refresh_from_db()
    assert completed.status == Status.COMPLETED
    assert_audio_gone(alice_client, completed, settings)
    assert not stored(settings, failed).exists()
    assert stored(settings, kept).exists()
    body = alice_client.get(f"/api/v1/audio/status/{kept.request_id}").json()
    assert body["file"]["audio_deleted_at"] is None


def test_retain_audio_must_be_a_boolean(alice_client: APIClient) -> None:
    response = alice_client.post(
        "/api/v1/audio/upload",
        {"file": SimpleUploadedFile("a.wav", wav_bytes(1.0)), "retain_audio": "maybe"},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json() == {"retain_audio": ["Must be a valid boolean."]}


def test_retention_deletes_old_recordings_but_keeps_results(
    alice_client: APIClient, settings
) -> None:
    """Past DETECTOR_RETAIN_AUDIO_DAYS the bytes go; a running detection keeps its own."""
    settings.DETECTOR_RETAIN_AUDIO_DAYS = 30
    old, running, recent = (upload(alice_client) for _ in range(3))
    score(old)
    services.claim_for_processing(str(running.request_id), 0, "task")
    age(old, 31)
    age(running, 31)
    age(recent, 29)

    report = apply_retention.apply().get()

    assert report["recordings_deleted"] == 1
    old.refresh_from_db()
    assert_audio_gone(alice_client, old, settings)
    assert stored(settings, running).exists()
    assert stored(settings, recent).exists()
    assert apply_retention.apply().get()["recordings_deleted"] == 0


def test_retention_deletes_old_results_entirely(
    alice_client: APIClient, alice, settings, django_capture_on_commit_callbacks
) -> None:
    """Past DETECTOR_RETAIN_RESULTS_DAYS a finished detection goes whole, bytes included."""
    settings.DETECTOR_RETAIN_RESULTS_DAYS = 90
    old, pending, recent = (upload(alice_client) for _ in range(3))
    score(old)
    old_path = stored(settings, old)
    for detection in (old, pending):
        age(detection, 91)
    empty_batch = Batch.objects.create(owner=alice)
    Batch.objects.filter(pk=empty_batch.pk).update(
        created_at=timezone.now() - timedelta(days=91)
    )

    with django_capture_on_commit_callbacks(execute=True):
        report = apply_retention.apply().get()

    assert report["detections_deleted"] == 1
    assert not old_path.exists()
    assert set(Detection.objects.values_list("pk", flat=True)) == {
        pending.pk,
        recent.pk,
    }
    assert not AudioFile.objects.filter(pk=old.audio_file_id).exists()
    assert not Batch.objects.exists()


def test_retention_is_off_by_default_but_catches_unretained_audio(
    alice_client: APIClient, settings
) -> None:
    """0 days keeps everything; a retain_audio=false upload whose deletion failed is caught."""
    old = upload(alice_client)
    unretained = upload(alice_client, retain_audio="false")
    for detection in (old, unretained):
        score(detection)  # on-commit deletion does not run: as if storage was down
        age(detection, 10_000)
    assert stored(settings, unretained).exists()

    report = apply_retention.apply().get()

    assert report == {
        "detections_deleted": 0,
        "recordings_deleted": 0,
        "unretained_deleted": 1,
    }
    assert stored(settings, old).exists()
    assert not stored(settings, unretained).exists()


def test_retention_runs_hourly_on_the_finalize_queue() -> None:
    """Beat sends detector.apply_retention every hour, to the finalize worker."""
    entry = app.conf.beat_schedule["apply retention"]
    assert (entry["task"], entry["schedule"]) == ("detector.apply_retention", 3600)
    route = app.amqp.router.route({}, "detector.apply_retention")
    assert route["queue"].name == FINALIZE_QUEUE
