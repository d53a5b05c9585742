"""Creating deliveries for an event: rows written in the caller's transaction, queued on commit."""

from collections.abc import Iterable
from datetime import UTC
from datetime import datetime
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from detector.webhooks.models import WebhookDelivery
from detector.webhooks.models import WebhookEndpoint
from detector.webhooks.queueing import enqueue
from detector.webhooks.queueing import lease_end


def subscribed_endpoints(user_id: int, event_type: str) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(
        owner_id=user_id, enabled=True, events__contains=[event_type]
    )


def emit(user_id: int, event_type: str, payload: dict[str, Any]) -> None:
    """Deliver ``payload`` as ``event_type`` to each enabled endpoint of the user subscribed to it.

    Safe inside a transaction (nothing is queued unless it commits) and while
    Redis is down (the rows wait for the dispatcher).
    """
    endpoints = list(subscribed_endpoints(user_id, event_type))
    if endpoints:
        create_deliveries(endpoints, event_type, payload)


def create_deliveries(
    endpoints: Iterable[WebhookEndpoint], event_type: str, data: dict[str, Any]
) -> list[WebhookDelivery]:
    """One delivery per endpoint of the same envelope, each queued once committed."""
    now = timezone.now()
    envelope = {"type": event_type, "timestamp": iso_timestamp(now), "data": data}
    with transaction.atomic():
        deliveries = WebhookDelivery.objects.bulk_create(
            [
                WebhookDelivery(
                    endpoint=endpoint,
                    event_type=event_type,
                    payload=envelope,
                    next_attempt_at=now,
                    queued_until=lease_end(now),
                )
                for endpoint in endpoints
            ]
        )
        for delivery in deliveries:
            # robust: a failing enqueue must not fail the caller's committed work.
            transaction.on_commit(partial(enqueue, delivery.pk, 1), robust=True)
    return deliveries


def iso_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
