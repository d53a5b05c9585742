"""Each pytest-xdist worker gets a Redis database of its own.

Tests flush their Redis database and start Celery workers on it, so two
workers sharing one would steal each other's tasks. Loaded with ``-p`` so it
runs before pytest-django reads the settings; the database suffix for
PostgreSQL comes from pytest-django itself.
"""

import os

FIRST_DATABASE = 15
DATABASES = range(FIRST_DATABASE, FIRST_DATABASE - 4, -1)  # up to four workers


def worker_redis_url(url: str, worker: str) -> str:
    """``redis://host:port/15`` for gw0, ``…/14`` for gw1, and so on."""
    base, _, _ = url.rpartition("/")
    return f"{base}/{FIRST_DATABASE - int(worker.removeprefix('gw'))}"


def platform_redis_url(url: str) -> str:
    """A second database for the processes a worker's browser tests start.

    Four below the worker's own (15 -> 11, 14 -> 10), so no two workers share one.
    """
    base, _, database = url.rpartition("/")
    return f"{base}/{int(database) - 4}"


worker = os.environ.get("PYTEST_XDIST_WORKER")
if worker and "REDIS_URL" in os.environ:
    os.environ["REDIS_URL"] = worker_redis_url(os.environ["REDIS_URL"], worker)
