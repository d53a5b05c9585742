"""Scoring chunks of 16 kHz PCM16 with the process's detector."""

from collections.abc import Sequence

import numpy as np

from inference import chunk_store
from inference import metrics
from inference.model import get_detector


def score_batch(request_id: str, generation: int, indices: list[int]) -> list[float]:
    """Fake probabilities of the stored chunks."""
    return score_pieces(chunk_store.get_chunks(request_id, generation, indices))


def score_pieces(pieces: Sequence[bytes]) -> list[float]:
    """Fake probabilities of pieces of 16 kHz mono PCM16."""
    samples = [np.frombuffer(pcm, dtype=np.int16) for pcm in pieces]
    with metrics.stage_timer("inference"):
        scores = get_detector().score(samples)
    metrics.record_batch(len(samples))
    return scores
