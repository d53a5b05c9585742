"""Worker heartbeats: every worker announces its queues in Redis every few seconds.

Health reads them instead of asking the workers over the broker: that
broadcast waited on every worker and held a pooled broker connection, so a
burst of health calls starved the pool and hung uploads.
"""

import logging
import threading
from typing import Any

import redis
from celery import bootsteps
from django.conf import settings
from redis.exceptions import RedisError

from inference import chunk_store
from inference import presence

logger = logging.getLogger(__name__)

KIND = "worker-heartbeat"


def ttl_seconds() -> int:
    # Three missed beats before a worker counts as gone.
    return 3 * settings.DETECTOR_WORKER_HEARTBEAT_SECONDS


def live_workers(client: redis.Redis) -> dict[str, list[str]]:
    """The queues of each worker that beat within the TTL, by worker name."""
    return {
        name: entry["queues"] for name, entry in presence.current(client, KIND).items()
    }


class Heart:
    """A thread that announces one worker until the worker stops."""

    def __init__(self, worker: str, queues: list[str]) -> None:
        self.worker = worker
        self.queues = queues
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.run, name="heartbeat", daemon=True)

    def run(self) -> None:
        while True:
            try:
                presence.announce(
                    chunk_store.client(),
                    KIND,
                    self.worker,
                    {"queues": self.queues},
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
            presence.withdraw(chunk_store.client(), KIND, self.worker)
        except RedisError as error:
            logger.warning("heartbeat of %s not withdrawn: %s", self.worker, error)


class Heartbeat(bootsteps.StartStopStep):
    """Worker bootstep: beat from the main process once the pool runs."""

    requires = ("celery.worker.components:Pool",)

    def create(self, worker: Any) -> Any:  # celery-types says None
        return Heart(worker.hostname, sorted(worker.app.amqp.queues.consume_from))
