"""The Live page in headless Chromium, its microphone a fake device playing speech."""

from pathlib import Path

import pytest

from tests.audio_fixtures import encode_wav
from tests.audio_fixtures import speech
from tests.browser.support import run_journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_live_microphone_stream_in_chromium(platform_url: str, tmp_path: Path) -> None:
    """Log in, stream the microphone, see windows drawn, stop, read the verdict and open the record."""
    # Chromium loops the file, so the fake microphone never runs dry.
    microphone = tmp_path / "speech.wav"
    microphone.write_bytes(encode_wav(speech(12.0)))
    screenshots = run_journey("live.e2e.mjs", platform_url, SPEECH=microphone)
    assert {"live-streaming.png", "live-final.png", "live-detection.png"} <= screenshots
