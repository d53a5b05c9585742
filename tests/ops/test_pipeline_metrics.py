"""A detection through the embedded worker, read back from both /metrics endpoints."""

import io
import json
import logging
import time
from collections.abc import Iterator

import numpy as np
import pytest
from django.conf import settings
from pythonjsonlogger.json import JsonFormatter
from redis.exceptions import ConnectionError as RedisConnectionError
from rest_framework.test import APIClient

from config.celery import FINALIZE_DETECTION_TASK
from config.log_context import RequestIdFilter
from detector import services
from inference import worker_metrics
from tests.audio_fixtures import encode_wav
from tests.audio_fixtures import speech
from tests.ops.scrape import Samples
from tests.ops.scrape import delta
from tests.ops.scrape import fetch
from tests.ops.scrape import fetch_once_moved
from tests.ops.scrape import parse
from tests.ops.scrape import value
from tests.support import submit
from tests.support import wait_for

pytestmark = [
    pytest.mark.pipeline,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("celery_worker"),
]

STAGE_COUNT = "detector_stage_duration_seconds_count"


@pytest.fixture
def worker_metrics_url() -> Iterator[str]:
    """The worker's metrics server on a free port, as worker_init starts it."""
    registry = worker_metrics.build_registry(
        ["inference", "preprocess"], settings.CELERY_BROKER_URL
    )
    server = worker_metrics.serve(registry, 0, "127.0.0.1")
    yield f"http://127.0.0.1:{server.server_port}/metrics"
    server.shutdown()
    server.server_close()


def web_metrics(client: APIClient) -> Samples:
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    return parse(response.content)


def test_detection_metrics_on_worker_and_web_endpoints(
    alice_client: APIClient, worker_metrics_url: str
) -> None:
    """A 3-chunk detection moves every pipeline series by what it did."""
    worker_before = fetch(worker_metrics_url)
    web_before = web_metrics(APIClient())

    request_id = submit(alice_client, encode_wav(speech(10.0, 22_050), rate=22_050))
    detection = wait_for(request_id)
    assert detection.status == "completed", detection.error_message

    # The row is committed before finalize records its metrics: wait for them.
    after = fetch_once_moved(
        worker_metrics_url,
        worker_before,
        "detector_detections_finished_total",
        status="completed",
        verdict=detection.overall_assessment,
    )
    assert delta(worker_before, after, "detector_chunks_scored_total") == 3
    assert (
        delta(
            worker_before,
            after,
            "detector_detections_finished_total",
            status="completed",
            verdict=detection.overall_assessment,
        )
        == 1
    )
    assert (
        delta(
            worker_before,
            after,
            "detector_detections_finished_total",
            status="failed",
            verdict="none",
        )
        == 0
    )
    # One decode, chunking and aggregation per detection; one inference per batch.
    for stage, count in [
        ("decode", 1),
        ("chunking", 1),
        ("inference", 3),
        ("aggregation", 1),
    ]:
        assert delta(worker_before, after, STAGE_COUNT, stage=stage) == count, stage
    assert (
        delta(worker_before, after, "detector_end_to_end_duration_seconds_count") == 1
    )
    assert delta(worker_before, after, "detector_batch_size_count") == 3
    assert delta(worker_before, after, "detector_batch_size_sum") == 3
    assert (
        value(
            after,
            "detector_model_info",
            name="wavlm-tiny-random-demo",
            version=detection.model_version,
            trained="false",
            device="cpu",
        )
        == 1
    )
    assert (value(after, "detector_model_load_seconds") or 0) > 0
    assert value(after, "detector_queue_depth", queue="inference") == 0
    assert value(after, "detector_queue_depth", queue="preprocess") == 0

    web_after = web_metrics(APIClient())
    upload = {"view": "detector:upload", "transport": "http", "method": "POST"}
    assert (
        delta(
            web_before,
            web_after,
            "django_http_requests_total_by_view_transport_method_total",
            **upload,
        )
        == 1
    )
    assert (
        delta(
            web_before,
            web_after,
            "django_http_requests_latency_seconds_by_view_method_count",
            view="detector:upload",
            method="POST",
        )
        == 1
    )
    assert (
        delta(
            web_before,
            web_after,
            "django_db_execute_total",
            alias="default",
            vendor="postgresql",
        )
        > 0
    )
    # The upload throttle reads the Redis cache.
    assert delta(web_before, web_after, "django_cache_get_total", backend="redis") >= 1


def test_retried_task_is_counted(
    alice_client: APIClient, worker_metrics_url: str, monkeypatch
) -> None:
    """A Redis hiccup in score_chunks retries the task, and the retry is counted."""
    real_is_processing = services.is_processing
    calls: list[str] = []

    def flaky_is_processing(request_id: str, generation: int) -> bool:
        calls.append(request_id)
        if len(calls) == 1:
            raise RedisConnectionError("simulated blip")
        return real_is_processing(request_id, generation)

    monkeypatch.setattr(services, "is_processing", flaky_is_processing)
    before = fetch(worker_metrics_url)
    detection = wait_for(submit(alice_client, encode_wav(speech(5.0))))
    assert detection.status == "completed", detection.error_message
    after = fetch(worker_metrics_url)
    assert (
        delta(
            before, after, "detector_tasks_retried_total", task="inference.score_chunks"
        )
        == 1
    )


def test_failed_detection_is_counted(
    alice_client: APIClient, worker_metrics_url: str
) -> None:
    """A recording too short to judge fails, and the failed counter moves by one."""
    before = fetch(worker_metrics_url)
    detection = wait_for(submit(alice_client, encode_wav(np.zeros(8000, np.float32))))
    assert detection.status == "failed"
    failed = {"status": "failed", "verdict": "none"}
    after = fetch_once_moved(
        worker_metrics_url, before, "detector_detections_finished_total", **failed
    )
    assert delta(before, after, "detector_detections_finished_total", **failed) == 1
    assert delta(before, after, STAGE_COUNT, stage="decode") == 1
    assert delta(before, after, "detector_end_to_end_duration_seconds_count") == 0


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """Every log line of this process (web and worker thread) as JSON, as in production."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    formatter: dict[str, str] = settings.LOGGING["formatters"]["json"]  # type: ignore[index]
    handler.setFormatter(JsonFormatter(formatter["fmt"]))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def traced_tasks(json_log: io.StringIO) -> dict[str, str | None]:
    """Each task Celery logged as succeeded, with the request_id of that line."""
    lines = [json.loads(line) for line in json_log.getvalue().splitlines() if line]
    return {
        line["data"]["name"]: line["request_id"]
        for line in lines
        if line["name"] == "celery.app.trace" and "data" in line
    }


def test_upload_and_task_log_lines_share_the_request_id(
    alice_client: APIClient, json_log: io.StringIO
) -> None:
    """The upload's log line and the worker's task lines carry the detection's request_id."""
    request_id = submit(alice_client, encode_wav(speech(5.0)))
    assert wait_for(request_id).status == "completed"
    # Celery logs the last task's "succeeded" after the commit wait_for saw.
    deadline = time.monotonic() + 10
    while FINALIZE_DETECTION_TASK not in traced_tasks(json_log):
        assert time.monotonic() < deadline, "finalize_detection never logged"
        time.sleep(0.05)
    lines = [json.loads(line) for line in json_log.getvalue().splitlines() if line]
    submitted = [
        line
        for line in lines
        if line["name"] == "detector.services" and "submitted" in line["message"]
    ]
    completed = [
        line
        for line in lines
        if line["name"] == "detector.services" and "completed" in line["message"]
    ]
    assert [line["request_id"] for line in submitted] == [request_id]
    assert [line["request_id"] for line in completed] == [request_id]
    # Celery's own "succeeded" line of each pipeline task, logged inside the task.
    assert traced_tasks(json_log) == {
        "inference.prepare_audio": request_id,
        "inference.score_chunks": request_id,
        "inference.finalize_detection": request_id,
    }
    # A later request on this thread starts without the id.
    alice_client.get("/api/v1/users/me")
    logging.getLogger("ops").info("after")
    assert json.loads(json_log.getvalue().splitlines()[-1])["request_id"] is None
