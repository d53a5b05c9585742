"""Reading detections back: status, history, and isolation between users."""

import uuid

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from detector.models import Detection
from tests.factories import AudioFileFactory
from tests.factories import ChunkFactory
from tests.factories import DetectionFactory

pytestmark = pytest.mark.django_db


def status_path(request_id: object) -> str:
    return f"/api/v1/audio/status/{request_id}"


def completed(user: User, name: str, verdict: str) -> Detection:
    return DetectionFactory(
        audio_file=AudioFileFactory(user=user, original_filename=name),
        status=Detection.Status.COMPLETED,
        overall_assessment=verdict,
        overall_confidence=0.9,
        results={
            "request_id": "x",
            "chunk_predictions": {
                "chunk_0": {"score": 0.1, "start": 0.0, "end": 4.0, "speech": True}
            },
            "error_message": "",
        },
        model_name="wavlm-tiny-random-demo",
        model_version="untrained-seed0",
        model_trained=False,
        chunk_count=1,
    )


def test_status_returns_chunk_map_verdict_and_model(
    alice_client: APIClient, alice: User
) -> None:
    """A completed detection shows its map, verdict, model and the untrained warning."""
    detection = completed(alice, "interview.wav", "real")
    body = alice_client.get(status_path(detection.request_id)).json()
    assert body["status"] == "completed"
    assert body["chunk_predictions"] == {
        "chunk_0": {"score": 0.1, "start": 0.0, "end": 4.0, "speech": True}
    }
    assert body["progress"] == {"done": 1, "total": 1}
    assert body["overall_assessment"] == "real"
    assert body["file"]["original_filename"] == "interview.wav"
    assert body["model"]["name"] == "wavlm-tiny-random-demo"
    assert body["model"]["trained"] is False
    assert "untrained" in body["model"]["warning"]


def test_status_of_processing_detection_shows_partial_map(
    alice_client: APIClient, alice: User
) -> None:
    """While scoring, the map holds every chunk, unscored ones with a null score."""
    detection = DetectionFactory(
        audio_file=AudioFileFactory(user=alice),
        status=Detection.Status.PROCESSING,
        chunk_count=2,
    )
    ChunkFactory(detection=detection, speech_ratio=0.9, score=0.2)
    ChunkFactory(detection=detection, end_seconds=6, speech_ratio=0, has_speech=False)
    body = alice_client.get(status_path(detection.request_id)).json()
    assert body["chunk_predictions"]["chunk_0"]["score"] == 0.2
    assert body["chunk_predictions"]["chunk_1"] == {
        "score": None,
        "start": 4.0,
        "end": 6.0,
        "speech": False,
        "speech_ratio": 0.0,
        "silent": False,
    }
    assert body["progress"] == {"done": 1, "total": 2}
    assert body["model"]["warning"] == ""


def test_status_and_history_explain_an_inconclusive_verdict(
    alice_client: APIClient, alice: User
) -> None:
    """An inconclusive detection carries its reason and a sentence to show."""
    detection = completed(alice, "guitar.wav", "inconclusive")
    Detection.objects.filter(pk=detection.pk).update(
        inconclusive_reason="too_short",
        verdict_policy={
            "likely_fake_threshold": 0.5,
            "fake_threshold": 0.8,
            "min_speech_seconds": 2.5,
        },
    )
    body = alice_client.get(status_path(detection.request_id)).json()
    assert body["inconclusive_reason"] == "too_short"
    assert body["inconclusive_message"] == (
        "The recording holds less than 2.5 s of speech, too little to judge."
    )
    row = alice_client.get("/api/v1/audio/history").json()["results"][0]
    assert row["inconclusive_reason"] == "too_short"
    assert row["inconclusive_message"] == body["inconclusive_message"]

    real = completed(alice, "interview.wav", "real")
    body = alice_client.get(status_path(real.request_id)).json()
    assert (body["inconclusive_reason"], body["inconclusive_message"]) == ("", "")


@pytest.mark.parametrize(
    "request_id",
    [
        "other-user",
        "6f1c2a9e-0000-4000-8000-000000000001",
        "not-a-uuid",
        "1' OR '1'='1",
    ],
)
def test_status_is_404_for_foreign_unknown_and_malformed_ids(
    bob_client: APIClient, alice: User, request_id: str
) -> None:
    """Another user's detection looks exactly like a missing one."""
    if request_id == "other-user":
        request_id = str(completed(alice, "secret.wav", "fake").request_id)
    response = bob_client.get(status_path(request_id))
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


def test_foreign_and_missing_detections_answer_identically(
    bob_client: APIClient, alice: User
) -> None:
    """The 404 body for alice's detection equals the one for a random id."""
    foreign = bob_client.get(status_path(completed(alice, "a.wav", "real").request_id))
    missing = bob_client.get(status_path(uuid.uuid4()))
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


def test_history_lists_own_detections_newest_first(
    alice_client: APIClient, alice: User, bob: User
) -> None:
    """History holds only the caller's detections, newest first, paginated."""
    first = completed(alice, "first.wav", "real")
    second = completed(alice, "second.wav", "fake")
    completed(bob, "bobs.wav", "fake")
    body = alice_client.get("/api/v1/audio/history").json()
    assert body["count"] == 2
    assert [row["request_id"] for row in body["results"]] == [
        str(second.request_id),
        str(first.request_id),
    ]
    assert {"count", "next", "previous", "results"} <= body.keys()
    assert "chunk_predictions" not in body["results"][0]


def test_history_paginates(alice_client: APIClient, alice: User) -> None:
    """page_size splits the list and links the next page."""
    for index in range(3):
        completed(alice, f"{index}.wav", "real")
    body = alice_client.get("/api/v1/audio/history?page_size=2").json()
    assert len(body["results"]) == 2
    assert body["next"] is not None
    assert len(alice_client.get(body["next"]).json()["results"]) == 1


def test_history_filters_by_status_verdict_and_file_name(
    alice_client: APIClient, alice: User
) -> None:
    """status, verdict and search narrow the list."""
    completed(alice, "meeting.wav", "real")
    fake = completed(alice, "phone-call.mp3", "fake")
    DetectionFactory(
        audio_file=AudioFileFactory(user=alice, original_filename="queued.wav")
    )

    def ids(query: str) -> list[str]:
        return [
            row["request_id"]
            for row in alice_client.get(f"/api/v1/audio/history?{query}").json()[
                "results"
            ]
        ]

    assert ids("verdict=fake") == [str(fake.request_id)]
    assert ids("search=PHONE") == [str(fake.request_id)]
    assert len(ids("status=pending")) == 1
    assert len(ids("status=completed")) == 2
    assert alice_client.get("/api/v1/audio/history?status=bogus").status_code == 400


def test_history_requires_authentication(api_client: APIClient) -> None:
    """Anonymous callers get 401."""
    assert api_client.get("/api/v1/audio/history").status_code == 401
