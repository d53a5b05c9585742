"""The workers' Prometheus metrics: definitions and the small calls that record them.

Imported by worker code only (tasks, the model, the worker's metrics server),
so the web process's ``/metrics`` never lists these series. Under Celery's
prefork pool the values live in ``PROMETHEUS_MULTIPROC_DIR`` (one file per
process and metric) and the worker's main process aggregates them on scrape;
gauges therefore name a ``multiprocess_mode``.
"""

from collections.abc import Mapping

from prometheus_client import Counter
from prometheus_client import Gauge
from prometheus_client import Histogram
from prometheus_client.context_managers import Timer

STAGES = ("decode", "chunking", "inference", "aggregation")
VERDICTS = ("real", "likely_fake", "fake", "inconclusive")
NO_VERDICT = "none"

# From a few milliseconds (a short chunk plan) to the 300 s soft time limit.
STAGE_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
# Upload to completion includes queueing, so it reaches further.
END_TO_END_BUCKETS = (0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128)

DETECTIONS_FINISHED = Counter(
    "detector_detections_finished",
    "Detections that reached a final state, by status and verdict.",
    ["status", "verdict"],
)
STAGE_DURATION = Histogram(
    "detector_stage_duration_seconds",
    "Time spent in one pipeline stage of one detection (inference: per batch).",
    ["stage"],
    buckets=STAGE_BUCKETS,
)
END_TO_END_DURATION = Histogram(
    "detector_end_to_end_duration_seconds",
    "Time from the upload to the completed detection.",
    buckets=END_TO_END_BUCKETS,
)
CHUNKS_SCORED = Counter(
    "detector_chunks_scored", "Audio chunks scored by the detector model."
)
BATCH_SIZE = Histogram(
    "detector_batch_size",
    "Chunks per scoring batch given to the model.",
    buckets=BATCH_BUCKETS,
)
MODEL_LOAD_SECONDS = Gauge(
    "detector_model_load_seconds",
    "How long the worker process took to load its detector model.",
    multiprocess_mode="livemax",
)
MODEL_INFO = Gauge(
    "detector_model_info",
    "The detector model a worker process scores with (always 1).",
    ["name", "version", "trained", "device"],
    multiprocess_mode="livemax",
)
TASKS_RETRIED = Counter(
    "detector_tasks_retried", "Celery task retries, by task name.", ["task"]
)
SWEEPER_DETECTIONS = Counter(
    "detector_sweeper_detections",
    "Detections the periodic sweeper acted on, by action (a SweepReport field).",
    ["action"],
)
SWEEPER_LAST_RUN = Gauge(
    "detector_sweeper_last_run_timestamp_seconds",
    "Unix time at which the sweeper last finished a run.",
    multiprocess_mode="max",
)

# Create the known label sets up front: a series that first appears with the
# value 1 has no earlier sample, so rate() and increase() would miss that event.
for _stage in STAGES:
    STAGE_DURATION.labels(stage=_stage)
for _verdict in VERDICTS:
    DETECTIONS_FINISHED.labels(status="completed", verdict=_verdict)
DETECTIONS_FINISHED.labels(status="failed", verdict=NO_VERDICT)


def record_stage(stage: str, seconds: float) -> None:
    STAGE_DURATION.labels(stage=stage).observe(seconds)


def stage_timer(stage: str) -> Timer:
    """A context manager that observes the block's duration for ``stage``."""
    return STAGE_DURATION.labels(stage=stage).time()


def record_completed(verdict: str, seconds_since_upload: float | None) -> None:
    DETECTIONS_FINISHED.labels(status="completed", verdict=verdict or NO_VERDICT).inc()
    if seconds_since_upload is not None:
        END_TO_END_DURATION.observe(seconds_since_upload)


def record_failed() -> None:
    DETECTIONS_FINISHED.labels(status="failed", verdict=NO_VERDICT).inc()


def record_batch(size: int) -> None:
    BATCH_SIZE.observe(size)
    CHUNKS_SCORED.inc(size)


_loaded_model: tuple[str, ...] | None = None


def record_model_loaded(
    *, name: str, version: str, trained: bool, device: str, seconds: float
) -> None:
    global _loaded_model
    labels = (name, version, str(trained).lower(), device)
    if _loaded_model is not None and _loaded_model != labels:
        # A reload replaced the model: the old series must not still read 1.
        MODEL_INFO.labels(*_loaded_model).set(0)
        MODEL_INFO.remove(*_loaded_model)
    _loaded_model = labels
    MODEL_LOAD_SECONDS.set(seconds)
    MODEL_INFO.labels(*labels).set(1)


def record_retry(task_name: str) -> None:
    TASKS_RETRIED.labels(task=task_name).inc()


def record_sweep(report: Mapping[str, int]) -> None:
    for action, count in report.items():
        SWEEPER_DETECTIONS.labels(action=action).inc(count)
    SWEEPER_LAST_RUN.set_to_current_time()
