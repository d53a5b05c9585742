"""Worker metrics without a worker: collectors, multiprocess files, recording calls."""

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import cast

import pytest
from django.conf import settings
from prometheus_client import CollectorRegistry
from prometheus_client import generate_latest

from detector.management.commands.serve import metrics_environment
from detector.models import Detection
from detector.tasks import sweep_detections
from inference import chunk_store
from inference import metrics
from inference import worker_metrics
from inference.tasks import prepare_audio
from tests.factories import DetectionFactory
from tests.ops.scrape import delta
from tests.ops.scrape import matching
from tests.ops.scrape import parse
from tests.ops.scrape import value

ROOT = Path(__file__).resolve().parents[2]


def scrape(*collectors: object) -> dict:
    registry = CollectorRegistry()
    for collector in collectors:
        registry.register(collector)  # type: ignore[arg-type]
    return parse(generate_latest(registry))


def test_queue_depth_sums_every_priority_list() -> None:
    """Depth is LLEN over the queue's list and its priority lists, per queue."""
    redis = chunk_store.client()
    redis.rpush("ops-queue", b"a", b"b")
    redis.rpush(worker_metrics.queue_keys("ops-queue")[1], b"c")
    collector = worker_metrics.QueueDepthCollector(
        ["ops-queue", "ops-empty"], settings.CELERY_BROKER_URL
    )
    samples = scrape(collector)
    assert value(samples, "detector_queue_depth", queue="ops-queue") == 3
    assert value(samples, "detector_queue_depth", queue="ops-empty") == 0


def test_queue_depth_is_absent_when_redis_is_down() -> None:
    """An unreachable Redis leaves the series out instead of failing the scrape."""
    collector = worker_metrics.QueueDepthCollector(
        ["preprocess"], "redis://127.0.0.1:1/0"
    )
    samples = scrape(collector)
    assert matching(samples, "detector_queue_depth") == {}


CHILD = """
from inference import metrics
metrics.record_batch(2)
metrics.record_model_loaded(
    name="child-model", version="v1", trained=True, device="cpu", seconds=1.5
)
"""


def run_child(directory: Path) -> None:
    subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        env={**os.environ, worker_metrics.MULTIPROC_ENV: str(directory)},
        check=True,
        timeout=60,
    )


def test_multiprocess_counters_add_up_and_dead_processes_gauges_go(
    tmp_path: Path,
) -> None:
    """Two (exited) children's counters are summed; their live gauges are dropped."""
    run_child(tmp_path)
    run_child(tmp_path)
    assert list(tmp_path.glob("gauge_livemax_*.db"))
    samples = scrape(worker_metrics.LiveMultiProcessCollector(str(tmp_path)))
    assert value(samples, "detector_chunks_scored_total") == 4
    assert value(samples, "detector_batch_size_count") == 2
    # A killed child never says goodbye; the scrape notices it is gone.
    assert matching(samples, "detector_model_info") == {}
    assert value(samples, "detector_model_load_seconds") is None
    assert not list(tmp_path.glob("gauge_livemax_*.db"))


def test_stale_files_from_an_earlier_run_are_removed(tmp_path: Path) -> None:
    """At start only this process's files stay; an old run's counters are gone."""
    run_child(tmp_path)
    own = tmp_path / f"counter_{os.getpid()}.db"
    own.write_bytes(b"")
    worker_metrics.remove_stale_files(tmp_path, keep_pid=os.getpid())
    assert list(tmp_path.iterdir()) == [own]


def test_model_reload_replaces_the_info_series() -> None:
    """Loading another model leaves exactly one detector_model_info series at 1."""
    metrics.record_model_loaded(
        name="first", version="1", trained=False, device="cpu", seconds=0.5
    )
    metrics.record_model_loaded(
        name="second", version="2", trained=True, device="cpu", seconds=2.0
    )
    samples = parse(generate_latest())
    assert matching(samples, "detector_model_info") == {
        frozenset(
            {
                "name": "second",
                "version": "2",
                "trained": "true",
                "device": "cpu",
            }.items()
        ): 1.0
    }
    assert value(samples, "detector_model_load_seconds") == 2.0


@pytest.mark.django_db
def test_sweeper_records_its_actions_and_last_run() -> None:
    """Each sweep counts its actions by SweepReport field and stamps its run time."""
    before = parse(generate_latest())
    started = time.time()
    report = sweep_detections()
    after = parse(generate_latest())
    for action, count in report.items():
        assert delta(
            before, after, "detector_sweeper_detections_total", action=action
        ) == (count)
    last_run = value(after, "detector_sweeper_last_run_timestamp_seconds")
    assert last_run is not None
    assert started <= last_run <= time.time()


def test_serve_gives_each_worker_a_directory_and_port(tmp_path: Path, settings) -> None:
    """manage.py serve: one emptied metrics directory and one port per worker."""
    settings.DETECTOR_WORKER_METRICS_PORT = 9300
    stale = tmp_path / "prometheus" / "inference1" / "counter_1.db"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"")
    environments = [
        metrics_environment(tmp_path, name, offset)
        for offset, name in enumerate(["preprocess", "inference0", "inference1"])
    ]
    assert [env["DETECTOR_WORKER_METRICS_PORT"] for env in environments] == [
        "9300",
        "9301",
        "9302",
    ]
    directories = [Path(env[worker_metrics.MULTIPROC_ENV]) for env in environments]
    assert len(set(directories)) == 3
    assert all(directory.is_dir() for directory in directories)
    assert not stale.exists()

    settings.DETECTOR_WORKER_METRICS_PORT = 0
    assert metrics_environment(tmp_path, "preprocess", 0)[
        "DETECTOR_WORKER_METRICS_PORT"
    ] == ("0")


@pytest.mark.django_db
def test_claim_that_gives_up_counts_a_failed_detection(settings) -> None:
    """A redelivered prepare_audio past DETECTOR_MAX_ATTEMPTS fails and is counted once."""
    detection = cast(
        Detection,
        DetectionFactory(
            status=Detection.Status.PROCESSING,
            task_id="lost-task",
            attempts=settings.DETECTOR_MAX_ATTEMPTS,
        ),
    )
    before = parse(generate_latest())
    prepare_audio.apply(args=[str(detection.request_id), 0], task_id="lost-task")
    after = parse(generate_latest())
    detection.refresh_from_db()
    assert detection.status == Detection.Status.FAILED
    failed = {"status": "failed", "verdict": "none"}
    assert delta(before, after, "detector_detections_finished_total", **failed) == 1

    # A duplicate of a finished detection is no failure.
    prepare_audio.apply(args=[str(detection.request_id), 0], task_id="other-task")
    again = parse(generate_latest())
    assert delta(after, again, "detector_detections_finished_total", **failed) == 0
