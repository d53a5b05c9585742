"""The verdict policy: one rule from a chunk map to real / likely_fake / fake.

The rule, mirrored by ``frontend/src/verdict.ts`` and checked against the
shared vectors in ``detector/verdict_vectors.json``:

1. Only chunks with ``speech: true`` and a score count. Their speech time is
   the sum of ``speech_ratio * (end - start)`` (a chunk map from before
   ratios were recorded counts such chunks whole).
2. With no such chunk, or less speech time than ``min_speech_seconds``, the
   verdict is ``inconclusive`` with confidence 0 and a reason: ``too_short``
   when some chunk counts but the speech adds up to too little,
   ``no_speech`` when every chunk is ``silent`` (or there are none), and
   ``not_speech_like`` when there is sound but none of it is speech (music,
   tones, noise).
3. Otherwise the verdict follows the *highest* counted score (the peak),
   never an average, so one spliced fake stretch in a long real recording
   is enough: peak >= fake_threshold is ``fake``, peak >=
   likely_fake_threshold is ``likely_fake``, anything lower is ``real``.
4. Confidence is the peak for the fake verdicts and ``1 - peak`` for
   ``real`` (how sure the most suspicious chunk is genuine), rounded to four
   decimals so both implementations agree exactly.
"""

from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import asdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings

CONFIDENCE_DECIMALS = 4
# The speech minimum is a deployment setting, not a model's threshold, so it
# is stored beside the thresholds in a detection's recorded policy.
MIN_SPEECH_KEY = "min_speech_seconds"

NO_SPEECH = "no_speech"
NOT_SPEECH_LIKE = "not_speech_like"
TOO_SHORT = "too_short"


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


def applicable_policy(
    checkpoint: VerdictPolicy | None, override: VerdictPolicy | None = None
) -> VerdictPolicy:
    """The thresholds that decide a model's verdicts, and the one place that says so.

    Reviewers' override for the model version wins, then the thresholds the
    checkpoint was calibrated with, then the deployment's settings.
    """
    if override is not None:
        return override
    if checkpoint is not None:
        return checkpoint
    return VerdictPolicy(
        likely_fake_threshold=settings.DETECTOR_LIKELY_FAKE_THRESHOLD,
        fake_threshold=settings.DETECTOR_FAKE_THRESHOLD,
    )


@dataclass(frozen=True)
class Verdict:
    assessment: str
    confidence: float
    inconclusive_reason: str = ""  # one of the reasons above when inconclusive


def decide(
    chunk_predictions: Mapping[str, Mapping[str, Any]],
    policy: VerdictPolicy,
    min_speech_seconds: float = 0.0,
) -> Verdict:
    """Apply the policy to a contract chunk map."""
    peak = decisive_score(chunk_predictions, min_speech_seconds)
    if peak is None:
        chunks = list(chunk_predictions.values())
        if _counted(chunks):
            reason = TOO_SHORT
        elif all(chunk.get("silent") for chunk in chunks):
            reason = NO_SPEECH
        else:
            reason = NOT_SPEECH_LIKE
        return Verdict("inconclusive", 0.0, reason)
    if peak >= policy.fake_threshold:
        return Verdict("fake", round(peak, CONFIDENCE_DECIMALS))
    if peak >= policy.likely_fake_threshold:
        return Verdict("likely_fake", round(peak, CONFIDENCE_DECIMALS))
    return Verdict("real", round(1.0 - peak, CONFIDENCE_DECIMALS))


def decisive_score(
    chunk_predictions: Mapping[str, Mapping[str, Any]], min_speech_seconds: float = 0.0
) -> float | None:
    """The score the verdict follows (rule 3's peak); None when it is inconclusive."""
    counted = _counted(chunk_predictions.values())
    speech_seconds = sum(
        float(chunk.get("speech_ratio", 1.0))
        * (float(chunk["end"]) - float(chunk["start"]))
        for chunk in counted
    )
    if not counted or speech_seconds < min_speech_seconds:
        return None
    return max(float(chunk["score"]) for chunk in counted)


def _counted(chunks: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The chunks rule 1 lets count: speech, and scored."""
    return [
        chunk
        for chunk in chunks
        if chunk.get("speech") and chunk.get("score") is not None
    ]


def reason_message(reason: str, min_speech_seconds: float) -> str:
    """The sentence a user reads for an inconclusive reason ("" for none)."""
    messages = {
        NO_SPEECH: "The recording is silent or nearly silent: there is no speech "
        "to judge.",
        NOT_SPEECH_LIKE: "The recording holds sound but no speech (music, tones or "
        "noise, for example), so there is nothing to judge.",
        TOO_SHORT: f"The recording holds less than {min_speech_seconds:g} s of "
        "speech, too little to judge.",
    }
    return messages.get(reason, "")
