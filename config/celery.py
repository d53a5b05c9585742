"""The Celery app: queues, routes, the periodic sweeper, and the workers' logging and metrics."""

import os
from typing import Any

from celery import Celery
from celery import signals
from kombu import Queue

from config import logging as log_context

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
# Deleting recordings and results past their retention (DETECTOR_RETAIN_*_DAYS).
RETENTION_INTERVAL_SECONDS = 3600
QUEUES = (
    PREPROCESS_QUEUE,
    INFERENCE_QUEUE,
    FINALIZE_QUEUE,
    WEBHOOKS_QUEUE,
    STREAM_QUEUE,
)

app = Celery("detector")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = tuple(Queue(name) for name in QUEUES)
app.conf.task_default_queue = PREPROCESS_QUEUE
app.conf.task_routes = {
    "inference.score_chunks": {"queue": INFERENCE_QUEUE},
    "inference.finalize_detection": {"queue": FINALIZE_QUEUE},
    "detector.sweep_detections": {"queue": FINALIZE_QUEUE},
    "detector.apply_retention": {"queue": FINALIZE_QUEUE},
    "detector.deliver_webhook": {"queue": WEBHOOKS_QUEUE},
    "detector.dispatch_webhooks": {"queue": WEBHOOKS_QUEUE},
    "inference.score_stream_window": {"queue": STREAM_QUEUE},
    "inference.finish_stream": {"queue": STREAM_QUEUE},
}
app.autodiscover_tasks()
app.autodiscover_tasks(["detector.webhooks"])
app.autodiscover_tasks(["inference"], related_name="stream_tasks")


@app.on_after_finalize.connect
def schedule_sweeper(sender: Celery, **kwargs: object) -> None:
    from django.conf import settings

    sender.add_periodic_task(
        settings.DETECTOR_SWEEP_INTERVAL_SECONDS,
        sender.signature("detector.sweep_detections"),
        name="sweep stuck detections",
    )
    sender.add_periodic_task(
        RETENTION_INTERVAL_SECONDS,
        sender.signature(
            "detector.apply_retention",
            options={"expires": RETENTION_INTERVAL_SECONDS},
        ),
        name="apply retention",
    )
    interval = settings.DETECTOR_WEBHOOK_DISPATCH_INTERVAL_SECONDS
    sender.add_periodic_task(
        interval,
        # Expires: passes missed while the webhooks worker was down are dropped.
        sender.signature("detector.dispatch_webhooks", options={"expires": interval}),
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


signals.task_prerun.connect(log_context.bind_task_request_id, weak=False)
signals.task_postrun.connect(log_context.unbind_task_request_id, weak=False)
