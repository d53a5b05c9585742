"""The Live page in headless Chromium, its microphone a fake device playing speech."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.audio_fixtures import encode_wav
from tests.audio_fixtures import speech

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"


def test_live_microphone_stream_in_chromium(platform_url: str, tmp_path: Path) -> None:
    """Log in, stream the microphone, see windows drawn, stop, read the verdict and open the record."""
    if shutil.which("node") is None or not Path(CHROMIUM).exists():
        pytest.fail(
            "node and /usr/bin/chromium are needed (make system-deps installs Chromium)"
        )
    # Chromium loops the file, so the fake microphone never runs dry.
    microphone = tmp_path / "speech.wav"
    microphone.write_bytes(encode_wav(speech(12.0)))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["node", "e2e/live.e2e.mjs"],
        cwd=ROOT / "frontend",
        env={
            **os.environ,
            "BASE_URL": platform_url,
            "CHROMIUM": CHROMIUM,
            "SPEECH": str(microphone),
            "ARTIFACTS_DIR": str(ARTIFACTS),
        },
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    screenshots = {path.name for path in ARTIFACTS.glob("live-*.png")}
    assert {"live-streaming.png", "live-final.png", "live-detection.png"} <= screenshots
