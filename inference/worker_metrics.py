"""A worker's own ``/metrics``: an HTTP server in its main process, and its Celery hooks.

``config.celery`` calls :func:`install` on ``worker_init`` (the main process,
before the pool forks). Under the prefork pool each child writes its values
to ``PROMETHEUS_MULTIPROC_DIR`` (one directory per worker, set before the
worker starts: see ``manage.py serve`` and ``docker/start/``), and the
server aggregates them with ``MultiProcessCollector``; without that
directory (the solo pool, the test worker) it serves this process's registry.
Queue depth is read from Redis at scrape time.
"""

import logging
import os
import re
from collections.abc import Iterable
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIServer

import redis
from celery import Celery
from celery import signals
from celery.worker import WorkController
from django.conf import settings
from kombu.transport.redis import PRIORITY_STEPS
from kombu.transport.redis import Channel
from prometheus_client import REGISTRY
from prometheus_client import CollectorRegistry
from prometheus_client import Metric
from prometheus_client import ProcessCollector
from prometheus_client import generate_latest
from prometheus_client import multiprocess
from prometheus_client import start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from redis.exceptions import RedisError

from inference import metrics

logger = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
_PID_IN_FILENAME = re.compile(r"_(\d+)\.db$")

_server: WSGIServer | None = None


# --- Collectors


def queue_keys(queue: str) -> list[str]:
    """The Redis lists kombu keeps for one queue, one per priority step."""
    return [f"{queue}{Channel.sep}{step}" if step else queue for step in PRIORITY_STEPS]


class QueueDepthCollector(Collector):
    """Messages waiting in each Celery queue (LLEN over its Redis lists), at scrape time."""

    NAME = "detector_queue_depth"
    HELP = "Messages waiting in a Celery queue in Redis."

    def __init__(self, queues: Sequence[str], broker_url: str) -> None:
        self.queues = list(queues)
        self.broker_url = broker_url

    def describe(self) -> Iterable[Metric]:
        # Registration asks for the names; do not touch Redis for that.
        return [GaugeMetricFamily(self.NAME, self.HELP, labels=["queue"])]

    def collect(self) -> Iterable[Metric]:
        family = GaugeMetricFamily(self.NAME, self.HELP, labels=["queue"])
        try:
            with broker_client(self.broker_url).pipeline(transaction=False) as pipe:
                for queue in self.queues:
                    for key in queue_keys(queue):
                        pipe.llen(key)
                lengths = pipe.execute()
        except RedisError:
            # An absent series says "unknown"; the alert on up/no worker covers it.
            logger.warning("cannot read queue depths from Redis", exc_info=True)
            return [family]
        per_queue = len(PRIORITY_STEPS)
        for number, queue in enumerate(self.queues):
            depth = sum(lengths[number * per_queue : (number + 1) * per_queue])
            family.add_metric([queue], depth)
        return [family]


@cache
def broker_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url,
        socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
        socket_connect_timeout=settings.REDIS_SOCKET_TIMEOUT,
    )


class LiveMultiProcessCollector(Collector):
    """``MultiProcessCollector`` that first forgets live gauges of dead children.

    ``worker_process_shutdown`` does this for children that exit cleanly; a
    child killed by the OOM killer or SIGKILL sends nothing, so look here too.
    """

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self._collector = multiprocess.MultiProcessCollector(None, path=directory)

    def collect(self) -> Iterable[Metric]:
        forget_dead_processes(self.directory)
        return self._collector.collect()


class _RegistryCollector(Collector):
    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self) -> Iterable[Metric]:
        return self.registry.collect()


def build_registry(queues: Sequence[str], broker_url: str) -> CollectorRegistry:
    """Everything a worker's /metrics shows: its processes' metrics and queue depths."""
    registry = CollectorRegistry()
    directory = os.environ.get(MULTIPROC_ENV)
    if directory:
        registry.register(LiveMultiProcessCollector(directory))
        ProcessCollector(registry=registry)  # the main process's memory and CPU
    else:
        registry.register(_RegistryCollector(REGISTRY))
    if broker_url.startswith(("redis://", "rediss://", "unix://")):
        registry.register(QueueDepthCollector(queues, broker_url))
    return registry


def generate(registry: CollectorRegistry) -> bytes:
    """The text exposition the HTTP server sends."""
    return generate_latest(registry)


def serve(registry: CollectorRegistry, port: int, address: str) -> WSGIServer:
    """Serve ``registry`` on ``address:port`` (0 picks a free port) from a thread."""
    server, _thread = start_http_server(port, addr=address, registry=registry)
    return server


# --- Multiprocess files


def _pid_of(path: Path) -> int | None:
    match = _PID_IN_FILENAME.search(path.name)
    return int(match.group(1)) if match else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def forget_dead_processes(directory: str) -> None:
    for path in Path(directory).glob("gauge_live*.db"):
        pid = _pid_of(path)
        if pid is not None and not _alive(pid):
            multiprocess.mark_process_dead(pid, directory)


def remove_stale_files(directory: Path, keep_pid: int) -> None:
    """Drop files an earlier run left; at worker_init only this process has written."""
    directory.mkdir(parents=True, exist_ok=True)
    for path in directory.glob("*.db"):
        if _pid_of(path) != keep_pid:
            path.unlink(missing_ok=True)


# --- Celery hooks


def _forks(worker: WorkController) -> bool:
    pool = getattr(worker, "pool_cls", None) or worker.app.conf.worker_pool
    name = pool if isinstance(pool, str) else getattr(pool, "__module__", "")
    return "prefork" in name


def _queue_names(app: Celery) -> list[str]:
    return sorted(queue.name for queue in app.conf.task_queues or ())


def install(worker: WorkController) -> None:
    """worker_init: connect the per-process hooks and start the metrics server."""
    global _server
    signals.worker_process_init.connect(_child_started, dispatch_uid=__name__ + ".init")
    signals.worker_process_shutdown.connect(
        _child_stopping, dispatch_uid=__name__ + ".child_shutdown"
    )
    signals.worker_shutdown.connect(_stopping, dispatch_uid=__name__ + ".shutdown")
    signals.task_retry.connect(_count_retry, dispatch_uid=__name__ + ".retry")

    directory = os.environ.get(MULTIPROC_ENV)
    if directory:
        remove_stale_files(Path(directory), keep_pid=os.getpid())
    port = settings.DETECTOR_WORKER_METRICS_PORT
    if not port:
        return
    if not directory and _forks(worker):
        logger.warning(
            "%s is not set: the metrics on port %s miss everything the pool's "
            "child processes record",
            MULTIPROC_ENV,
            port,
        )
    registry = build_registry(_queue_names(worker.app), worker.app.conf.broker_url)
    address = settings.DETECTOR_WORKER_METRICS_ADDRESS
    try:
        _server = serve(registry, port, address)
    except OSError:
        # The worker can still do its job; Prometheus reports the target down.
        logger.exception("cannot serve worker metrics on %s:%s", address, port)
        return
    logger.info("worker metrics on http://%s:%s/metrics", address, port)


def _child_started(**kwargs: Any) -> None:
    # The child inherited the listening socket with the fork; only the parent serves.
    if _server is not None:
        _server.socket.close()


def _child_stopping(pid: int | None = None, **kwargs: Any) -> None:
    directory = os.environ.get(MULTIPROC_ENV)
    if directory:
        multiprocess.mark_process_dead(pid or os.getpid(), directory)


def _stopping(**kwargs: Any) -> None:
    global _server
    if _server is not None:
        _server.shutdown()
        _server.server_close()
        _server = None


def _count_retry(sender: Any = None, **kwargs: Any) -> None:
    metrics.record_retry(getattr(sender, "name", None) or "unknown")
