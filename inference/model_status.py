"""What each inference worker's model is doing, shared through Redis for the health check."""

import os
import socket
from typing import Any
from typing import Literal

import redis

from inference import chunk_store
from inference import presence

KIND = "model-status"
# A worker that stopped reporting is forgotten after a day.
_TTL_SECONDS = 24 * 3600


def record(state: Literal["ready", "refused"], detail: str, **facts: Any) -> None:
    """Publish this process's model state (host and pid identify the worker)."""
    worker = f"{socket.gethostname()}:{os.getpid()}"
    payload = {"worker": worker, "state": state, "detail": detail, **facts}
    presence.announce(chunk_store.client(), KIND, worker, payload, ttl=_TTL_SECONDS)


def refusals(client: redis.Redis) -> list[dict[str, Any]]:
    """The workers whose model refused to serve, with why."""
    states = presence.current(client, KIND).values()
    return [state for state in states if state["state"] == "refused"]
