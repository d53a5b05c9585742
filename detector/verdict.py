"""The verdict policy: one rule from a chunk map to real / likely_fake / fake.

The rule, mirrored by ``frontend/src/verdict.ts`` and checked against the
shared vectors in ``detector/verdict_vectors.json``:

1. Only chunks with ``speech: true`` and a score count; with none, the
   verdict is ``inconclusive`` with confidence 0.
2. The verdict follows the *highest* speech-chunk score (the peak), never an
   average, so one spliced fake stretch in a long real recording is enough:
   peak >= fake_threshold is ``fake``, peak >= likely_fake_threshold is
   ``likely_fake``, anything lower is ``real``.
3. Confidence is the peak for the fake verdicts and ``1 - peak`` for
   ``real`` (how sure the most suspicious chunk is genuine), rounded to four
   decimals so both implementations agree exactly.
"""

from collections.abc import Mapping
from dataclasses import asdict
from dataclasses import dataclass
from typing import Any

CONFIDENCE_DECIMALS = 4


@dataclass(frozen=True)
class VerdictPolicy:
    likely_fake_threshold: float
    fake_threshold: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.likely_fake_threshold <= self.fake_threshold <= 1.0:
            raise ValueError(
                "thresholds must satisfy 0 <= likely_fake <= fake <= 1, got "
                f"{self.likely_fake_threshold} and {self.fake_threshold}"
            )

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class Verdict:
    assessment: str
    confidence: float


def decide(
    chunk_predictions: Mapping[str, Mapping[str, Any]], policy: VerdictPolicy
) -> Verdict:
    """Apply the policy to a contract chunk map."""
    speech_scores = [
        float(chunk["score"])
        for chunk in chunk_predictions.values()
        if chunk.get("speech") and chunk.get("score") is not None
    ]
    if not speech_scores:
        return Verdict("inconclusive", 0.0)
    peak = max(speech_scores)
    if peak >= policy.fake_threshold:
        return Verdict("fake", round(peak, CONFIDENCE_DECIMALS))
    if peak >= policy.likely_fake_threshold:
        return Verdict("likely_fake", round(peak, CONFIDENCE_DECIMALS))
    return Verdict("real", round(1.0 - peak, CONFIDENCE_DECIMALS))
