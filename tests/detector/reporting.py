"""A detection taken through upload and the pipeline's steps, for report and custody tests."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from detector import services
from detector.models import Detection
from detector.verdict import VerdictPolicy
from inference.chunking import ChunkSpan
from tests.audio_fixtures import wav_bytes

FILE_NAME = "Café interview 4711.wav"
MODEL = services.ScoringModel(
    "wavlm-small-deepfake", "2.0.0", True, VerdictPolicy(0.5, 0.7)
)
SPANS = [
    ChunkSpan(0, 0, 64000),
    ChunkSpan(1, 64000, 128000),
    ChunkSpan(2, 128000, 144000),
]


def upload(client: APIClient) -> Detection:
    wav = SimpleUploadedFile(FILE_NAME, wav_bytes(9.0), content_type="audio/wav")
    response = client.post(
        reverse("detector:upload"), {"file": wav}, format="multipart"
    )
    assert response.status_code == 202, response.content
    return Detection.objects.get(request_id=response.data["request_id"])


def complete(detection: Detection) -> Detection:
    """Drive the pipeline's steps as the workers would, minus the model."""
    request_id = str(detection.request_id)
    claimed = services.claim_for_processing(request_id, 0, "task-1")
    assert claimed is not None
    services.record_audio_facts(
        claimed, duration_seconds=9.0, sample_rate=16000, channels=1
    )
    services.record_chunk_plan(
        request_id, 0, SPANS, [0.9, 0.8, 0.0], [-20.0, -21.0, -25.0]
    )
    services.record_scores(request_id, 0, {0: 0.12, 1: 0.93, 2: 0.4}, MODEL)
    done = services.complete_detection(request_id, 0)
    assert done is not None
    return done
