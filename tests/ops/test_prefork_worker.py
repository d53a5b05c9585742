"""A real `celery worker` (prefork, two children): multiprocess metrics and JSON logs."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from config.celery import FINALIZE_QUEUE
from config.celery import INFERENCE_QUEUE
from config.celery import PIPELINE_TASKS
from config.celery import PREPROCESS_QUEUE
from tests.audio_fixtures import encode_wav
from tests.audio_fixtures import speech
from tests.ops.scrape import fetch_once_moved
from tests.ops.scrape import value
from tests.pipeline.processes import Service
from tests.pipeline.processes import pipeline_environment
from tests.pipeline.processes import start_worker_process
from tests.support import submit
from tests.support import wait_for

pytestmark = [pytest.mark.pipeline, pytest.mark.django_db(transaction=True)]


def log_lines(worker: Service) -> list[str]:
    return [
        line
        for line in worker.text().splitlines()
        # Printed by Celery's signal handler, not logged.
        if line.strip() and not line.startswith("worker: Warm shutdown")
    ]


@pytest.fixture
def prefork_worker(tmp_path: Path, demo_model: Path) -> Iterator[Service]:
    """`celery worker -c 2` as the start scripts run it, on the test database and Redis."""
    worker = start_worker_process(
        [PREPROCESS_QUEUE, INFERENCE_QUEUE, FINALIZE_QUEUE],
        pipeline_environment(demo_model),
        tmp_path,
        concurrency=2,
    )
    yield worker
    worker.stop()


def test_prefork_worker_aggregates_children_and_logs_json(
    alice_client: APIClient, prefork_worker: Service
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

    lines = log_lines(prefork_worker)
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
    assert traced == PIPELINE_TASKS
    assert any(
        record["name"] == "inference.worker_metrics"
        and "worker metrics" in record["message"]
        for record in records
    )
