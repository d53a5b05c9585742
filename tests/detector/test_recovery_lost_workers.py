"""The sweeper restarts a run whose task died with its worker process, and only then."""

import time
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import AbstractContextManager
from types import SimpleNamespace

import pytest
import redis

from detector import recovery
from detector.models import Detection
from inference import chunk_store
from inference import claims
from inference import heartbeat
from tests.factories import DetectionFactory
from tests.support import queued_runs

pytestmark = pytest.mark.django_db

Status = Detection.Status


Claim = Callable[[Detection, str, float], None]


@pytest.fixture
def claim(monkeypatch: pytest.MonkeyPatch) -> Iterator[Claim]:
    """Leave a claim on a detection's run by an instance, made some seconds ago."""
    abandoned: list[AbstractContextManager[None]] = []

    def leave(detection: Detection, instance: str, age: float) -> None:
        with monkeypatch.context() as patch:
            patch.setattr(heartbeat, "_instance", instance)
            past = SimpleNamespace(time=lambda: time.time() - age)
            patch.setattr(claims, "time", past)
            held = claims.held(str(detection.request_id), detection.generation, "t-1")
            # Entered, never exited: the worker was killed inside the task.
            held.__enter__()
            abandoned.append(held)  # garbage collection would exit it

    yield leave


@pytest.fixture
def bob_worker() -> Iterator[str]:
    """A worker instance that beats, as a live worker's Heartbeat step does."""
    heart = heartbeat.InstanceHeart("bob@test", "bob-instance")
    heart.start()
    yield "bob-instance"
    heart.stop()


def test_run_of_a_live_worker_is_left_alone(claim: Claim, bob_worker: str) -> None:
    """A long-running task of a worker that still beats is not restarted."""
    detection = DetectionFactory(status=Status.PROCESSING, attempts=1)
    claim(detection, bob_worker, age=600)
    assert recovery.sweep().restarted_lost_worker == 0
    detection.refresh_from_db()
    assert (detection.status, detection.generation) == (Status.PROCESSING, 0)


def test_run_of_a_dead_worker_is_restarted(claim: Claim) -> None:
    """A claim whose instance stopped beating: new run, queued, old run's keys gone."""
    detection = DetectionFactory(status=Status.PROCESSING, attempts=1)
    request_id = str(detection.request_id)
    chunk_store.put_chunks(request_id, 0, [b"\x00\x00"])
    claim(detection, "killed-instance", age=60)
    assert recovery.sweep() == recovery.SweepReport(
        requeued_pending=0,
        restarted_stalled=0,
        restarted_orphaned=0,
        restarted_lost_worker=1,
    )
    detection.refresh_from_db()
    assert (detection.status, detection.generation) == (Status.PENDING, 1)
    assert queued_runs() == [(request_id, 1)]
    assert chunk_store.client().keys(f"*{request_id}*") == []


def test_young_claim_of_an_unseen_worker_is_spared(claim: Claim) -> None:
    """Within the heartbeat TTL the worker's first beat may still be on its way."""
    detection = DetectionFactory(status=Status.PROCESSING, attempts=1)
    claim(detection, "starting-instance", age=1)
    assert recovery.sweep().restarted_lost_worker == 0
    detection.refresh_from_db()
    assert detection.status == Status.PROCESSING


def test_finished_run_with_a_stale_claim_is_not_touched(claim: Claim) -> None:
    """Only processing runs count: an old run's leftover claim restarts nothing."""
    detection = DetectionFactory(status=Status.COMPLETED)
    claim(detection, "killed-instance", age=60)
    assert recovery.sweep().restarted_lost_worker == 0
    detection.refresh_from_db()
    assert (detection.status, detection.generation) == (Status.COMPLETED, 0)


def test_redis_down_skips_the_rule_for_this_pass(
    claim: Claim, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Without Redis the sweep goes on with its other rules and logs a warning."""
    detection = DetectionFactory(status=Status.PROCESSING, attempts=1)
    claim(detection, "killed-instance", age=60)
    dead = redis.Redis(port=1, socket_connect_timeout=0.2)
    monkeypatch.setattr(chunk_store, "client", lambda: dead)
    assert recovery.sweep().restarted_lost_worker == 0
    assert "cannot read task claims from Redis" in caplog.text
    detection.refresh_from_db()
    assert detection.status == Status.PROCESSING
