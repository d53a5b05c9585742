"""stream_file against the real stack: uvicorn, a worker process on the stream queue, Redis, PostgreSQL."""

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import User
from config.celery import STREAM_QUEUE
from detector.models import Detection
from tests.audio_fixtures import encode_wav
from tests.audio_fixtures import speech
from tests.factories import ApiKeyFactory
from tests.live_server import LiveServer
from tests.live_server import uvicorn_server
from tests.pipeline.processes import Service
from tests.pipeline.processes import pipeline_environment
from tests.pipeline.processes import start_worker_process

pytestmark = [pytest.mark.pipeline, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def stack(tmp_path: Path, demo_model: Path) -> Iterator[LiveServer]:
    """uvicorn and one worker process consuming the stream queue, as in production."""
    worker: Service = start_worker_process(
        [STREAM_QUEUE], pipeline_environment(demo_model), tmp_path
    )
    try:
        with uvicorn_server(tmp_path) as server:
            yield server
    finally:
        worker.stop()


def test_stream_file_prints_windows_then_the_verdict(
    stack: LiveServer, alice: User, tmp_path: Path
) -> None:
    """A 6 s file streamed at real time: provisional then full windows, then final, and a record."""
    key = ApiKeyFactory(owner=alice).key
    recording = tmp_path / "call.wav"
    recording.write_bytes(encode_wav(speech(6.0)))
    output = io.StringIO()
    call_command(
        "stream_file",
        str(recording),
        url=f"ws://127.0.0.1:{stack.port}",
        key=key,
        realtime=True,
        stdout=output,
    )
    lines = output.getvalue().splitlines()
    assert lines[0].startswith("started ")
    windows = [line for line in lines if " window " in line]
    # Provisional windows grow from 0 s; a busy worker may skip [0, 1) for [0, 2).
    assert "(provisional)" in windows[0]
    assert "window    0.0-" in windows[0]
    assert any("(provisional)" not in line for line in windows), lines
    assert lines[-1].startswith("final: ")
    assert lines[-1].endswith(", 2 chunks")
    detection = Detection.objects.get(request_id=lines[0].split()[1])
    assert detection.status == Detection.Status.COMPLETED
    assert detection.source == Detection.Source.STREAM
    assert detection.audio_file.original_filename == "call.wav"
