"""The "webhooks" queue's tasks: one attempt of a delivery, and the periodic dispatcher."""

import logging

from celery import shared_task
from django.db import DatabaseError

from config.celery import DELIVER_WEBHOOK_TASK
from config.celery import DISPATCH_WEBHOOKS_TASK
from detector.webhooks import delivery
from detector.webhooks import queueing

logger = logging.getLogger(__name__)


@shared_task(name=DELIVER_WEBHOOK_TASK, ignore_result=True)
def deliver_webhook(delivery_id: int, attempt: int) -> None:
    """Send attempt number ``attempt`` of a delivery, unless it was sent already."""
    delivery.deliver(delivery_id, attempt)


@shared_task(name=DISPATCH_WEBHOOKS_TASK, ignore_result=True)
def dispatch_webhooks() -> int:
    """Queue the deliveries that are due: retries, and those whose message was lost."""
    try:
        queued = queueing.dispatch_due()
    except DatabaseError as error:
        # An outage: the rows wait in PostgreSQL, and the next pass finds them.
        logger.warning("webhook dispatcher skipped a pass: %s", error)
        return 0
    if queued:
        logger.info("webhook dispatcher queued %s deliveries", queued)
    return queued
