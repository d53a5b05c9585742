"""Training-only dependencies: installed for development, never in the images."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
REQUIREMENTS = ROOT / "requirements"


def included(name: str) -> set[str]:
    """The requirement file and every file it pulls in with -r."""
    found = {name}
    text = (REQUIREMENTS / name).read_text()
    for other in re.findall(r"^-r\s+(\S+)", text, re.MULTILINE):
        found |= included(other)
    return found


def pins(name: str) -> set[str]:
    return set(
        re.findall(r"^([A-Za-z0-9_.-]+)==", (REQUIREMENTS / name).read_text(), re.M)
    )


def test_training_requirements_hold_the_training_only_pins():
    """pyworld and its setuptools pin live in training.txt, which dev.txt includes."""
    assert {"pyworld", "setuptools"} <= pins("training.txt")
    assert "training.txt" in included("dev.txt")


def test_web_and_inference_roles_never_install_training_requirements():
    """Neither role's requirements nor the Dockerfile reach training.txt."""
    for role in ("web.txt", "inference.txt"):
        reached = included(role)
        assert "training.txt" not in reached
        assert not any("pyworld" in pins(name) for name in reached)
    assert "training.txt" not in (ROOT / "docker" / "Dockerfile").read_text()
