"""A real `celery worker` (prefork, two children): multiprocess metrics and JSON logs."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from tests.audio_fixtures import encode_wav
from tests.audio_fixtures import speech
from tests.ops.scrape import fetch_once_moved
from tests.ops.scrape import value
from tests.pipeline.test_pipeline import submit
from tests.pipeline.test_pipeline import wait_for

pytestmark = [pytest.mark.pipeline, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    metrics_url: str
    metrics_dir: Path
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)

    def log_lines(self) -> list[str]:
        return [
            line
            for line in self.log.read_text().splitlines()
            # Printed by Celery's signal handler, not logged.
            if line.strip() and not line.startswith("worker: Warm shutdown")
        ]


@pytest.fixture
def prefork_worker(tmp_path: Path, demo_model: Path) -> Iterator[Worker]:
    """`celery worker -c 2` as the start scripts run it, on the test database and Redis."""
    port = free_port()
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    log = tmp_path / "worker.log"
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DETECTOR_MODEL": str(demo_model),
        "DETECTOR_BATCH_SIZE": "1",
        "DETECTOR_CPU_OPTIMIZE": "false",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "DETECTOR_WORKER_METRICS_PORT": str(port),
        # As in the image: no progress bars on stderr.
        "HF_HUB_DISABLE_PROGRESS_BARS": "1",
        # The image runs as an unprivileged user; here the tests may run as root,
        # and Celery warns about that before logging is set up.
        "PYTHONWARNINGS": "ignore:You're running the worker with superuser",
    }
    command = [
        *(sys.executable, "-m", "celery", "-A", "config", "--quiet", "worker"),
        *("-c", "2", "-Q", "preprocess,inference,finalize", "-n", f"ops-{port}@%h"),
        *("--without-gossip", "--without-mingle"),
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT
        )
    worker = Worker(process, f"http://127.0.0.1:{port}/metrics", metrics_dir, log)
    try:
        for _ in range(240):
            assert process.poll() is None, worker.log.read_text()
            try:
                urllib.request.urlopen(worker.metrics_url, timeout=2)
                break
            except OSError:
                time.sleep(0.25)
        yield worker
    finally:
        worker.stop()


def test_prefork_worker_aggregates_children_and_logs_json(
    alice_client: APIClient, prefork_worker: Worker
) -> None:
    """The children's metrics add up on the main process's port; every line is JSON."""
    request_id = submit(alice_client, encode_wav(speech(10.0, 22_050), rate=22_050))
    detection = wait_for(request_id, timeout=180)
    assert detection.status == "completed", detection.error_message

    samples = fetch_once_moved(
        prefork_worker.metrics_url,
        {},
        "detector_detections_finished_total",
        status="completed",
        verdict=detection.overall_assessment,
    )
    assert value(samples, "detector_chunks_scored_total") == 3
    assert (
        value(
            samples,
            "detector_detections_finished_total",
            status="completed",
            verdict=detection.overall_assessment,
        )
        == 1
    )
    stages = {"decode": 1, "chunking": 1, "inference": 3, "aggregation": 1}
    for stage, count in stages.items():
        assert (
            value(samples, "detector_stage_duration_seconds_count", stage=stage)
            == count
        ), stage
    assert value(samples, "detector_end_to_end_duration_seconds_count") == 1
    assert (
        value(
            samples,
            "detector_model_info",
            name="wavlm-tiny-random-demo",
            version=detection.model_version,
            trained="false",
            device="cpu",
        )
        == 1
    )
    assert value(samples, "detector_queue_depth", queue="inference") == 0
    # Values were written by the pool's children, not by the serving process.
    main_pid = prefork_worker.process.pid
    writers = {
        int(path.stem.rsplit("_", 1)[1])
        for path in prefork_worker.metrics_dir.glob("*.db")
    }
    assert writers - {main_pid}

    prefork_worker.stop()
    # worker_process_shutdown marked the children dead: no live gauge stays behind.
    assert not [
        path
        for path in prefork_worker.metrics_dir.glob("gauge_live*.db")
        if int(path.stem.rsplit("_", 1)[1]) != main_pid
    ]

    lines = prefork_worker.log_lines()
    records = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            pytest.fail(f"not a JSON line: {line!r} in\n" + "\n".join(lines))
    traced = {
        record["data"]["name"]
        for record in records
        if record["name"] == "celery.app.trace"
        and "data" in record
        and record["request_id"] == request_id
    }
    assert traced == {
        "inference.prepare_audio",
        "inference.score_chunks",
        "inference.finalize_detection",
    }
    assert any(
        record["name"] == "inference.worker_metrics"
        and "worker metrics" in record["message"]
        for record in records
    )
