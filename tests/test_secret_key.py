"""SECRET_KEY: never a public default; a random local key, or a refusal to start."""

import os
import subprocess
import sys
from pathlib import Path

from config import secret_key

ROOT = Path(__file__).resolve().parents[1]
SHOW_KEY = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.SECRET_KEY)"
)


def start_django(**environment: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "SECRET_KEY_FILE", "DEBUG"}
    }
    return subprocess.run(
        [sys.executable, "-c", SHOW_KEY],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings", **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_create_writes_a_random_private_key_once(tmp_path: Path) -> None:
    """The key file is made once, readable by its owner only, and differs per checkout."""
    first, second = tmp_path / "a", tmp_path / "b"
    assert secret_key.create(first)
    key = secret_key.read(first)
    assert len(key) >= 50
    assert first.stat().st_mode & 0o777 == 0o600
    assert not secret_key.create(first)
    assert secret_key.read(first) == key
    secret_key.create(second)
    assert secret_key.read(second) != key


def test_settings_use_the_key_file_when_no_variable_is_set(tmp_path: Path) -> None:
    """Without SECRET_KEY the local file's key is used."""
    key_file = tmp_path / "key"
    secret_key.create(key_file)
    started = start_django(SECRET_KEY_FILE=str(key_file))
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == secret_key.read(key_file)


def test_deployment_without_a_secret_key_refuses_to_start(tmp_path: Path) -> None:
    """No SECRET_KEY and no key file: a clear error, with DEBUG off and on."""
    for debug in ("false", "true"):
        started = start_django(SECRET_KEY_FILE=str(tmp_path / "missing"), DEBUG=debug)
        assert started.returncode != 0
        assert "ImproperlyConfigured: SECRET_KEY is not set" in started.stderr


def test_the_variable_wins_over_the_file(tmp_path: Path) -> None:
    """A deployment's SECRET_KEY is used as given."""
    started = start_django(SECRET_KEY="from-the-environment-" + "x" * 40)
    assert started.stdout.strip() == "from-the-environment-" + "x" * 40
