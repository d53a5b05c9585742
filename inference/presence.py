"""Things that announce themselves in Redis for a while (workers, their models).

Each entry is a key ``{kind}:{name}`` with a TTL plus ``name`` in the set
``{kind}``, so a reader fetches a few keys instead of scanning a keyspace that
also holds every audio chunk.
"""

import json
from typing import Any
from typing import cast

import redis


def _key(kind: str, name: str) -> str:
    return f"{kind}:{name}"


def announce(
    client: redis.Redis, kind: str, name: str, payload: dict[str, Any], ttl: int
) -> None:
    pipe = client.pipeline()
    pipe.set(_key(kind, name), json.dumps(payload), ex=ttl)
    pipe.sadd(kind, name)
    pipe.execute()


def withdraw(client: redis.Redis, kind: str, name: str) -> None:
    pipe = client.pipeline()
    pipe.delete(_key(kind, name))
    pipe.srem(kind, name)
    pipe.execute()


def current(client: redis.Redis, kind: str) -> dict[str, dict[str, Any]]:
    """Every entry of ``kind`` that has not expired, by name."""
    # Our clients never decode responses: members are bytes.
    names = sorted(name.decode() for name in cast(set[bytes], client.smembers(kind)))
    if not names:
        return {}
    values = client.mget([_key(kind, name) for name in names])
    expired = [name for name, value in zip(names, values, strict=True) if value is None]
    if expired:
        client.srem(kind, *expired)
    return {
        name: json.loads(value)
        for name, value in zip(names, values, strict=True)
        if value is not None
    }
