"""A worker process killed mid-task: the sweeper restarts its run within seconds.

`make chaos` measured it: with ``acks_late`` on the Redis broker, the task of
a SIGKILLed worker comes back only after the visibility timeout, and the
stall rule restarts the run after 11 minutes. Here the inference worker is a
real process scoring one long batch; it is killed while its claim is held,
a new one starts, and the sweep (called as beat would) restarts the run as
soon as the dead instance's heartbeat expires.
"""

import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from detector import recovery
from detector.models import Detection
from inference import chunk_store
from inference import heartbeat
from tests.audio_fixtures import encode_wav
from tests.audio_fixtures import speech
from tests.pipeline.processes import Service
from tests.pipeline.processes import pipeline_environment
from tests.pipeline.processes import start_worker_process
from tests.support import submit
from tests.support import wait_for

pytestmark = [pytest.mark.pipeline, pytest.mark.django_db(transaction=True)]

CHUNKS = 40
BEAT_SECONDS = 1  # a dead instance expires after three beats


@pytest.fixture
def environment(demo_model: Path, settings) -> dict[str, str]:
    """One scoring task for the whole recording, so the kill lands inside it."""
    settings.DETECTOR_WORKER_HEARTBEAT_SECONDS = BEAT_SECONDS
    return pipeline_environment(
        demo_model,
        DETECTOR_BATCH_SIZE=str(CHUNKS),
        DETECTOR_WORKER_HEARTBEAT_SECONDS=str(BEAT_SECONDS),
    )


@pytest.fixture
def workers(
    django_db_setup: None, tmp_path: Path, environment: dict[str, str]
) -> Iterator[dict[str, Service]]:
    """Decoding, scoring and finalizing workers, each its own process."""
    started: dict[str, Service] = {}
    try:
        for queue in ("preprocess", "inference", "finalize"):
            started[queue] = start_worker_process([queue], environment, tmp_path)
        yield started
    finally:
        for worker in started.values():
            worker.stop()


def scoring_claim(request_id: str, timeout: float = 120) -> str:
    """Wait for the inference worker's claim on the run; its instance id."""
    client = chunk_store.client()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for value in client.hvals(chunk_store.claims_key(request_id, 0)):
            instance = json.loads(value)["instance"]
            entry = client.get(f"{heartbeat.INSTANCE_KIND}:{instance}")
            if entry and json.loads(entry)["worker"].startswith("inference-"):
                return instance
        time.sleep(0.01)
    raise AssertionError(f"no scoring claim on {request_id}")


def test_run_of_a_killed_worker_is_restarted_and_completes(
    alice_client: APIClient,
    workers: dict[str, Service],
    environment: dict[str, str],
    tmp_path: Path,
) -> None:
    """SIGKILL mid-scoring: new run, completed result, no keys of either run left."""
    request_id = submit(alice_client, encode_wav(speech(CHUNKS * 4.0)))
    instance = scoring_claim(request_id)

    killed = workers.pop("inference")
    os.kill(killed.process.pid, signal.SIGKILL)  # the child dies with it (PDEATHSIG)
    killed_at = time.monotonic()
    killed.process.wait()
    # The kill landed inside the task: its claim outlives it.
    holders = chunk_store.client().hvals(chunk_store.claims_key(request_id, 0))
    assert instance in {json.loads(value)["instance"] for value in holders}

    # As the supervisor of `manage.py serve` would: a fresh process, its own files.
    (replacement := tmp_path / "replacement").mkdir()
    workers["inference"] = start_worker_process(["inference"], environment, replacement)
    restarted_at = None
    while restarted_at is None and time.monotonic() - killed_at < 60:
        if recovery.sweep().restarted_lost_worker:
            restarted_at = time.monotonic()
        time.sleep(0.5)
    assert restarted_at is not None, "the sweeper never restarted the run"

    detection = wait_for(request_id, timeout=120)
    completed_at = time.monotonic()
    print(  # noqa: T201 - the figure this test is about
        f"\nkilled worker: run restarted {restarted_at - killed_at:.1f} s after the "
        f"kill, completed {completed_at - killed_at:.1f} s after it "
        f"(heartbeat every {BEAT_SECONDS} s, sweep every 0.5 s)"
    )
    assert detection.status == Detection.Status.COMPLETED, detection.error_message
    assert detection.generation == 1
    assert len(detection.results["chunk_predictions"]) == CHUNKS
    assert chunk_store.client().keys(f"*{request_id}*") == []
    completed = f"detection {request_id} completed"
    assert workers["finalize"].text_once_logged(completed).count(completed) == 1
