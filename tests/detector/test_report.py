"""Evidence reports: the PDF's text, the JSON body, who may read them and when."""

import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from detector import services
from detector.custody import DetectionEvent
from detector.models import Detection
from detector.report import service
from detector.report.model_facts import facts_for
from tests.detector.reporting import FILE_NAME
from tests.detector.reporting import MODEL
from tests.detector.reporting import complete
from tests.detector.reporting import upload
from tests.factories import ReviewerLabelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _default_model(settings: object) -> None:
    """Reports describe the project's trained default checkpoint."""
    settings.DETECTOR_MODEL = str(  # type: ignore[attr-defined]
        Path(__file__).resolve().parents[2] / "models" / "default"
    )


def report_url(detection: Detection, kind: str) -> str:
    return reverse(f"detector:report-{kind}", args=[str(detection.request_id)])


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_report_pdf_holds_the_evidence(
    alice: User, alice_client: APIClient, tmp_path: Path
) -> None:
    """The PDF names the file, its hash, the model, the verdict, chunks and custody."""
    detection = complete(upload(alice_client))
    ReviewerLabelFactory(
        detection=detection, label="synthetic", comment="Cloned voice."
    )
    response = alice_client.get(
        report_url(detection, "pdf"), HTTP_ACCEPT="application/pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = pdf_text(response.content, tmp_path)
    sha256 = detection.audio_file.sha256
    facts = facts_for(MODEL.name, MODEL.version)
    assert facts is not None
    for expected in (
        FILE_NAME,
        sha256,
        "wavlm-small-deepfake",
        "2.0.0",
        facts.weights_sha256,
        "Fake: the most suspicious stretch, chunk_1 (4.0 to 8.0 s) scored 0.930",
        "at or above the fake threshold 0.700",
        "Peak at or above 0.700: fake. Peak at or above 0.500:",
        "Cloned voice.",
        "Uploaded",
        "Processing started",
        "Completed",
        "Report downloaded",
        "worker",
        "What it does not cover",
        facts.limits[0][:40],
    ):
        assert expected in " ".join(text.split()) or expected in text, expected
    rows = [
        line.split() for line in text.splitlines() if line.strip().startswith("chunk_")
    ]
    assert rows == [
        ["chunk_0", "0.00", "4.00", "yes", "0.1200"],
        ["chunk_1", "4.00", "8.00", "yes", "0.9300"],
        ["chunk_2", "8.00", "9.00", "no", "0.4000"],
    ]


def test_report_json_has_the_same_facts(alice: User, alice_client: APIClient) -> None:
    """The JSON body carries the file, model, verdict, chunks, labels and custody."""
    detection = complete(upload(alice_client))
    response = alice_client.get(report_url(detection, "json"))
    assert response.status_code == 200
    body = response.json()
    assert body["file"] | {"uploaded_at": None} == {
        "name": FILE_NAME,
        "size_bytes": detection.audio_file.file_size_bytes,
        "duration_seconds": 9.0,
        "content_type": "audio/wav",
        "sample_rate": 16000,
        "channels": 1,
        "sha256": detection.audio_file.sha256,
        "source_url": "",
        "uploaded_at": None,
        "audio_deleted_at": None,
    }
    assert body["file"]["uploaded_at"].endswith("Z")
    assert (
        body["model"]["weights_sha256"]
        == facts_for(MODEL.name, MODEL.version).weights_sha256
    )  # type: ignore[union-attr]
    assert body["model"]["calibrated"] is True
    assert body["verdict"]["assessment"] == "fake"
    assert body["verdict"]["deciding_chunk"] == "chunk_1"
    assert body["verdict"]["thresholds"] == {
        "likely_fake_threshold": 0.5,
        "fake_threshold": 0.7,
        "min_speech_seconds": 1.0,
    }
    assert [chunk["score"] for chunk in body["chunks"]] == [0.12, 0.93, 0.4]
    assert [event["action"] for event in body["custody"]] == [
        "uploaded",
        "processing_started",
        "completed",
        "report_downloaded",
    ]
    assert body["custody"][0]["actor"] == "alice"
    assert body["custody"][-1]["details"] == {"format": "json"}
    assert body["limits"]["known_limits"]


def test_report_of_another_users_detection_is_not_found(
    alice_client: APIClient, bob_client: APIClient
) -> None:
    """Bob gets the same 404 as for a missing id, and nothing is recorded."""
    detection = complete(upload(alice_client))
    for kind in ("pdf", "json"):
        response = bob_client.get(report_url(detection, kind))
        assert response.status_code == 404
        assert response.json() == {"detail": "You have no detection with this id."}
    assert not DetectionEvent.objects.filter(action="report_downloaded").exists()


def test_report_of_a_pending_detection_is_a_conflict(alice_client: APIClient) -> None:
    """Before a detection is final its report is 409 with a sentence, as JSON."""
    detection = upload(alice_client)
    response = alice_client.get(
        report_url(detection, "pdf"), HTTP_ACCEPT="application/pdf"
    )
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This detection is still pending; its report can be made once "
        "it has completed or failed."
    }


def test_report_of_a_failed_detection_states_why(
    alice_client: APIClient, tmp_path: Path
) -> None:
    """A failed detection's report has no verdict, only the failure and custody."""
    detection = upload(alice_client)
    services.fail_detection(str(detection.request_id), "The file has no audio stream.")
    response = alice_client.get(report_url(detection, "pdf"))
    assert response.status_code == 200
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert "No verdict: processing failed. The file has no audio stream." in text
    assert "No model scored this recording." in text


def test_report_after_audio_deletion_draws_scores_only(
    alice_client: APIClient, tmp_path: Path
) -> None:
    """With the recording gone the figure shows the chunk scores and says why."""
    detection = complete(upload(alice_client))
    detection.audio_file.audio_deleted_at = timezone.now()
    detection.audio_file.save()
    response = alice_client.get(report_url(detection, "pdf"))
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert "The recording was deleted, so only the chunk scores are drawn." in text


def test_report_of_a_replaced_model_says_its_card_is_unavailable(
    alice_client: APIClient,
) -> None:
    """A detection scored by another checkpoint gets no digest, and a note why."""
    detection = complete(upload(alice_client))
    Detection.objects.filter(pk=detection.pk).update(model_version="1.0.0")
    body = alice_client.get(report_url(detection, "json")).json()
    assert body["model"]["weights_sha256"] == ""
    assert "is not the one this server runs now" in body["model"]["note"]


def test_report_pdf_waits_for_a_slot_then_says_busy(
    alice_client: APIClient, settings: object
) -> None:
    """With every rendering slot taken, a PDF request gets 503 and Retry-After."""
    detection = complete(upload(alice_client))
    settings.DETECTOR_REPORT_WAIT_SECONDS = 0.1  # type: ignore[attr-defined]
    taken = 0
    while service._slots.acquire(blocking=False):
        taken += 1
    try:
        response = alice_client.get(report_url(detection, "pdf"))
    finally:
        for _ in range(taken):
            service._slots.release()
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "retry" in response.json()["detail"]
    assert not DetectionEvent.objects.filter(action="report_downloaded").exists()
