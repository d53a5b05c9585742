"""What each inference worker's model is doing, shared through Redis for the health check."""

import json
import os
import socket
from typing import Any
from typing import Literal

from inference import chunk_store

_PREFIX = "model-status"
# A worker that stopped reporting is forgotten after a day.
_TTL_SECONDS = 24 * 3600


def _key(worker: str) -> str:
    return f"{_PREFIX}:{worker}"


def record(state: Literal["ready", "refused"], detail: str, **facts: Any) -> None:
    """Publish this process's model state (host and pid identify the worker)."""
    worker = f"{socket.gethostname()}:{os.getpid()}"
    payload = {"worker": worker, "state": state, "detail": detail, **facts}
    chunk_store.client().set(_key(worker), json.dumps(payload), ex=_TTL_SECONDS)


def refusals() -> list[dict[str, Any]]:
    """The workers whose model refused to serve, with why."""
    redis_client = chunk_store.client()
    states = [
        json.loads(value)
        for key in redis_client.scan_iter(match=_key("*"))
        if (value := redis_client.get(key)) is not None
    ]
    return [state for state in states if state["state"] == "refused"]
