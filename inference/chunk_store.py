"""Audio chunks in Redis: ``chunks:{request_id}:{generation}:{index}`` holds raw PCM16.

Every Redis key a detection owns is named here. Keys carry the run
(``Detection.generation``) that wrote them, so a re-queued detection's old
run can only ever read or delete its own chunks, never the new run's.
"""

from collections.abc import Collection
from collections.abc import Iterable
from collections.abc import Sequence
from functools import cache
from typing import cast

import redis
from django.conf import settings

# Runs whose task gave up while PostgreSQL was down: the sweeper restarts them.
ORPHANED_RUNS_KEY = "detections:orphaned-runs"


class ChunksMissingError(LookupError):
    """A chunk expired or was deleted before it was scored."""


@cache
def client() -> redis.Redis:
    return redis.Redis.from_url(
        settings.REDIS_URL,
        socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
        socket_connect_timeout=settings.REDIS_SOCKET_TIMEOUT,
    )


def chunk_key(request_id: str, generation: int | str, index: int | str) -> str:
    return f"chunks:{request_id}:{generation}:{index}"


def attempts_key(request_id: str, generation: int | str, batch_start: int | str) -> str:
    return f"attempts:{request_id}:{generation}:{batch_start}"


def claims_key(request_id: str, generation: int | str) -> str:
    """Which worker instance runs each task of the run (``inference.claims``)."""
    return f"claims:{request_id}:{generation}"


def put_chunks(
    request_id: str, generation: int, chunks: Iterable[bytes], first_index: int = 0
) -> int:
    """Store the chunks in order from ``first_index`` with the configured TTL; how many."""
    pipe = client().pipeline(transaction=False)
    count = 0
    for index, pcm in enumerate(chunks, start=first_index):
        pipe.set(
            chunk_key(request_id, generation, index),
            pcm,
            ex=settings.DETECTOR_CHUNK_TTL_SECONDS,
        )
        count += 1
    pipe.execute()
    return count


def get_chunks(request_id: str, generation: int, indices: Sequence[int]) -> list[bytes]:
    keys = [chunk_key(request_id, generation, index) for index in indices]
    values = client().mget(keys)
    missing = [
        index for index, value in zip(indices, values, strict=True) if value is None
    ]
    if missing:
        raise ChunksMissingError(
            f"chunks {missing} of {request_id} (run {generation}) are no longer "
            "in Redis (expired or removed)"
        )
    return cast(list[bytes], values)


def count_attempt(request_id: str, generation: int, batch_start: int) -> int:
    """Count one more start of a scoring batch; return the count so far."""
    key = attempts_key(request_id, generation, batch_start)
    pipe = client().pipeline()
    pipe.incr(key)
    pipe.expire(key, settings.DETECTOR_CHUNK_TTL_SECONDS)
    attempts, _ = pipe.execute()
    return int(attempts)


def delete_run_keys(request_id: str, generation: int) -> int:
    """Remove every chunk, counter and claim of one run; return how many keys went."""
    redis_client = client()
    keys = [
        key
        for pattern in (
            chunk_key(request_id, generation, "*"),
            attempts_key(request_id, generation, "*"),
            claims_key(request_id, generation),
        )
        for key in redis_client.scan_iter(match=pattern, count=500)
    ]
    return int(redis_client.delete(*keys)) if keys else 0


def delete_detection_keys(request_ids: Collection[str]) -> int:
    """Remove every run's chunks and counters of these detections, in one pass over the keys.

    A deleted detection's runs are not all known (a late task may have written
    an old run's keys), so keys are matched by request id, not by run.
    """
    return delete_keys_of(
        request_ids,
        (chunk_key("*", "*", "*"), attempts_key("*", "*", "*"), claims_key("*", "*")),
    )


def delete_keys_of(request_ids: Collection[str], patterns: Collection[str]) -> int:
    """Remove the keys matching ``patterns`` whose second field is one of the request ids."""
    wanted = {str(request_id) for request_id in request_ids}
    redis_client = client()
    keys = [
        key
        for pattern in patterns
        for key in redis_client.scan_iter(match=pattern, count=500)
        if key.decode().split(":")[1] in wanted
    ]
    return int(redis_client.delete(*keys)) if keys else 0


def record_orphaned_run(request_id: str, generation: int) -> None:
    pipe = client().pipeline()
    pipe.sadd(ORPHANED_RUNS_KEY, f"{request_id}:{generation}")
    # Only the sweeper empties the set; do not keep it forever if none runs.
    pipe.expire(ORPHANED_RUNS_KEY, settings.DETECTOR_CHUNK_TTL_SECONDS)
    pipe.execute()


def orphaned_runs() -> list[tuple[str, int]]:
    members = cast(set[bytes], client().smembers(ORPHANED_RUNS_KEY))
    runs = (member.decode().rsplit(":", 1) for member in members)
    return [(request_id, int(generation)) for request_id, generation in runs]


def forget_orphaned_run(request_id: str, generation: int) -> None:
    client().srem(ORPHANED_RUNS_KEY, f"{request_id}:{generation}")
