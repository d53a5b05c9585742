"""Readiness: can the platform take and finish work right now?"""

from django.conf import settings
from django.db import connection
from redis.exceptions import RedisError

from config.celery import INFERENCE_QUEUE
from config.celery import app as celery_app
from inference import chunk_store
from inference import model_status


def check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # any driver error means "down"
        return f"database unreachable: {error}"
    return None


def check_redis() -> str | None:
    try:
        chunk_store.client().ping()
    except RedisError as error:
        return f"redis unreachable: {error}"
    return None


def check_inference_workers() -> str | None:
    """At least one worker must answer and consume the inference queue."""
    try:
        replies = celery_app.control.inspect(
            timeout=settings.DETECTOR_HEALTH_TIMEOUT_SECONDS
        ).active_queues()
    except Exception as error:  # the broker itself is unreachable
        return f"cannot ask workers: {error}"
    consuming = [
        worker
        for worker, queues in (replies or {}).items()
        if any(queue["name"] == INFERENCE_QUEUE for queue in queues)
    ]
    if not consuming:
        return "no inference worker answered"
    return None


def check_models() -> str | None:
    """No inference worker's model may have refused to serve (failed self-test)."""
    try:
        refused = model_status.refusals()
    except RedisError as error:
        return f"redis unreachable: {error}"
    if refused:
        return "; ".join(f"{state['worker']}: {state['detail']}" for state in refused)
    return None


CHECKS = {
    "database": check_database,
    "redis": check_redis,
    "inference_workers": check_inference_workers,
    "models": check_models,
}


def run_checks() -> dict[str, str]:
    """Each component's state: "ok", or what is wrong."""
    return {name: check() or "ok" for name, check in CHECKS.items()}
