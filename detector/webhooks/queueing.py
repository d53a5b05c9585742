"""Putting deliveries on the "webhooks" queue: on commit, and again when due or lost.

PostgreSQL holds every delivery; a message is only a nudge. ``queued_until``
marks a delivery whose message is queued or being sent, so the dispatcher
does not queue it twice; past that time (the message was lost with Redis,
or its worker was killed) the dispatcher queues it again.
"""

import logging
from datetime import datetime
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

from config.celery import DELIVER_WEBHOOK_TASK
from config.celery import app as celery_app
from detector.webhooks.models import WebhookDelivery

logger = logging.getLogger(__name__)

# Deliveries queued per dispatcher pass; the rest wait for the next one.
DISPATCH_BATCH = 500
Status = WebhookDelivery.Status


def lease_end(now: datetime) -> datetime:
    return now + timedelta(seconds=settings.DETECTOR_WEBHOOK_REQUEUE_SECONDS)


def enqueue(delivery_id: int, attempt: int) -> bool:
    """Queue attempt number ``attempt``; a broker outage leaves it to the dispatcher."""
    try:
        celery_app.send_task(
            DELIVER_WEBHOOK_TASK, args=[delivery_id, attempt], ignore_result=True
        )
    except (BrokerError, RedisError, OSError):
        logger.warning("broker unreachable; webhook delivery %s waits", delivery_id)
        # No message exists: make it the dispatcher's at its next pass.
        WebhookDelivery.objects.filter(
            pk=delivery_id, status=Status.PENDING, attempts=attempt - 1
        ).update(queued_until=None)
        return False
    return True


def dispatch_due() -> int:
    """Queue the pending deliveries that are due and have no live message."""
    now = timezone.now()
    with transaction.atomic():
        # SKIP LOCKED: a second dispatcher (two beats by mistake) takes other rows.
        due = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(status=Status.PENDING, next_attempt_at__lte=now)
            .filter(Q(queued_until__isnull=True) | Q(queued_until__lt=now))
            .order_by("next_attempt_at")
            .values_list("pk", "attempts")[:DISPATCH_BATCH]
        )
        WebhookDelivery.objects.filter(pk__in=[pk for pk, _ in due]).update(
            queued_until=lease_end(now)
        )
    return sum(enqueue(pk, attempts + 1) for pk, attempts in due)
