"""Periodic upkeep of detections."""

import logging

from celery import shared_task

from detector import services
from inference import metrics

logger = logging.getLogger(__name__)


@shared_task(name="detector.sweep_detections")
def sweep_detections() -> dict[str, int]:
    """Re-enqueue forgotten pending detections and rescue or fail stalled ones."""
    report = services.sweep()
    metrics.record_sweep(vars(report))
    if any(vars(report).values()):
        logger.info("sweeper: %s", report)
    return vars(report)
