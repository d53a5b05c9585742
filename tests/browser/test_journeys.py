"""The built dashboard in headless Chromium, driven by Playwright against the real platform.

The journeys share this module, so pytest-xdist runs them one after another
on one worker: two Chromiums starting at once on two cores starve each other.
"""

from pathlib import Path

import numpy as np
import pytest

from tests.audio_fixtures import encode_wav
from tests.audio_fixtures import speech
from tests.browser.support import run_journey

SILENCE_RATE = 8_000

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_journey_in_chromium(platform_url: str, tmp_path: Path) -> None:
    """Register, upload, read the verdict and the model card, history, refusal, phone width."""
    recording = tmp_path / "interview.wav"
    recording.write_bytes(encode_wav(speech(10.0)))
    # Two seconds of digital silence at a telephone rate: inconclusive, with coverage notes.
    silence = tmp_path / "silence.wav"
    silence.write_bytes(
        encode_wav(np.zeros(2 * SILENCE_RATE, np.float32), SILENCE_RATE)
    )
    not_audio = tmp_path / "notes.wav"
    not_audio.write_text("These are meeting notes, not a recording.")
    screenshots = run_journey(
        "dashboard.e2e.mjs",
        platform_url,
        RECORDING=recording,
        SILENCE=silence,
        NOT_AUDIO=not_audio,
    )
    assert {
        "register.png",
        "detection-completed.png",
        "spectrogram.png",
        "model-card.png",
        "silent-detection.png",
        "history.png",
        "refused.png",
        "cleared.png",
        "detection-phone.png",
        "model-card-phone.png",
    } <= screenshots


def test_live_microphone_stream_in_chromium(platform_url: str, tmp_path: Path) -> None:
    """Log in, stream the microphone, see windows drawn, stop, read the verdict and open the record."""
    # Chromium loops the file, so the fake microphone never runs dry.
    microphone = tmp_path / "speech.wav"
    microphone.write_bytes(encode_wav(speech(12.0)))
    screenshots = run_journey("live.e2e.mjs", platform_url, SPEECH=microphone)
    assert {"live-streaming.png", "live-final.png", "live-detection.png"} <= screenshots
