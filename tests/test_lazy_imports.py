"""The web process never imports the heavy inference libraries."""

import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("torch", "transformers", "librosa", "numpy", "silero_vad")

SCRIPT = """
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
from config.asgi import application
from django.test import Client
from django.urls import get_resolver
get_resolver().url_patterns
Client().get("/api/v1/health")
Client().get("/api/v1/schema/")
print(",".join(name for name in {heavy!r} if name in sys.modules))
"""


@pytest.mark.django_db
def test_web_process_does_not_import_inference_libraries() -> None:
    """Loading the ASGI app and serving requests leaves torch and friends unimported."""
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(heavy=HEAVY)],
        cwd=Path(__file__).parents[1],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1:] in ([""], [])
