"""Restarting stuck detections: the sweeper, hand-backs after outages, new runs."""

from datetime import timedelta

import pytest
from celery.canvas import Signature
from celery.exceptions import Reject
from django.db import OperationalError as DatabaseOperationalError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError

from config.celery import app as celery_app
from detector import recovery
from detector.models import Detection
from inference import chunk_store
from inference.tasks import score_chunks
from tests.factories import DetectionFactory
from tests.support import queued_runs

pytestmark = pytest.mark.django_db

Status = Detection.Status


def age(detection: Detection, seconds: int) -> None:
    Detection.objects.filter(pk=detection.pk).update(
        updated_at=timezone.now() - timedelta(seconds=seconds)
    )


def test_sweep_requeues_old_pending_and_restarts_stalled(settings) -> None:
    """Old pending rows are enqueued again; stalled ones go back to pending as a new run."""
    fresh = DetectionFactory()
    forgotten = DetectionFactory()
    stalled = DetectionFactory(status=Status.PROCESSING, attempts=1)
    busy = DetectionFactory(status=Status.PROCESSING, attempts=1)
    age(forgotten, settings.DETECTOR_PENDING_REQUEUE_SECONDS + 5)
    age(stalled, settings.DETECTOR_STALLED_SECONDS + 5)
    chunk_store.put_chunks(str(stalled.request_id), 0, [b"\x00\x00"])
    report = recovery.sweep()
    assert report == recovery.SweepReport(
        requeued_pending=1, restarted_stalled=1, restarted_orphaned=0
    )
    stalled.refresh_from_db()
    busy.refresh_from_db()
    assert (stalled.status, stalled.generation, stalled.attempts) == (
        Status.PENDING,
        1,
        1,
    )
    assert busy.status == Status.PROCESSING
    assert chunk_store.client().keys(f"*{stalled.request_id}*") == []
    assert sorted(queued_runs()) == sorted(
        [(str(forgotten.request_id), 0), (str(stalled.request_id), 1)]
    )
    assert str(fresh.request_id) not in dict(queued_runs())


def test_hand_back_restarts_the_run_when_postgresql_answers() -> None:
    """A task that gave up on Redis hands its run back: pending, new run, queued."""
    detection = DetectionFactory(status=Status.PROCESSING, task_id="t", attempts=1)
    recovery.hand_back(str(detection.request_id), 0)
    detection.refresh_from_db()
    assert (detection.status, detection.generation) == (Status.PENDING, 1)
    assert queued_runs() == [(str(detection.request_id), 1)]


def test_hand_back_keeps_the_run_in_redis_while_postgresql_is_down(
    monkeypatch,
) -> None:
    """With PostgreSQL down the run is recorded in Redis; the next sweep restarts it."""
    detection = DetectionFactory(status=Status.PROCESSING, generation=3)
    request_id = str(detection.request_id)
    finished = DetectionFactory(status=Status.COMPLETED)

    def unreachable(request_id: str, generation: int) -> bool:
        raise DatabaseOperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(recovery, "restart_run", unreachable)
        recovery.hand_back(request_id, 3)
        recovery.hand_back(str(finished.request_id), 0)
    assert sorted(chunk_store.orphaned_runs()) == sorted(
        [(request_id, 3), (str(finished.request_id), 0)]
    )

    report = recovery.sweep()
    assert report.restarted_orphaned == 1
    detection.refresh_from_db()
    assert (detection.status, detection.generation) == (Status.PENDING, 4)
    assert queued_runs() == [(request_id, 4)]
    assert chunk_store.orphaned_runs() == []
    finished.refresh_from_db()
    assert finished.status == Status.COMPLETED


def test_unsent_run_is_due_at_the_next_sweep(monkeypatch) -> None:
    """When the broker refuses a run's first message, the very next sweep sends it."""
    detection = DetectionFactory(status=Status.PROCESSING)

    def refused(*args: object, **kwargs: object) -> None:
        raise BrokerOperationalError("broker down")

    with monkeypatch.context() as patch:
        patch.setattr(celery_app, "send_task", refused)
        assert recovery.restart_run(str(detection.request_id), 0)
    assert queued_runs() == []

    assert recovery.sweep().requeued_pending == 1
    assert queued_runs() == [(str(detection.request_id), 1)]


def test_task_whose_retry_cannot_be_sent_hands_its_run_back(monkeypatch) -> None:
    """With the broker gone Celery drops the task; its run is handed back first."""
    detection = DetectionFactory(status=Status.PROCESSING)
    request_id = str(detection.request_id)

    def refused(*args: object, **kwargs: object) -> None:
        raise BrokerOperationalError("broker down")

    monkeypatch.setattr(Signature, "apply_async", refused)
    score_chunks.push_request(
        id="t", args=[request_id, 0, [0]], kwargs={}, retries=0, called_directly=False
    )
    try:
        with pytest.raises(Reject):
            score_chunks.retry(exc=RedisConnectionError("gone"))
    finally:
        score_chunks.pop_request()
    detection.refresh_from_db()
    assert (detection.status, detection.generation) == (Status.PENDING, 1)
