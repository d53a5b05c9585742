"""Batches: several files or a zip in one request, their status, and one batch.completed."""

import io
import json
import threading
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import User
from config.body_limit import BodyLimit
from config.body_limit import BodySizeLimitMiddleware
from detector import batches
from detector import services
from detector.models import Batch
from detector.models import Detection
from detector.webhooks.models import WebhookDelivery
from inference.chunking import ChunkSpan
from tests.audio_fixtures import wav_bytes
from tests.factories import DetectionFactory
from tests.factories import WebhookEndpointFactory
from tests.support import RecordingApp

BATCH = "/api/v1/audio/batch"
Status = Detection.Status


def audio_file(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, wav_bytes(1.0) if content is None else content)


def zip_file(name: str, *members: tuple[str, bytes]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, content in members:
            archive.writestr(member, content)
    return SimpleUploadedFile(name, buffer.getvalue())


def post_batch(client: APIClient, *files: SimpleUploadedFile, **fields: str):
    return client.post(BATCH, {"file": list(files), **fields}, format="multipart")


def stored(settings, detection: Detection) -> Path:
    return Path(settings.MEDIA_ROOT) / detection.audio_file.storage_path


@pytest.mark.django_db
def test_batch_of_files_reports_each_file(
    alice_client: APIClient, alice: User, settings, django_capture_on_commit_callbacks
) -> None:
    """Each file is checked like an upload: accepted ones get a detection, refused ones a reason."""
    with django_capture_on_commit_callbacks() as callbacks:
        response = post_batch(
            alice_client,
            audio_file("one.wav"),
            audio_file("notes.txt", b"hello, not audio at all"),
            audio_file("two.wav"),
            audio_file("empty.wav", b""),
            retain_audio="false",
        )
    assert response.status_code == 202, response.json()
    body = response.json()
    batch = Batch.objects.get(pk=body["batch_id"])
    assert batch.owner == alice
    assert body["status_url"].endswith(f"/api/v1/audio/batch/{batch.pk}")
    files = {item["file_name"]: item for item in body["files"]}
    assert list(files) == ["one.wav", "notes.txt", "two.wav", "empty.wav"]
    assert "not a supported audio format" in files["notes.txt"]["error"]
    assert files["empty.wav"]["error"] == "The file is empty."
    assert files["notes.txt"]["request_id"] is None
    members = Detection.objects.filter(batch=batch).select_related("audio_file")
    assert sorted(str(m.request_id) for m in members) == sorted(
        files[name]["request_id"] for name in ("one.wav", "two.wav")
    )
    for member in members:
        assert stored(settings, member).read_bytes() == wav_bytes(1.0)
        assert member.audio_file.retain_audio is False
    assert len(callbacks) == 2  # each member queued once the batch committed


@pytest.mark.django_db
def test_batch_of_one_zip_submits_its_entries(
    alice_client: APIClient, settings
) -> None:
    """A lone zip is unpacked; its entries are sniffed one by one, folders dropped."""
    archive = zip_file(
        "calls.zip",
        ("calls/a.wav", wav_bytes(1.0)),
        ("calls/readme.md", b"# not audio"),
        ("calls/deep/b.wav", wav_bytes(2.0)),
    )
    response = post_batch(alice_client, archive)
    assert response.status_code == 202, response.json()
    files = response.json()["files"]
    assert [item["file_name"] for item in files] == ["a.wav", "readme.md", "b.wav"]
    assert [bool(item["request_id"]) for item in files] == [True, False, True]
    detection = Detection.objects.get(request_id=files[2]["request_id"])
    assert stored(settings, detection).read_bytes() == wav_bytes(2.0)
    assert detection.audio_file.original_filename == "b.wav"


@pytest.mark.django_db
def test_batch_with_nothing_acceptable_is_400(alice_client: APIClient) -> None:
    """Nothing acceptable: 400 with each file's reason, and no batch is created."""
    bomb = zip_file("bomb.zip", ("bomb.wav", b"RIFF" + b"\0" * (8 * 1024**2)))
    response = post_batch(alice_client, bomb)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith("None of the files could be accepted")
    assert "zip bomb" in body["files"][0]["error"]
    assert not Batch.objects.exists()
    assert not Detection.objects.exists()


@pytest.mark.django_db
def test_batch_refuses_too_many_files_and_stray_zips(
    alice_client: APIClient, settings
) -> None:
    """Past DETECTOR_MAX_BATCH_FILES parts or zip entries is a 400; a zip among files is refused."""
    settings.DETECTOR_MAX_BATCH_FILES = settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    response = post_batch(alice_client, *(audio_file(f"{i}.wav") for i in range(3)))
    assert response.status_code == 400
    assert response.json() == {
        "detail": "A batch holds at most 2 files; send the others in another batch."
    }
    crowded = zip_file("many.zip", *((f"{i}.wav", wav_bytes(1.0)) for i in range(3)))
    response = post_batch(alice_client, crowded)
    assert response.status_code == 400
    assert "holds 3 files" in response.json()["detail"]

    stray = zip_file("some.zip", ("a.wav", wav_bytes(1.0)))
    response = post_batch(alice_client, audio_file("a.wav"), stray)
    assert response.status_code == 202
    assert "only as the batch's one file" in response.json()["files"][1]["error"]
    assert not Batch.objects.filter(detections__isnull=True).exists()


@pytest.mark.django_db
def test_batch_without_files_is_400(alice_client: APIClient) -> None:
    response = alice_client.post(BATCH, {}, format="multipart")
    assert response.status_code == 400
    assert "'file'" in response.json()["detail"]


@pytest.mark.django_db
def test_batch_status_counts_members_and_hides_other_users_batches(
    alice_client: APIClient, bob_client: APIClient
) -> None:
    """Counts per status and each member's file, status and verdict; bob gets a 404."""
    body = post_batch(alice_client, audio_file("a.wav"), audio_file("b.wav")).json()
    first, second = (item["request_id"] for item in body["files"])
    services.fail_detection(first, "The file could not be decoded.")
    status_url = f"{BATCH}/{body['batch_id']}"

    status = alice_client.get(status_url).json()
    assert status["counts"] == {
        "pending": 1,
        "processing": 0,
        "completed": 0,
        "failed": 1,
    }
    assert status["completed_at"] is None
    assert [
        (m["request_id"], m["file_name"], m["status"], m["verdict"])
        for m in status["members"]
    ] == [(first, "a.wav", "failed", ""), (second, "b.wav", "pending", "")]
    assert status["members"][0]["error_message"] == "The file could not be decoded."

    for path in (status_url, f"{BATCH}/not-a-uuid", f"{BATCH}/{first}"):
        response = (
            bob_client.get(path) if path == status_url else alice_client.get(path)
        )
        assert response.status_code == 404
        assert response.json() == {"detail": "You have no batch with this id."}


def finish(detection: Detection, *, completed: bool) -> None:
    """Move a processing member to its final state, as the pipeline's last step does."""
    request_id = str(detection.request_id)
    if not completed:
        services.fail_detection(request_id, "The file has no audio stream.", 0)
        return
    model = services.ScoringModel("m", "1", True, None)
    services.record_chunk_plan(request_id, 0, [ChunkSpan(0, 0, 64000)], [1.0], [-9.0])
    services.record_scores(request_id, 0, {0: 0.1}, model)
    services.complete_detection(request_id, 0)


def finish_together(members: list[Detection]) -> list[BaseException]:
    """Finish every member in its own thread, all released at once; the errors raised."""
    barrier = threading.Barrier(len(members))
    errors: list[BaseException] = []

    def run(detection: Detection, index: int) -> None:
        try:
            barrier.wait()
            finish(detection, completed=index % 2 == 0)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(member, index))
        for index, member in enumerate(members)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_batch_completed_is_emitted_once_when_members_finish_together(
    alice: User,
) -> None:
    """Members finishing at the same moment complete the batch exactly once, with one event."""
    endpoint = WebhookEndpointFactory(owner=alice, events=["batch.completed"])
    for round_number in range(3):
        batch = Batch.objects.create(owner=alice)
        members = [
            DetectionFactory(
                audio_file__user=alice, batch=batch, status=Status.PROCESSING
            )
            for _ in range(6)
        ]
        assert finish_together(members) == []
        batch.refresh_from_db()
        assert batch.completed_at is not None
        deliveries = WebhookDelivery.objects.filter(
            endpoint=endpoint, event_type="batch.completed"
        )
        assert deliveries.count() == round_number + 1
        payload = deliveries.latest("pk").payload["data"]
        assert payload["batch_id"] == str(batch.pk)
        assert payload["counts"] == {
            "pending": 0,
            "processing": 0,
            "completed": 3,
            "failed": 3,
        }
        json.dumps(payload)  # as the webhook carries it


@pytest.mark.django_db
def test_sweeper_completes_a_batch_whose_completion_was_lost(alice: User) -> None:
    """A batch left incomplete although every member is final is completed once, later."""
    batch = Batch.objects.create(owner=alice)
    DetectionFactory(audio_file__user=alice, batch=batch, status=Status.COMPLETED)
    running = DetectionFactory(
        audio_file__user=alice, batch=batch, status=Status.PROCESSING
    )
    assert batches.complete_finished_batches() == 0
    Detection.objects.filter(pk=running.pk).update(status=Status.FAILED)
    assert batches.complete_finished_batches() == 1
    assert batches.complete_finished_batches() == 0
    assert Batch.objects.get().completed_at is not None


async def test_batch_has_a_body_limit_of_its_own() -> None:
    """The batch path allows its own size; every other path keeps the upload limit."""
    inner = RecordingApp()
    app = BodySizeLimitMiddleware(
        inner,
        max_bytes=10,
        message="upload too big",
        path_limits={BATCH: BodyLimit(100, "batch too big")},
    )
    sent: list[dict] = []

    async def send(event: dict) -> None:
        sent.append(event)

    async def receive() -> dict:
        return {"type": "http.request", "body": b"x" * 50, "more_body": False}

    for path, status in ((BATCH, 202), ("/api/v1/audio/upload", 413)):
        sent.clear()
        scope = {"type": "http", "path": path, "headers": [(b"content-length", b"50")]}
        await app(scope, receive, send)
        assert sent[0]["status"] == status
    scope = {"type": "http", "path": BATCH, "headers": [(b"content-length", b"101")]}
    sent.clear()
    await app(scope, receive, send)
    assert json.loads(sent[1]["body"]) == {"detail": "batch too big"}
