"""Live streams' data in Redis: each window's bytes until scored, and scores the stream's end reuses.

``stream:{request_id}:window:{end_frame}`` holds a window's PCM as the client
sent it, briefly: the web process writes it, the worker takes it. The hash
``stream:{request_id}:scores`` maps the digest of each scored window's 16 kHz
PCM to its score, so the end of the stream scores only the chunks that no
window matched sample for sample. Only Redis is imported: the web process
uses the key names too.
"""

import hashlib
from collections.abc import Collection
from typing import cast

from inference import chunk_store

# Longer than a window may wait in the queue (the task expires first).
WINDOW_TTL_SECONDS = 30
# Longer than the longest stream and its end.
SCORES_TTL_SECONDS = 3 * 3600


def window_key(request_id: str, end_frame: int) -> str:
    return f"stream:{request_id}:window:{end_frame}"


def scores_key(request_id: str) -> str:
    return f"stream:{request_id}:scores"


def pcm_digest(pcm: bytes) -> str:
    return hashlib.blake2b(pcm, digest_size=16).hexdigest()


def take_window(request_id: str, end_frame: int) -> bytes | None:
    """A window's bytes, removed as they are read; None once expired."""
    return cast(
        bytes | None, chunk_store.client().getdel(window_key(request_id, end_frame))
    )


def remember_score(request_id: str, pcm: bytes, score: float) -> None:
    pipe = chunk_store.client().pipeline(transaction=False)
    pipe.hset(scores_key(request_id), pcm_digest(pcm), repr(score))
    pipe.expire(scores_key(request_id), SCORES_TTL_SECONDS)
    pipe.execute()


def remembered_scores(request_id: str) -> dict[str, float]:
    stored = cast(
        dict[bytes, bytes], chunk_store.client().hgetall(scores_key(request_id))
    )
    return {digest.decode(): float(score) for digest, score in stored.items()}


def forget(request_id: str) -> None:
    chunk_store.client().delete(scores_key(request_id))


def delete_stream_keys(request_ids: Collection[str]) -> int:
    """Remove deleted detections' windows and remembered scores before their TTL."""
    return chunk_store.delete_keys_of(request_ids, ("stream:*",))
