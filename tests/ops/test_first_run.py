"""First run: `serve` says which model serves; the demo model is built only without one."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from detector.management.commands.serve import model_line

ROOT = Path(django_settings.BASE_DIR)


def test_serve_names_the_trained_default(settings):
    """The shipped detector is named with its version and directory."""
    settings.DETECTOR_MODEL = str(ROOT / "models" / "default")

    assert (
        model_line() == "Serving model wavlm-small-deepfake 2.0.0 from models/default"
    )


def test_serve_warns_about_an_untrained_demo(settings, tmp_path):
    """An untrained checkpoint is called one, with how to build the real one."""
    (tmp_path / "config.json").write_text(
        json.dumps({"detector_name": "demo", "detector_trained": False})
    )
    (tmp_path / "model.safetensors").write_bytes(b"w")
    settings.DETECTOR_MODEL = str(tmp_path)

    line = model_line()

    assert line.startswith("Serving model demo sha256-")
    assert f"from {tmp_path} (UNTRAINED demo" in line


def test_serve_names_a_hub_model(settings):
    """A hub id is named as configured."""
    settings.DETECTOR_MODEL = "someone/some-detector"

    assert model_line() == "Serving model someone/some-detector (a hub id)"


def make_plan(directory: Path, *, trained: bool) -> str:
    """What `make -n demo-model` would run in a checkout with or without models/default."""
    shutil.copy(ROOT / "Makefile", directory / "Makefile")
    if trained:
        (directory / "models" / "default").mkdir(parents=True)
        (directory / "models" / "default" / "config.json").write_text("{}")
    (directory / "requirements").mkdir()
    for requirements in (ROOT / "requirements").glob("*.txt"):
        (directory / "requirements" / requirements.name).write_text("")
    (directory / ".venv").mkdir()
    (directory / ".venv" / ".installed").write_text("")
    (directory / ".secret_key").write_text("")
    result = subprocess.run(
        ["make", "-n", "demo-model"],
        cwd=directory,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make missing")
def test_make_builds_the_demo_model_only_without_a_trained_one(tmp_path):
    """With models/default present, `make run` neither builds nor mentions the demo."""
    (tmp_path / "fresh").mkdir()
    (tmp_path / "trained").mkdir()

    assert "build_offline_model" in make_plan(tmp_path / "fresh", trained=False)
    assert "build_offline_model" not in make_plan(tmp_path / "trained", trained=True)
