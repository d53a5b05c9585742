"""Periodic upkeep of detections."""

import logging

from celery import shared_task

from config.celery import APPLY_RETENTION_TASK
from config.celery import SWEEP_DETECTIONS_TASK
from detector import batches
from detector import recovery
from detector import retention
from inference import metrics

logger = logging.getLogger(__name__)


@shared_task(name=SWEEP_DETECTIONS_TASK)
def sweep_detections() -> dict[str, int]:
    """Re-enqueue forgotten pending detections and rescue or fail stalled ones."""
    report = recovery.sweep()
    metrics.record_sweep(vars(report))
    if any(vars(report).values()):
        logger.info("sweeper: %s", report)
    if completed := batches.complete_finished_batches():
        logger.info(
            "sweeper: completed %s batches whose completion was lost", completed
        )
    return vars(report)


@shared_task(name=APPLY_RETENTION_TASK)
def apply_retention() -> dict[str, int]:
    """Delete recordings and results past DETECTOR_RETAIN_AUDIO_DAYS / _RESULTS_DAYS."""
    report = retention.apply_retention()
    if any(vars(report).values()):
        logger.info("retention: %s", report)
    return vars(report)
