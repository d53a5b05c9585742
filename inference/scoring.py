"""Scoring a batch of stored chunks with the process's detector."""

import numpy as np

from detector.services import ScoringModel
from detector.services import settings_policy
from inference import chunk_store
from inference import metrics
from inference.model import get_detector


def score_batch(
    request_id: str, generation: int, indices: list[int]
) -> tuple[list[float], ScoringModel]:
    """Fake probabilities of the chunks, and the model that produced them."""
    detector = get_detector()
    samples = [
        np.frombuffer(pcm, dtype=np.int16)
        for pcm in chunk_store.get_chunks(request_id, generation, indices)
    ]
    model = ScoringModel(
        name=detector.identity.name,
        version=detector.identity.version,
        trained=detector.identity.trained,
        policy=detector.thresholds or settings_policy(),
    )
    with metrics.stage_timer("inference"):
        scores = detector.score(samples)
    metrics.record_batch(len(samples))
    return scores, model
