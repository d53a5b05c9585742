"""Getting stuck detections going again: restarts, hand-backs and the sweeper.

A restart moves a ``processing`` detection back to ``pending`` as a new run
(``Detection.generation``) and queues it; the old run's late tasks then find
nothing to do. Four things restart a run: a task that gave up on an outage
(:func:`hand_back`), a run recorded in Redis while PostgreSQL was down, a
task whose worker process died (its claim's instance stopped beating,
``inference.claims``), and the stall rule (no write for
``DETECTOR_STALLED_SECONDS``).
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError
from django.db import transaction
from django.utils import timezone
from redis.exceptions import RedisError

from detector import services
from detector.custody import SWEEPER
from detector.custody import record_event
from detector.models import Chunk
from detector.models import Detection
from inference import chunk_store
from inference import claims

logger = logging.getLogger(__name__)

Status = Detection.Status


def restart_run(request_id: str, generation: int) -> bool:
    """Hand a processing run's detection to a new run: pending, and queued again.

    Its attempts carry over, so a detection that keeps stalling ends failed.
    """
    with transaction.atomic():
        moved = Detection.objects.filter(
            request_id=request_id, generation=generation, status=Status.PROCESSING
        ).update(
            status=Status.PENDING,
            generation=generation + 1,
            task_id="",
            updated_at=timezone.now(),
        )
        if moved:
            Chunk.objects.filter(detection__request_id=request_id).delete()
            record_event(
                Detection.objects.get(request_id=request_id),
                "requeued",
                actor=SWEEPER,
                run=generation + 1,
            )
    if not moved:
        return False
    services.delete_run_keys(request_id, generation)
    services.enqueue_preparation(request_id, generation + 1)
    logger.info("detection %s restarted as run %s", request_id, generation + 1)
    return True


def hand_back(request_id: str, generation: int) -> None:
    """A task gave up on an outage: have its run restarted once services are back.

    Its run is restarted at once when PostgreSQL answers (the broker may be
    what is down: the sweeper then queues it). When PostgreSQL is what is
    down, Redis keeps the run for the sweeper, which restarts it on its first
    pass after PostgreSQL returns.
    """
    try:
        restart_run(request_id, generation)
    except DatabaseError:
        try:
            chunk_store.record_orphaned_run(request_id, generation)
        except RedisError:
            logger.exception(
                "neither PostgreSQL nor Redis can take back %s; the stall rule "
                "restarts it after DETECTOR_STALLED_SECONDS",
                request_id,
            )
            return
        logger.warning(
            "PostgreSQL unreachable; run %s of %s left for the sweeper",
            generation,
            request_id,
        )


# --- The sweeper


@dataclass(frozen=True)
class SweepReport:
    requeued_pending: int
    restarted_stalled: int
    restarted_orphaned: int
    restarted_lost_worker: int = 0


def sweep() -> SweepReport:
    """Rescue detections that a lost message, a killed worker or an outage left behind.

    A restarted detection goes back to pending as a new run and is enqueued
    again; its next claim counts an attempt, so one that keeps stalling ends
    failed.
    """
    now = timezone.now()
    orphaned = _restart_orphaned_runs()
    lost_worker = _restart_runs_of_lost_workers()
    stalled = Detection.objects.filter(
        status=Status.PROCESSING,
        updated_at__lt=now - timedelta(seconds=settings.DETECTOR_STALLED_SECONDS),
    ).values_list("request_id", "generation")
    restarted = sum(
        restart_run(str(request_id), generation) for request_id, generation in stalled
    )
    waiting = Detection.objects.filter(
        status=Status.PENDING,
        updated_at__lt=now
        - timedelta(seconds=settings.DETECTOR_PENDING_REQUEUE_SECONDS),
    ).values_list("request_id", "generation")
    requeued = 0
    for request_id, generation in waiting:
        # Touch the row so the next sweep waits a full interval before trying again.
        Detection.objects.filter(request_id=request_id, status=Status.PENDING).update(
            updated_at=now
        )
        requeued += services.enqueue_preparation(str(request_id), generation)
    return SweepReport(
        requeued_pending=requeued,
        restarted_stalled=restarted,
        restarted_orphaned=orphaned,
        restarted_lost_worker=lost_worker,
    )


def _restart_runs_of_lost_workers() -> int:
    """Restart the processing runs with a task whose worker process died."""
    processing = Detection.objects.filter(status=Status.PROCESSING).values_list(
        "request_id", "generation"
    )
    try:
        lost = claims.lost_runs(
            [(str(rid), generation) for rid, generation in processing]
        )
    except RedisError:
        logger.warning(
            "cannot read task claims from Redis; runs of lost workers wait for "
            "the next sweep or the stall rule",
            exc_info=True,
        )
        return 0
    restarted = 0
    for request_id, generation in lost:
        if restart_run(request_id, generation):
            logger.warning(
                "run %s of %s lost its worker process; restarted",
                generation,
                request_id,
            )
            restarted += 1
    return restarted


def _restart_orphaned_runs() -> int:
    try:
        runs = chunk_store.orphaned_runs()
    except RedisError:
        logger.warning("cannot read orphaned runs from Redis", exc_info=True)
        return 0
    restarted = 0
    for request_id, generation in runs:
        # A run that finished or was restarted meanwhile is simply forgotten.
        restarted += restart_run(request_id, generation)
        chunk_store.forget_orphaned_run(request_id, generation)
    return restarted
