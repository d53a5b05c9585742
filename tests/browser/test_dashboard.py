"""The built dashboard in headless Chromium, driven by Playwright against the real platform."""

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tests.audio_fixtures import encode_wav
from tests.audio_fixtures import speech

SILENCE_RATE = 8_000

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"


def test_dashboard_journey_in_chromium(platform_url: str, tmp_path: Path) -> None:
    """Register, upload, read the verdict and the model card, history, refusal, phone width."""
    if shutil.which("node") is None or not Path(CHROMIUM).exists():
        pytest.fail(
            "node and /usr/bin/chromium are needed (make system-deps installs Chromium)"
        )
    recording = tmp_path / "interview.wav"
    recording.write_bytes(encode_wav(speech(10.0)))
    # Two seconds of digital silence at a telephone rate: inconclusive, with coverage notes.
    silence = tmp_path / "silence.wav"
    silence.write_bytes(
        encode_wav(np.zeros(2 * SILENCE_RATE, np.float32), SILENCE_RATE)
    )
    not_audio = tmp_path / "notes.wav"
    not_audio.write_text("These are meeting notes, not a recording.")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["node", "e2e/dashboard.e2e.mjs"],
        cwd=ROOT / "frontend",
        env={
            **os.environ,
            "BASE_URL": platform_url,
            "CHROMIUM": CHROMIUM,
            "RECORDING": str(recording),
            "SILENCE": str(silence),
            "NOT_AUDIO": str(not_audio),
            "ARTIFACTS_DIR": str(ARTIFACTS),
        },
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    screenshots = {path.name for path in ARTIFACTS.glob("*.png")}
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
