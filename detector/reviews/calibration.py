"""Reviewers' labels against model scores: agreement, EER, calibration, and a refit.

Only completed detections whose current label is ``genuine`` or ``synthetic``
and whose verdict has a decisive score (not inconclusive) take part. The
score is the one the verdict policy decides on (``verdict.decisive_score``);
EER and ECE are the training pipeline's own (``inference.training.metrics``).
Needs numpy: run it where the inference requirements are installed.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from detector.models import Detection
from detector.reviews.labels import current_label
from detector.reviews.labels import with_labels
from detector.reviews.models import ReviewerLabel
from detector.services import recorded_policy
from detector.verdict import VerdictPolicy
from detector.verdict import decide
from detector.verdict import decisive_score
from inference.training import metrics

Label = ReviewerLabel.Label
FAKE_VERDICTS = (Detection.Assessment.FAKE, Detection.Assessment.LIKELY_FAKE)
ModelKey = tuple[str, str]  # model name, model version


@dataclass(frozen=True)
class LabelledScore:
    """One labelled detection: the reviewer's truth, the model's decisive score."""

    synthetic: bool
    score: float
    assessment: str
    chunk_predictions: dict[str, Any]
    min_speech_seconds: float


@dataclass(frozen=True)
class ModelReport:
    count: int
    genuine: int
    synthetic: int
    agreement: float  # share whose stored verdict matches the label
    eer: float | None  # None until both classes are labelled
    ece: float


@dataclass(frozen=True)
class ThresholdFit:
    policy: VerdictPolicy
    eer: float
    eer_threshold: float
    false_alarm_threshold: float
    label_count: int
    agreement: float  # the share the fitted thresholds would have decided as labelled


class NotEnoughLabelsError(Exception):
    """A fit on too few labels would only fit noise."""


def labelled_scores(
    detections: QuerySet[Detection],
) -> dict[ModelKey, list[LabelledScore]]:
    """The labelled detections that can be compared, grouped by model name and version."""
    completed = detections.filter(
        status=Detection.Status.COMPLETED, labels__isnull=False
    ).distinct()
    groups: dict[ModelKey, list[LabelledScore]] = defaultdict(list)
    for detection in with_labels(completed).order_by("pk"):
        sample = _labelled_score(detection)
        if sample is not None:
            groups[(detection.model_name, detection.model_version)].append(sample)
    return dict(sorted(groups.items()))


def _labelled_score(detection: Detection) -> LabelledScore | None:
    label = current_label(detection)
    if label is None or label.label == Label.UNSURE:
        return None
    chunk_map = detection.results.get("chunk_predictions", {})
    _, min_speech_seconds = recorded_policy(detection.verdict_policy)
    score = decisive_score(chunk_map, min_speech_seconds)
    if score is None:
        return None
    return LabelledScore(
        synthetic=label.label == Label.SYNTHETIC,
        score=score,
        assessment=detection.overall_assessment,
        chunk_predictions=chunk_map,
        min_speech_seconds=min_speech_seconds,
    )


def agrees(sample: LabelledScore, assessment: str) -> bool:
    return (assessment in FAKE_VERDICTS) == sample.synthetic


def report(samples: list[LabelledScore]) -> ModelReport:
    genuine, synthetic = _split(samples)
    eer = metrics.eer(genuine, synthetic)[0] if genuine and synthetic else None
    return ModelReport(
        count=len(samples),
        genuine=len(genuine),
        synthetic=len(synthetic),
        agreement=_agreement(samples, (s.assessment for s in samples)),
        eer=eer,
        ece=metrics.expected_calibration_error(
            [s.score for s in samples], [s.synthetic for s in samples]
        ),
    )


def fit_thresholds(
    samples: list[LabelledScore], min_labels: int, max_false_alarm: float
) -> ThresholdFit:
    """likely_fake at the labels' EER point; fake at the genuine false-alarm cap."""
    genuine, synthetic = _split(samples)
    if len(samples) < min_labels or not genuine or not synthetic:
        raise NotEnoughLabelsError(
            f"Only {len(genuine)} genuine and {len(synthetic)} synthetic labels; "
            f"a fit needs at least {min_labels} in all, with both kinds "
            "(DETECTOR_CALIBRATION_MIN_LABELS)."
        )
    eer, eer_threshold = metrics.eer(genuine, synthetic)
    eer_threshold = min(max(eer_threshold, 0.0), 1.0)
    strict = metrics.threshold_for_false_alarms(genuine, max_false_alarm)
    likely, fake = sorted((eer_threshold, strict))
    policy = VerdictPolicy(likely_fake_threshold=likely, fake_threshold=fake)
    decided = (
        decide(s.chunk_predictions, policy, s.min_speech_seconds).assessment
        for s in samples
    )
    return ThresholdFit(
        policy=policy,
        eer=eer,
        eer_threshold=eer_threshold,
        false_alarm_threshold=strict,
        label_count=len(samples),
        agreement=_agreement(samples, decided),
    )


def _split(samples: list[LabelledScore]) -> tuple[list[float], list[float]]:
    genuine = [s.score for s in samples if not s.synthetic]
    synthetic = [s.score for s in samples if s.synthetic]
    return genuine, synthetic


def _agreement(samples: list[LabelledScore], assessments: Iterable[str]) -> float:
    matches = [
        agrees(sample, assessment)
        for sample, assessment in zip(samples, assessments, strict=True)
    ]
    return sum(matches) / len(matches) if matches else 0.0
