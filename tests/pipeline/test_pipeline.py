"""Uploads through the API, scored by a real worker over real Redis and PostgreSQL."""

import numpy as np
import pytest
from rest_framework.test import APIClient

from detector.models import Detection
from inference import audio
from inference import chunk_store
from inference.tasks import finalize_detection
from inference.tasks import prepare_audio
from tests.audio_fixtures import encode_wav
from tests.audio_fixtures import music
from tests.audio_fixtures import speech
from tests.support import submit
from tests.support import wait_for

pytestmark = [
    pytest.mark.pipeline,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("celery_worker"),
]


def test_pipeline_scores_multi_chunk_recording(alice_client: APIClient) -> None:
    """A 10 s recording ends completed with three chunks, times, model and no Redis keys."""
    request_id = submit(alice_client, encode_wav(speech(10.0, 22_050), rate=22_050))
    detection = wait_for(request_id)
    assert detection.status == Detection.Status.COMPLETED, detection.error_message
    chunks = detection.results["chunk_predictions"]
    assert list(chunks) == ["chunk_0", "chunk_1", "chunk_2"]
    assert [(chunk["start"], chunk["end"]) for chunk in chunks.values()] == [
        (0.0, 4.0),
        (4.0, 8.0),
        (8.0, 10.0),
    ]
    assert all(0.0 <= chunk["score"] <= 1.0 for chunk in chunks.values())
    assert all(chunk["speech"] for chunk in chunks.values())
    assert detection.chunk_count == 3
    assert detection.overall_assessment in {"real", "likely_fake", "fake"}
    assert detection.inconclusive_reason == ""
    assert detection.model_name == "wavlm-tiny-random-demo"
    assert detection.model_trained is False
    assert detection.processing_duration_ms > 0
    assert detection.audio_file.sample_rate == 22_050
    assert detection.audio_file.duration_seconds == pytest.approx(10.0, abs=0.01)
    assert chunk_store.client().keys(f"*{request_id}*") == []

    body = alice_client.get(f"/api/v1/audio/status/{request_id}").json()
    assert body["chunk_predictions"] == chunks
    assert body["model"]["warning"]


@pytest.mark.parametrize(
    ("signal", "reason"),
    [
        (np.zeros(16_000 * 6, dtype=np.float32), "no_speech"),
        (music(6.0), "not_speech_like"),
    ],
    ids=["silence", "music"],
)
def test_pipeline_gives_inconclusive_without_speech(
    alice_client: APIClient, signal: np.ndarray, reason: str
) -> None:
    """Silence and music are scored but marked without speech: inconclusive, and why."""
    request_id = submit(alice_client, encode_wav(signal))
    detection = wait_for(request_id)
    assert detection.status == Detection.Status.COMPLETED
    assert not any(c["speech"] for c in detection.results["chunk_predictions"].values())
    assert detection.overall_assessment == "inconclusive"
    assert detection.inconclusive_reason == reason

    body = alice_client.get(f"/api/v1/audio/status/{request_id}").json()
    assert body["inconclusive_reason"] == reason
    assert body["inconclusive_message"] == detection.inconclusive_message != ""


def test_pipeline_gives_inconclusive_for_too_little_speech(
    alice_client: APIClient, settings
) -> None:
    """Speech shorter in all than DETECTOR_MIN_SPEECH_SECONDS is too_short."""
    settings.DETECTOR_MIN_SPEECH_SECONDS = 5.0
    detection = wait_for(submit(alice_client, encode_wav(speech(4.0))))
    assert detection.status == Detection.Status.COMPLETED
    assert detection.results["chunk_predictions"]["chunk_0"]["speech"]
    assert detection.overall_assessment == "inconclusive"
    assert detection.inconclusive_reason == "too_short"
    assert detection.verdict_policy["min_speech_seconds"] == 5.0
    assert "less than 5 s of speech" in detection.inconclusive_message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"fLaC" + np.random.default_rng(0).bytes(4000), audio.DAMAGED_MESSAGE),
        (
            b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"this is a text file, not audio" * 20,
            audio.DAMAGED_MESSAGE,
        ),
        (encode_wav(np.zeros(8000, dtype=np.float32)), "at least 1 s of audio"),
    ],
    ids=["corrupt-flac", "text-with-mp3-header", "too-short"],
)
def test_pipeline_fails_undecodable_uploads_with_message(
    alice_client: APIClient, content: bytes, message: str
) -> None:
    """Corrupt, fake and too-short files end failed with a readable message."""
    detection = wait_for(submit(alice_client, content))
    assert detection.status == Detection.Status.FAILED
    assert message in detection.error_message
    assert "Traceback" not in detection.error_message


def test_pipeline_fails_over_long_recording(alice_client: APIClient, settings) -> None:
    """A recording over DETECTOR_MAX_DURATION_SECONDS fails, naming the limit."""
    settings.DETECTOR_MAX_DURATION_SECONDS = 5
    detection = wait_for(submit(alice_client, encode_wav(speech(8.0))))
    assert detection.status == Detection.Status.FAILED
    assert "longer than the 5-second limit" in detection.error_message


def test_pipeline_fails_cleanly_when_decoder_crashes(
    alice_client: APIClient, settings
) -> None:
    """A decoder child killed by its memory limit fails the detection, and the worker goes on."""
    settings.DETECTOR_DECODE_MEMORY_BYTES = 16 * 1024**2
    crashed = wait_for(submit(alice_client, encode_wav(speech(5.0))))
    assert crashed.status == Detection.Status.FAILED
    assert crashed.error_message == audio.LIMITS_MESSAGE
    assert chunk_store.client().keys(f"*{crashed.request_id}*") == []

    settings.DETECTOR_DECODE_MEMORY_BYTES = 1024**3
    assert wait_for(submit(alice_client, encode_wav(speech(5.0)))).status == "completed"


def test_pipeline_ignores_duplicated_tasks_after_completion(
    alice_client: APIClient,
) -> None:
    """Running prepare and finalize again leaves a completed result untouched."""
    request_id = submit(alice_client, encode_wav(speech(6.0)))
    done = wait_for(request_id)
    assert done.status == Detection.Status.COMPLETED
    prepare_audio.delay(request_id, done.generation).get(timeout=30)
    finalize_detection.delay(request_id, done.generation).get(timeout=30)
    again = Detection.objects.get(request_id=request_id)
    assert (again.status, again.results, again.completed_at, again.attempts) == (
        done.status,
        done.results,
        done.completed_at,
        done.attempts,
    )


def test_health_reports_inference_worker(api_client: APIClient) -> None:
    """With a worker consuming the inference queue, health is 200."""
    response = api_client.get("/api/v1/health")
    assert response.json()["checks"]["inference_workers"] == "ok"
    assert response.status_code == 200
