"""Fault and load tests: a real uvicorn on loopback, a private Redis the test may stop."""

import os
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

from bench.services import PrivateRedis
from config import roles
from config.celery import QUEUES
from tests.live_server import ROOT
from tests.live_server import LiveServer


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A running private Redis, stopped at the end of the test."""
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def multipart(content: bytes, name: str = "voice.wav") -> tuple[bytes, str]:
    """A multipart body with one ``file`` field, and its Content-Type."""
    boundary = uuid.uuid4().hex
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: audio/wav\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), (
        f"multipart/form-data; boundary={boundary}"
    )


def login(server: LiveServer, username: str, password: str) -> dict[str, str]:
    """Log in over HTTP; the token pair."""
    reply = server.request(
        "POST",
        "/api/v1/users/login",
        f'{{"username": "{username}", "password": "{password}"}}',
        {"Content-Type": "application/json"},
    )
    assert reply.status == 200, reply
    return dict(reply.json())


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@contextmanager
def celery_worker_process(workdir: Path, **environment: str) -> Iterator[None]:
    """A real worker (every queue, with the beat scheduler) on the test database."""
    database = connection.settings_dict["NAME"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "MEDIA_ROOT": str(workdir / "media"),
        **environment,
    }
    launch = roles.worker("outage", QUEUES)
    # One process for everything, the scheduler included: an outage hits it all.
    command = (*launch.command, "--pool", "solo", "--beat")
    command += ("--schedule", str(workdir / "beat-schedule"))
    with (workdir / "worker.log").open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=launch.environment(env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield
        finally:
            process.terminate()
            process.wait(timeout=60)
