"""Running a Playwright journey from ``frontend/e2e`` against the real platform."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"


def run_journey(script: str, base_url: str, **inputs: Path) -> set[str]:
    """Run ``frontend/e2e/<script>`` in headless Chromium; the screenshots it saved.

    ``inputs`` reach the script as environment variables (``RECORDING=...``).
    """
    if shutil.which("node") is None or not Path(CHROMIUM).exists():
        pytest.fail(
            "node and /usr/bin/chromium are needed (make system-deps installs Chromium)"
        )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["node", f"e2e/{script}"],
        cwd=ROOT / "frontend",
        env={
            **os.environ,
            **{name: str(path) for name, path in inputs.items()},
            "BASE_URL": base_url,
            "CHROMIUM": CHROMIUM,
            "ARTIFACTS_DIR": str(ARTIFACTS),
        },
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return {path.name for path in ARTIFACTS.glob("*.png")}
