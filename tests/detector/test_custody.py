"""The custody log: what is recorded, by whom, and that it outlives its detection."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from detector import services
from detector.custody import DetectionEvent
from detector.custody import events_for
from detector.custody import record_event
from detector.models import Detection
from tests.detector.reporting import upload

pytestmark = pytest.mark.django_db


def actions(detection: Detection) -> list[str]:
    return list(events_for(detection.request_id).values_list("action", flat=True))


def test_upload_records_the_uploader_and_the_file(
    alice: User, alice_client: APIClient
) -> None:
    """An upload is the first entry, by the uploader, with the file's name and hash."""
    detection = upload(alice_client)
    event = events_for(detection.request_id).get()
    assert (event.action, event.actor, event.actor_name) == ("uploaded", alice, "alice")
    assert event.details["sha256"] == detection.audio_file.sha256
    assert event.details["file_name"] == detection.audio_file.original_filename


def test_failure_and_operator_requeue_are_recorded(
    alice_client: APIClient, bob: User
) -> None:
    """A worker's failure and an operator's re-queue each add an entry with the actor."""
    detection = upload(alice_client)
    request_id = str(detection.request_id)
    services.claim_for_processing(request_id, 0, "task-1")
    services.fail_detection(request_id, "Decoder crashed.", generation=0)
    assert services.requeue_detection(detection, actor=bob)
    events = list(events_for(detection.request_id))
    assert [(e.action, e.actor_name) for e in events] == [
        ("uploaded", "alice"),
        ("processing_started", "worker"),
        ("failed", "worker"),
        ("requeued", "bob"),
    ]
    assert events[1].details == {"run": 0, "attempt": 1}
    assert events[2].details == {"message": "Decoder crashed."}


def test_audio_download_is_recorded(alice_client: APIClient) -> None:
    """Playing the recording back is an access, recorded before it is served."""
    detection = upload(alice_client)
    url = reverse("detector:recording", args=[str(detection.request_id)])
    response = alice_client.get(url, HTTP_ACCEPT="*/*")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"RIFF")  # type: ignore[attr-defined]
    assert actions(detection) == ["uploaded", "audio_downloaded"]


def test_events_outlive_their_detection(alice_client: APIClient) -> None:
    """Deleting a detection keeps its log, found by request id."""
    detection = upload(alice_client)
    request_id = detection.request_id
    detection.delete()
    event = DetectionEvent.objects.get(request_id=request_id)
    assert event.detection is None
    assert event.action == "uploaded"


def test_record_event_refuses_unknown_actions(alice_client: APIClient) -> None:
    """A misspelt action is a programming error, not a silent new kind of entry."""
    detection = upload(alice_client)
    with pytest.raises(ValueError, match="unknown custody action"):
        record_event(detection, "labeled")
