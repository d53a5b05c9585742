"""Task claims: a pipeline task holds one on its run while it runs, and only then."""

import json

import pytest
import redis
from django.conf import settings

from inference import chunk_store
from inference import claims
from inference import heartbeat
from inference import tasks
from tests.factories import DetectionFactory

RUN = ("5f0c6a9e-0000-4000-8000-000000000001", 2)


@pytest.fixture
def instance(monkeypatch: pytest.MonkeyPatch) -> str:
    """This process runs as worker instance "alice-worker", as the Heartbeat step sets it."""
    monkeypatch.setattr(heartbeat, "_instance", "alice-worker")
    return "alice-worker"


def claimed(request_id: str, generation: int) -> dict[str, str]:
    """Task id -> holder instance of the run's claims."""
    raw = chunk_store.client().hgetall(chunk_store.claims_key(request_id, generation))
    return {
        task_id.decode(): json.loads(value)["instance"]
        for task_id, value in raw.items()
    }


def test_claim_is_held_while_the_body_runs_then_removed(instance: str) -> None:
    """The claim names the task and this instance, with a TTL, and goes at the end."""
    with claims.held(*RUN, "task-1"):
        assert claimed(*RUN) == {"task-1": instance}
        ttl = chunk_store.client().ttl(chunk_store.claims_key(*RUN))
        assert 0 < ttl <= settings.CELERY_TASK_TIME_LIMIT
    assert chunk_store.client().exists(chunk_store.claims_key(*RUN)) == 0


def test_claim_is_removed_when_the_body_raises(instance: str) -> None:
    """A failing (or retrying) task leaves no claim behind."""
    with pytest.raises(RuntimeError), claims.held(*RUN, "task-1"):
        raise RuntimeError("boom")
    assert claimed(*RUN) == {}


def test_no_claim_without_a_heartbeat(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside a worker (a direct call) nothing is recorded: no beat would vouch for it."""
    # An embedded test worker elsewhere in the session may have set one.
    monkeypatch.setattr(heartbeat, "_instance", None)
    with claims.held(*RUN, "task-1"):
        assert claimed(*RUN) == {}


def test_redis_down_does_not_stop_the_task(
    instance: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Claims are best effort: the body still runs, and the miss is logged."""
    dead = redis.Redis(port=1, socket_connect_timeout=0.2)
    monkeypatch.setattr(chunk_store, "client", lambda: dead)
    ran = False
    with claims.held(*RUN, "task-1"):
        ran = True
    assert ran
    assert "claim of task task-1 not recorded" in caplog.text
    assert "claim of task task-1 not removed" in caplog.text


@pytest.mark.django_db
def test_pipeline_task_holds_a_claim_on_its_run(
    instance: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """finalize_detection, run by Celery's tracer, holds a claim while it works."""
    detection = DetectionFactory(status="processing", generation=1)
    request_id = str(detection.request_id)
    seen: list[dict[str, str]] = []

    def complete(request_id: str, generation: int) -> None:
        seen.append(claimed(request_id, generation))

    monkeypatch.setattr(tasks, "complete_and_count", complete)
    result = tasks.finalize_detection.apply(args=[request_id, 1], task_id="fin-1")
    assert result.successful()
    assert seen == [{"fin-1": instance}]
    assert claimed(request_id, 1) == {}


def test_run_keys_include_the_claims() -> None:
    """Restarting or finishing a run removes its claims with its chunks."""
    chunk_store.client().hset(chunk_store.claims_key(*RUN), "task-1", "{}")
    chunk_store.put_chunks(*RUN, [b"\x00\x00"])
    assert chunk_store.delete_run_keys(*RUN) == 2
    assert chunk_store.client().keys(f"*{RUN[0]}*") == []
