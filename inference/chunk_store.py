"""Audio chunks in Redis: ``chunks:{request_id}:{index}`` holds raw PCM16 bytes.

Every Redis key a detection owns is named here, so one function can remove
them all when it completes or fails.
"""

from collections.abc import Iterable
from collections.abc import Sequence
from functools import cache
from typing import cast

import redis
from django.conf import settings


class ChunksMissingError(LookupError):
    """A chunk expired or was deleted before it was scored."""


@cache
def client() -> redis.Redis:
    return redis.Redis.from_url(
        settings.REDIS_URL,
        socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
        socket_connect_timeout=settings.REDIS_SOCKET_TIMEOUT,
    )


def chunk_key(request_id: str, index: int | str) -> str:
    return f"chunks:{request_id}:{index}"


def attempts_key(request_id: str, batch_start: int | str) -> str:
    return f"attempts:{request_id}:{batch_start}"


def put_chunks(request_id: str, chunks: Iterable[bytes]) -> int:
    """Store the chunks in order with the configured TTL; return how many."""
    pipe = client().pipeline(transaction=False)
    count = 0
    for index, pcm in enumerate(chunks):
        pipe.set(
            chunk_key(request_id, index), pcm, ex=settings.DETECTOR_CHUNK_TTL_SECONDS
        )
        count += 1
    pipe.execute()
    return count


def get_chunks(request_id: str, indices: Sequence[int]) -> list[bytes]:
    values = client().mget([chunk_key(request_id, index) for index in indices])
    missing = [
        index for index, value in zip(indices, values, strict=True) if value is None
    ]
    if missing:
        raise ChunksMissingError(
            f"chunks {missing} of {request_id} are no longer in Redis (expired or removed)"
        )
    return cast(list[bytes], values)


def count_attempt(request_id: str, batch_start: int) -> int:
    """Count one more start of a scoring batch; return the count so far."""
    key = attempts_key(request_id, batch_start)
    pipe = client().pipeline()
    pipe.incr(key)
    pipe.expire(key, settings.DETECTOR_CHUNK_TTL_SECONDS)
    attempts, _ = pipe.execute()
    return int(attempts)


def delete_detection_keys(request_id: str) -> int:
    """Remove every chunk and counter of the detection; return how many keys went."""
    redis_client = client()
    keys = [
        key
        for pattern in (chunk_key(request_id, "*"), attempts_key(request_id, "*"))
        for key in redis_client.scan_iter(match=pattern, count=500)
    ]
    return int(redis_client.delete(*keys)) if keys else 0
