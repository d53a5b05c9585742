"""Batches: several recordings submitted in one request, and their one ``batch.completed``.

A batch completes when its last member becomes final (or is deleted). Each
member, once its final state has committed, tries a conditional UPDATE of the
batch's ``completed_at``; PostgreSQL lets exactly one such UPDATE change the
row, and only that caller emits the event, in the same transaction.
"""

import logging
import uuid
from typing import Any

from django.db import transaction
from django.db.models import Exists
from django.db.models import OuterRef
from django.utils import timezone

from detector.batch_serializers import BatchSerializer
from detector.models import Batch
from detector.models import Detection
from detector.webhooks import emit

logger = logging.getLogger(__name__)

BATCH_COMPLETED = "batch.completed"
ACTIVE_STATUSES = (Detection.Status.PENDING, Detection.Status.PROCESSING)


def member_finished(batch_id: uuid.UUID) -> bool:
    """Complete the batch if no member is still running; True for the one caller that did."""
    running = Detection.objects.filter(batch=OuterRef("pk"), status__in=ACTIVE_STATUSES)
    with transaction.atomic():
        completed = (
            Batch.objects.filter(pk=batch_id, completed_at__isnull=True)
            .filter(~Exists(running))
            .update(completed_at=timezone.now())
        )
        if completed:
            batch = Batch.objects.get(pk=batch_id)
            emit(batch.owner_id, BATCH_COMPLETED, summary(batch))
    if completed:
        logger.info("batch %s completed", batch_id)
    return bool(completed)


def complete_finished_batches() -> int:
    """Complete batches whose last member's own attempt was lost (a crash, an outage)."""
    running = Detection.objects.filter(batch=OuterRef("pk"), status__in=ACTIVE_STATUSES)
    finished = Batch.objects.filter(completed_at__isnull=True).filter(~Exists(running))
    return sum(
        member_finished(batch_id) for batch_id in finished.values_list("pk", flat=True)
    )


def summary(batch: Batch) -> dict[str, Any]:
    """The batch's status body (GET audio/batch/{id}), also the event's payload."""
    return dict(BatchSerializer(batch).data)
