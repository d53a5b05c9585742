"""Worker heartbeats: every worker announces its queues in Redis every few seconds.

Health reads them instead of asking the workers over the broker: that
broadcast waited on every worker and held a pooled broker connection, so a
burst of health calls starved the pool and hung uploads.

Each worker process also gets an instance id at start and announces it until
it exits; the pipeline tasks it runs record that id as their holder
(``inference.claims``), so the sweeper can tell a task whose process was
killed from one still running.
"""

import logging
import threading
from typing import Any
from uuid import uuid4

import redis
from celery import bootsteps
from celery import signals
from django.conf import settings
from redis.exceptions import RedisError

from inference import chunk_store
from inference import presence

logger = logging.getLogger(__name__)

KIND = "worker-heartbeat"
# Its own kind, so a worker's queues and its instance expire independently.
INSTANCE_KIND = "worker-heartbeat-instance"

# This process's worker instance, set by the Heartbeat step in the main process
# before the pool forks: prefork children inherit it (see claims.py for why
# the main process's instance is the right holder for a child's task).
_instance: str | None = None


def instance_id() -> str | None:
    """The worker instance of this process; None outside a worker with a heartbeat."""
    return _instance


def ttl_seconds() -> int:
    # Three missed beats before a worker counts as gone.
    return 3 * settings.DETECTOR_WORKER_HEARTBEAT_SECONDS


def live_workers(client: redis.Redis) -> dict[str, list[str]]:
    """The queues of each worker that beat within the TTL, by worker name."""
    return {
        name: entry["queues"] for name, entry in presence.current(client, KIND).items()
    }


def live_instances(client: redis.Redis) -> set[str]:
    """The instance ids of the worker processes that beat within the TTL."""
    return set(presence.current(client, INSTANCE_KIND))


class Heart:
    """A thread that announces one worker until the worker stops."""

    kind = KIND

    def __init__(self, worker: str, queues: list[str]) -> None:
        self.worker = worker
        self.name = worker
        self.payload: dict[str, Any] = {"queues": queues}
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.run, name="heartbeat", daemon=True)

    def run(self) -> None:
        while True:
            try:
                presence.announce(
                    chunk_store.client(),
                    self.kind,
                    self.name,
                    self.payload,
                    ttl=ttl_seconds(),
                )
            except RedisError as error:
                logger.warning("heartbeat of %s not sent: %s", self.worker, error)
            if self.stopped.wait(settings.DETECTOR_WORKER_HEARTBEAT_SECONDS):
                return

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=settings.REDIS_SOCKET_TIMEOUT * 2)
        try:  # health stops counting this worker at once, not after the TTL
            presence.withdraw(chunk_store.client(), self.kind, self.name)
        except RedisError as error:
            logger.warning("heartbeat of %s not withdrawn: %s", self.worker, error)


class InstanceHeart(Heart):
    """A thread that announces one worker process instance, the holder of its claims."""

    kind = INSTANCE_KIND

    def __init__(self, worker: str, instance: str) -> None:
        super().__init__(worker, [])
        self.name = instance
        self.payload = {"worker": worker}


class Heartbeat(bootsteps.StartStopStep):
    """Worker bootstep: beat from the main process once the pool runs."""

    requires = ("celery.worker.components:Pool",)

    def create(self, worker: Any) -> Any:  # celery-types says None
        global _instance
        _instance = uuid4().hex
        self.instance = InstanceHeart(worker.hostname, _instance)
        # The instance beats on through a warm shutdown, whose running tasks
        # keep their claims, and stops once the pool has drained.
        signals.worker_shutdown.connect(
            self.on_worker_shutdown, sender=worker, weak=False
        )
        return Heart(worker.hostname, sorted(worker.app.amqp.queues.consume_from))

    def start(self, worker: Any) -> None:
        self.instance.start()
        super().start(worker)

    def on_worker_shutdown(self, sender: Any, **kwargs: Any) -> None:
        signals.worker_shutdown.disconnect(self.on_worker_shutdown, sender=sender)
        self.instance.stop()
