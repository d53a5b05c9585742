"""Readiness: can the platform take and finish work right now?

Cheap and bounded however many callers: the checks run in a few threads of
their own, at most one round at a time, each caller waits at most
DETECTOR_HEALTH_TIMEOUT_SECONDS, and a result is reused for
DETECTOR_HEALTH_CACHE_SECONDS. No check borrows from the request's database
pool or the broker's connection pool.
"""

import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait
from functools import cache

import psycopg
import redis
from django.conf import settings
from django.db import connections
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from config.celery import INFERENCE_QUEUE
from inference import heartbeat
from inference import model_status


@cache
def redis_client() -> redis.Redis:
    """Health's own client: the health timeout on every socket, one quick retry.

    The retry replaces a connection that a Redis restart closed; redis-py's
    default backoff would outlast the health timeout.
    """
    return redis.Redis.from_url(
        settings.REDIS_URL,
        socket_timeout=settings.DETECTOR_HEALTH_TIMEOUT_SECONDS,
        socket_connect_timeout=settings.DETECTOR_HEALTH_TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), retries=1),
    )


def check_database() -> str | None:
    # A fresh connection, not one from the pool: a pooled connection stays
    # healthy while PostgreSQL refuses new clients.
    params = connections["default"].get_connection_params()
    timeout_ms = int(settings.DETECTOR_HEALTH_TIMEOUT_SECONDS * 1000)
    options = f"{params.pop('options', '')} -c statement_timeout={timeout_ms}"
    try:
        # libpq waits at least 2 s to connect; callers stop waiting sooner anyway.
        with psycopg.connect(
            **params, autocommit=True, connect_timeout=2, options=options.strip()
        ) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        return f"database unreachable: {error}"
    return None


def check_redis() -> str | None:
    try:
        redis_client().ping()
    except RedisError as error:
        return f"redis unreachable: {error}"
    return None


def check_inference_workers() -> str | None:
    """At least one worker consuming the inference queue beat recently."""
    try:
        workers = heartbeat.live_workers(redis_client())
    except RedisError as error:
        return f"redis unreachable: {error}"
    if not any(INFERENCE_QUEUE in queues for queues in workers.values()):
        return (
            "no inference worker answered (no heartbeat in the last "
            f"{heartbeat.ttl_seconds()} s)"
        )
    return None


def check_models() -> str | None:
    """No inference worker's model may have refused to serve (failed self-test)."""
    try:
        refused = model_status.refusals(redis_client())
    except RedisError as error:
        return f"redis unreachable: {error}"
    if refused:
        return "; ".join(f"{state['worker']}: {state['detail']}" for state in refused)
    return None


CHECKS: dict[str, Callable[[], str | None]] = {
    "database": check_database,
    "redis": check_redis,
    "inference_workers": check_inference_workers,
    "models": check_models,
}


def _outcome(future: Future[str | None]) -> str:
    if not future.done():
        return f"no answer within {settings.DETECTOR_HEALTH_TIMEOUT_SECONDS:g} s"
    if error := future.exception():
        return f"check failed: {error}"
    return future.result() or "ok"


class Rounds:
    """Rounds of checks: at most one at a time, its result reused for a moment."""

    def __init__(self) -> None:
        self.executor = ThreadPoolExecutor(len(CHECKS), thread_name_prefix="health")
        self.lock = threading.Lock()
        self.running: dict[str, Future[str | None]] = {}
        self.latest: dict[str, str] = {}
        self.latest_at = -math.inf

    def run(self) -> dict[str, str]:
        with self.lock:
            age = time.monotonic() - self.latest_at
            if age < settings.DETECTOR_HEALTH_CACHE_SECONDS:
                return self.latest
            # A check still running from an earlier round is waited on, not
            # started again, so a hung dependency never piles up threads.
            for name, check in CHECKS.items():
                if name not in self.running or self.running[name].done():
                    self.running[name] = self.executor.submit(check)
            running = dict(self.running)
        wait(running.values(), timeout=settings.DETECTOR_HEALTH_TIMEOUT_SECONDS)
        checks = {name: _outcome(future) for name, future in running.items()}
        with self.lock:
            self.latest, self.latest_at = checks, time.monotonic()
        return checks


_rounds = Rounds()


def run_checks() -> dict[str, str]:
    """Each component's state: "ok", or what is wrong."""
    return _rounds.run()
