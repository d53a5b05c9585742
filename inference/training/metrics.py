"""Detection metrics on fake-probability scores (higher = more likely spoof).

The EER follows the ASVspoof 2019/2021 evaluation package (``compute_det_curve``
and ``compute_eer``), whose scores run the other way (higher = bona fide): the
fake probabilities are negated into that convention, so the EER, the
operating point and its tie handling are the challenge's own, and the
threshold comes back as a fake-probability cut (``score >= threshold`` = fake).
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

ArrayLike = np.ndarray | list[float]


@dataclass(frozen=True)
class DetCurve:
    miss: np.ndarray
    false_alarm: np.ndarray
    thresholds: np.ndarray


@dataclass(frozen=True)
class OperatingPoint:
    threshold: float
    precision: float
    recall: float
    false_alarm_rate: float


def det_curve(bonafide_scores: np.ndarray, spoof_scores: np.ndarray) -> DetCurve:
    """Bona fide miss and spoof false-acceptance rates in ASVspoof's convention."""
    target = -np.asarray(bonafide_scores, dtype=np.float64)
    nontarget = -np.asarray(spoof_scores, dtype=np.float64)
    scores = np.concatenate([target, nontarget])
    # A stable sort with bona fide first among ties, as the reference does.
    order = np.argsort(scores, kind="mergesort")
    is_target = np.concatenate([np.ones(target.size), np.zeros(nontarget.size)])[order]
    targets_below = np.cumsum(is_target)
    nontargets_above = nontarget.size - (np.arange(1, scores.size + 1) - targets_below)
    return DetCurve(
        miss=np.concatenate([[0.0], targets_below / target.size]),
        false_alarm=np.concatenate([[1.0], nontargets_above / nontarget.size]),
        thresholds=np.concatenate([[scores[order[0]] - 0.001], scores[order]]),
    )


def eer(bonafide_scores: ArrayLike, spoof_scores: ArrayLike) -> tuple[float, float]:
    """The equal error rate and the fake-probability threshold where it holds."""
    curve = det_curve(np.asarray(bonafide_scores), np.asarray(spoof_scores))
    index = int(np.argmin(np.abs(curve.miss - curve.false_alarm)))
    rate = float(np.mean([curve.miss[index], curve.false_alarm[index]]))
    return rate, float(-curve.thresholds[index])


def roc_auc(bonafide_scores: ArrayLike, spoof_scores: ArrayLike) -> float:
    """P(a spoof scores above a bona fide file), ties counting one half."""
    bonafide = np.asarray(bonafide_scores, dtype=np.float64)
    spoof = np.asarray(spoof_scores, dtype=np.float64)
    ranks = _average_ranks(np.concatenate([spoof, bonafide]))
    spoof_rank_sum = float(ranks[: spoof.size].sum())
    return (spoof_rank_sum - spoof.size * (spoof.size + 1) / 2) / (
        spoof.size * bonafide.size
    )


def _average_ranks(values: np.ndarray) -> np.ndarray:
    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], ordered.size]
    tie_ranks = np.repeat((starts + ends + 1) / 2, ends - starts)
    ranks = np.empty(values.size)
    ranks[order] = tie_ranks
    return ranks


def operating_point(
    bonafide_scores: ArrayLike, spoof_scores: ArrayLike, threshold: float
) -> OperatingPoint:
    """Precision and recall of the spoof class, flagging ``score >= threshold``."""
    bonafide = np.asarray(bonafide_scores, dtype=np.float64)
    spoof = np.asarray(spoof_scores, dtype=np.float64)
    caught = int(np.sum(spoof >= threshold))
    false_alarms = int(np.sum(bonafide >= threshold))
    flagged = caught + false_alarms
    return OperatingPoint(
        threshold=threshold,
        precision=caught / flagged if flagged else 1.0,
        recall=caught / spoof.size if spoof.size else 0.0,
        false_alarm_rate=false_alarms / bonafide.size if bonafide.size else 0.0,
    )


def threshold_for_false_alarms(bonafide_scores: ArrayLike, max_rate: float) -> float:
    """The lowest cut at which at most ``max_rate`` of bona fide files are flagged."""
    bonafide = np.sort(np.asarray(bonafide_scores, dtype=np.float64))[::-1]
    allowed = int(np.floor(max_rate * bonafide.size + 1e-9))
    if allowed >= bonafide.size:
        return 0.0
    return float(min(np.nextafter(bonafide[allowed], np.inf), 1.0))


def class_balanced_weights(labels: np.ndarray) -> np.ndarray:
    """Weights that give both classes the same total (a 50/50 prior)."""
    positives = max(float(labels.sum()), 1.0)
    negatives = max(float((1 - labels).sum()), 1.0)
    return np.where(labels > 0.5, 0.5 / positives, 0.5 / negatives)


def expected_calibration_error(
    probabilities: Sequence[float] | np.ndarray,
    labels: Sequence[bool],
    bins: int = 10,
) -> float:
    """Class-balanced ECE over equal-width bins: |share synthetic - mean score|."""
    p = np.asarray(probabilities, dtype=np.float64)
    truth = np.asarray(labels, dtype=np.float64)
    weights = class_balanced_weights(truth)
    edges = np.minimum((p * bins).astype(int), bins - 1)
    error = 0.0
    for b in range(bins):
        inside = edges == b
        mass = weights[inside].sum()
        if mass > 0:
            observed = np.sum(weights[inside] * truth[inside]) / mass
            predicted = np.sum(weights[inside] * p[inside]) / mass
            error += mass * abs(observed - predicted)
    return float(error / weights.sum())
