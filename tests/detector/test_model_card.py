"""GET model and the status body's coverage notes, from the shipped checkpoint's files."""

import json
import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.factories import AudioFileFactory
from tests.factories import CompletedDetectionFactory

pytestmark = pytest.mark.django_db

DEFAULT_MODEL = Path(django_settings.BASE_DIR) / "models" / "default"
CARD_FILES = ("config.json", "build_info.json", "README.md", "detector_thresholds.json")


@pytest.fixture
def card_model(settings, tmp_path: Path) -> Path:
    """The shipped default's card files, with tiny stand-in weights."""
    directory = tmp_path / "model"
    directory.mkdir()
    for name in CARD_FILES:
        shutil.copy(DEFAULT_MODEL / name, directory / name)
    (directory / "model.safetensors").write_bytes(b"weights")
    settings.DETECTOR_MODEL = str(directory)
    return directory


def test_model_card_describes_the_serving_checkpoint(alice_client, card_model):
    """Name, description, coverage, held-out figures and limits come from its files."""
    response = alice_client.get("/api/v1/model")

    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["version"]) == ("wavlm-small-deepfake", "2.0.0")
    assert body["trained"] is True
    assert body["calibrated"] is True
    assert body["description"].startswith("A small WavLM audio-classification model")
    assert body["coverage"]["languages"] == ["English"]
    assert body["coverage"]["sample_rates_hz"] == [8000, 16000]
    assert "voice conversion" in body["coverage"]["synthesis"]
    assert "FREEVC" in body["coverage"]["systems"]
    assert {row["held_out"] for row in body["evaluation"]} == {
        "systems",
        "sources",
        "speakers",
    }
    assert any(limit.startswith("Languages:") for limit in body["limits"])
    assert body["thresholds"]["likely_fake_threshold"] == 0.5


def test_model_card_needs_a_signed_in_user(api_client, card_model):
    """The card is for users of the platform: anonymous callers get 401."""
    assert api_client.get("/api/v1/model").status_code == 401


def test_model_card_is_missing_for_a_hub_model(alice_client, settings):
    """A hub id has no files on this server: 404 with a sentence."""
    settings.DETECTOR_MODEL = "someone/some-detector"

    response = alice_client.get("/api/v1/model")

    assert response.status_code == 404
    assert "hub id" in response.json()["detail"]


def test_model_card_without_coverage_declares_none(alice_client, card_model):
    """A checkpoint built before coverage was recorded answers an empty coverage."""
    info = json.loads((card_model / "build_info.json").read_text())
    del info["coverage"]
    (card_model / "build_info.json").write_text(json.dumps(info))

    assert alice_client.get("/api/v1/model").json()["coverage"] == {}


def test_status_names_how_a_recording_falls_outside_the_model(
    alice, alice_client, card_model
):
    """A 3 s telephone-band MP3 scored by the serving model gets two notes."""
    audio = AudioFileFactory(
        user=alice,
        content_type="audio/mpeg",
        sample_rate=8000,
        channels=1,
        duration_seconds=3.0,
    )
    detection = CompletedDetectionFactory(
        audio_file=audio, model_name="wavlm-small-deepfake", model_version="2.0.0"
    )

    body = alice_client.get(f"/api/v1/audio/status/{detection.request_id}").json()

    assert body["coverage_notes"] == [
        "Recorded at 8000 Hz, telephone bandwidth: the model heard such audio only "
        "through simulated telephone lines, never real phone calls.",
        "The recording is 3.0 s long, shorter than one 4 s chunk: the verdict rests "
        "on a single short stretch.",
    ]


def test_status_has_no_coverage_notes_for_another_model(
    alice, alice_client, card_model
):
    """The serving card says nothing about a recording another model scored."""
    audio = AudioFileFactory(user=alice, sample_rate=8000, duration_seconds=3.0)
    detection = CompletedDetectionFactory(audio_file=audio, model_name="older")

    body = alice_client.get(f"/api/v1/audio/status/{detection.request_id}").json()

    assert body["coverage_notes"] == []
