"""The Celery app: queue and task names, routes, the periodic tasks, and the workers' logging and metrics."""

import os
from functools import partial
from typing import Any

from celery import Celery
from celery import signals
from kombu import Queue

from config import log_context

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

PREPROCESS_QUEUE = "preprocess"
INFERENCE_QUEUE = "inference"
# Short database work with its own worker: a finished recording's result (and
# the sweeper's rescue) never waits behind a queue of recordings to decode.
FINALIZE_QUEUE = "finalize"
# Requests to users' webhook receivers: a slow receiver never delays results.
WEBHOOKS_QUEUE = "webhooks"
# Live streams' windows and ends (docs/streaming.md): the inference workers
# consume it before "inference", so a window never queues behind uploads.
STREAM_QUEUE = "stream"
QUEUES = (
    PREPROCESS_QUEUE,
    INFERENCE_QUEUE,
    FINALIZE_QUEUE,
    WEBHOOKS_QUEUE,
    STREAM_QUEUE,
)

# Task names are a contract with the messages already queued: never rename
# one. The tasks, routes, schedules and senders all spell them from here.
PREPARE_AUDIO_TASK = "inference.prepare_audio"
SCORE_CHUNKS_TASK = "inference.score_chunks"
FINALIZE_DETECTION_TASK = "inference.finalize_detection"
SCORE_STREAM_WINDOW_TASK = "inference.score_stream_window"
FINISH_STREAM_TASK = "inference.finish_stream"
SWEEP_DETECTIONS_TASK = "detector.sweep_detections"
APPLY_RETENTION_TASK = "detector.apply_retention"
DELIVER_WEBHOOK_TASK = "detector.deliver_webhook"
DISPATCH_WEBHOOKS_TASK = "detector.dispatch_webhooks"
# The tasks whose first argument is a detection's request_id: they log under it.
PIPELINE_TASKS = frozenset(
    {PREPARE_AUDIO_TASK, SCORE_CHUNKS_TASK, FINALIZE_DETECTION_TASK}
)

# Deleting recordings and results past their retention (DETECTOR_RETAIN_*_DAYS).
RETENTION_INTERVAL_SECONDS = 3600

app = Celery("detector")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = tuple(Queue(name) for name in QUEUES)
app.conf.task_default_queue = PREPROCESS_QUEUE
app.conf.task_routes = {
    SCORE_CHUNKS_TASK: {"queue": INFERENCE_QUEUE},
    FINALIZE_DETECTION_TASK: {"queue": FINALIZE_QUEUE},
    SWEEP_DETECTIONS_TASK: {"queue": FINALIZE_QUEUE},
    APPLY_RETENTION_TASK: {"queue": FINALIZE_QUEUE},
    DELIVER_WEBHOOK_TASK: {"queue": WEBHOOKS_QUEUE},
    DISPATCH_WEBHOOKS_TASK: {"queue": WEBHOOKS_QUEUE},
    SCORE_STREAM_WINDOW_TASK: {"queue": STREAM_QUEUE},
    FINISH_STREAM_TASK: {"queue": STREAM_QUEUE},
}
app.autodiscover_tasks()
app.autodiscover_tasks(["detector.webhooks"])
app.autodiscover_tasks(["inference"], related_name="stream_tasks")


@app.on_after_finalize.connect
def schedule_sweeper(sender: Celery, **kwargs: object) -> None:
    from django.conf import settings

    sender.add_periodic_task(
        settings.DETECTOR_SWEEP_INTERVAL_SECONDS,
        sender.signature(SWEEP_DETECTIONS_TASK),
        name="sweep stuck detections",
    )
    sender.add_periodic_task(
        RETENTION_INTERVAL_SECONDS,
        sender.signature(
            APPLY_RETENTION_TASK,
            options={"expires": RETENTION_INTERVAL_SECONDS},
        ),
        name="apply retention",
    )
    interval = settings.DETECTOR_WEBHOOK_DISPATCH_INTERVAL_SECONDS
    sender.add_periodic_task(
        interval,
        # Expires: passes missed while the webhooks worker was down are dropped.
        sender.signature(DISPATCH_WEBHOOKS_TASK, options={"expires": interval}),
        name="dispatch due webhooks",
    )


@signals.setup_logging.connect
def use_django_logging(**kwargs: Any) -> None:
    """Workers and beat log through settings.LOGGING: the web's handler, format, filter."""
    from django.conf import settings

    log_context.configure(settings.LOGGING)


@signals.worker_init.connect
def install_worker_metrics(sender: Any, **kwargs: Any) -> None:
    # Imported here so that only workers load the detector_* metrics.
    from inference import worker_metrics

    worker_metrics.install(sender)


signals.task_prerun.connect(
    partial(log_context.bind_task_request_id, PIPELINE_TASKS), weak=False
)
signals.task_postrun.connect(log_context.unbind_task_request_id, weak=False)
