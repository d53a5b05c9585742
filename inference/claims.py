"""Task claims: which worker process runs each task of a run, so a killed one is seen.

While a pipeline task runs, the hash ``claims:{request_id}:{generation}``
maps its task id to its holder, the worker instance of this process
(``inference.heartbeat``), and the time it started. The claim is removed
when the task returns, fails or retries. A claim whose instance stopped
beating belongs to a task that died with its worker: under ``acks_late`` the
Redis broker would redeliver it only after the visibility timeout, so the
sweeper restarts the run instead.

The holder is the worker's main process, also for a prefork child's task: a
child killed alone is reported by its main process, which requeues the task
at once (``task_reject_on_worker_lost``), and a child dies with its main
process (Celery sets ``PR_SET_PDEATHSIG``). So while the main process beats,
its tasks are either running or already back in the queue.
"""

import json
import logging
import time
from collections.abc import Iterator
from collections.abc import Sequence
from contextlib import contextmanager

from django.conf import settings
from redis.exceptions import RedisError

from inference import chunk_store
from inference import heartbeat

logger = logging.getLogger(__name__)

Run = tuple[str, int]


@contextmanager
def held(request_id: str, generation: int, task_id: str | None) -> Iterator[None]:
    """Hold a claim on the run while the body runs, if this process has a heartbeat."""
    instance = heartbeat.instance_id()
    if instance is None or task_id is None:
        # No heartbeat vouches for this process (a direct call, eager mode):
        # its claim would look abandoned at once.
        yield
        return
    key = chunk_store.claims_key(request_id, generation)
    claim = json.dumps({"instance": instance, "since": time.time()})
    try:
        pipe = chunk_store.client().pipeline()
        pipe.hset(key, task_id, claim)
        # Past the hard time limit the task is gone anyway; the key must not linger.
        pipe.expire(key, settings.CELERY_TASK_TIME_LIMIT)
        pipe.execute()
    except RedisError as error:
        # The task itself decides what a Redis outage means; without a claim
        # only the stall rule can notice a lost worker.
        logger.warning("claim of task %s not recorded: %s", task_id, error)
    try:
        yield
    finally:
        try:
            chunk_store.client().hdel(key, task_id)
        except RedisError as error:
            logger.warning("claim of task %s not removed: %s", task_id, error)


def lost_runs(runs: Sequence[Run]) -> list[Run]:
    """Those of ``runs`` with a task whose worker instance stopped beating.

    A claim younger than the heartbeat TTL is spared: its worker's first beat
    may still be on its way (claim times come from the workers' clocks, kept
    in step by NTP). Raises RedisError when Redis cannot tell.
    """
    if not runs:
        return []
    client = chunk_store.client()
    # Read before the claims: an instance that starts in between has only
    # young claims, which the grace period spares.
    live = heartbeat.live_instances(client)
    pipe = client.pipeline(transaction=False)
    for request_id, generation in runs:
        pipe.hvals(chunk_store.claims_key(request_id, generation))
    oldest_alive = time.time() - heartbeat.ttl_seconds()
    lost = []
    for run, values in zip(runs, pipe.execute(), strict=True):
        holders = [json.loads(value) for value in values]
        if any(
            holder["instance"] not in live and holder["since"] < oldest_alive
            for holder in holders
        ):
            lost.append(run)
    return lost
