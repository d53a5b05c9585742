"""Scoring chunks of 16 kHz PCM16 with the process's detector."""

from collections.abc import Sequence

import numpy as np

from detector.services import ScoringModel
from detector.services import settings_policy
from inference import chunk_store
from inference import metrics
from inference.model import get_detector


def score_batch(
    request_id: str, generation: int, indices: list[int]
) -> tuple[list[float], ScoringModel]:
    """Fake probabilities of the stored chunks, and the model that produced them."""
    pieces = chunk_store.get_chunks(request_id, generation, indices)
    return score_pieces(pieces), scoring_model()


def score_pieces(pieces: Sequence[bytes]) -> list[float]:
    """Fake probabilities of pieces of 16 kHz mono PCM16."""
    samples = [np.frombuffer(pcm, dtype=np.int16) for pcm in pieces]
    with metrics.stage_timer("inference"):
        scores = get_detector().score(samples)
    metrics.record_batch(len(samples))
    return scores


def scoring_model() -> ScoringModel:
    """The process's detector, as recorded with the scores it gives."""
    detector = get_detector()
    return ScoringModel(
        name=detector.identity.name,
        version=detector.identity.version,
        trained=detector.identity.trained,
        policy=detector.thresholds or settings_policy(),
    )
