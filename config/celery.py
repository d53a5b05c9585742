"""The Celery app: queues, routes and the periodic sweeper."""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

PREPROCESS_QUEUE = "preprocess"
INFERENCE_QUEUE = "inference"

app = Celery("detector")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = (Queue(PREPROCESS_QUEUE), Queue(INFERENCE_QUEUE))
app.conf.task_default_queue = PREPROCESS_QUEUE
app.conf.task_routes = {"inference.score_chunks": {"queue": INFERENCE_QUEUE}}
app.autodiscover_tasks()


@app.on_after_finalize.connect
def schedule_sweeper(sender: Celery, **kwargs: object) -> None:
    from django.conf import settings

    sender.add_periodic_task(
        settings.DETECTOR_SWEEP_INTERVAL_SECONDS,
        sender.signature("detector.sweep_detections"),
        name="sweep stuck detections",
    )
