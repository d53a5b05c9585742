"""Periodic upkeep of detections."""

import logging

from celery import shared_task

from detector import services

logger = logging.getLogger(__name__)


@shared_task(name="detector.sweep_detections")
def sweep_detections() -> dict[str, int]:
    """Re-enqueue forgotten pending detections and rescue or fail stalled ones."""
    report = services.sweep()
    if any(vars(report).values()):
        logger.info("sweeper: %s", report)
    return vars(report)
