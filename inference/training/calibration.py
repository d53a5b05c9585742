"""Calibrated chunk scores: Platt scaling fitted on held-out folds, folded into the head.

A raw softmax score is a ranking; after calibration a chunk score of 0.9
means about nine in ten such chunks are synthetic (with both classes equally
likely a priori). The scaling ``p = sigmoid(a * logit(raw) + b)`` is written
into the classifier's weights, so the checkpoint itself outputs calibrated
probabilities on every scoring path and nothing downstream changes.
"""

from collections.abc import Sequence
from dataclasses import asdict
from dataclasses import dataclass

import numpy as np
import torch
from scipy.optimize import minimize
from scipy.special import expit
from scipy.special import logit
from transformers import PreTrainedModel

from inference.training.metrics import class_balanced_weights

_EPSILON = 1e-6


@dataclass(frozen=True)
class Platt:
    slope: float
    intercept: float

    def apply(self, scores: Sequence[float] | np.ndarray) -> np.ndarray:
        raw = np.clip(np.asarray(scores, dtype=np.float64), _EPSILON, 1 - _EPSILON)
        return expit(self.slope * logit(raw) + self.intercept)

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def fit_platt(scores: Sequence[float], labels: Sequence[bool]) -> Platt:
    """The slope and intercept that minimise class-balanced log loss."""
    raw = logit(np.clip(np.asarray(scores, dtype=np.float64), _EPSILON, 1 - _EPSILON))
    target = np.asarray(labels, dtype=np.float64)
    weights = class_balanced_weights(target)

    def loss(params: np.ndarray) -> float:
        z = params[0] * raw + params[1]
        # log(1 + e^z) - t z, computed stably.
        return float(np.sum(weights * (np.logaddexp(0.0, z) - target * z)))

    result = minimize(loss, np.array([1.0, 0.0]), method="L-BFGS-B")
    return Platt(float(result.x[0]), float(result.x[1]))


def cross_fitted(
    scores: Sequence[float], labels: Sequence[bool], groups: Sequence[int]
) -> np.ndarray:
    """Each group's scores calibrated by a fit on the other groups only."""
    values = np.asarray(scores, dtype=np.float64)
    truth = np.asarray(labels, dtype=bool)
    group = np.asarray(groups)
    out = np.empty_like(values)
    for held in np.unique(group):
        fit = fit_platt(values[group != held], truth[group != held])
        out[group == held] = fit.apply(values[group == held])
    return out


def brier_score(
    probabilities: Sequence[float] | np.ndarray, labels: Sequence[bool]
) -> float:
    """Class-balanced mean squared error of the probabilities."""
    p = np.asarray(probabilities, dtype=np.float64)
    truth = np.asarray(labels, dtype=np.float64)
    weights = class_balanced_weights(truth)
    return float(np.sum(weights * (p - truth) ** 2) / weights.sum())


def fold_into_classifier(model: PreTrainedModel, platt: Platt, fake_index: int) -> None:
    """Rewrite the two-class head so its softmax is the calibrated probability.

    With logits ``z`` the raw score is ``sigmoid(z_fake - z_other)``; scaling
    both rows by ``a`` and moving ``b`` between the biases gives
    ``sigmoid(a * (z_fake - z_other) + b)``.
    """
    head = model.classifier
    if not isinstance(head, torch.nn.Linear) or head.out_features != 2:
        raise ValueError("calibration needs a two-class linear classifier head")
    with torch.no_grad():
        head.weight.mul_(platt.slope)
        bias = head.bias if head.bias is not None else None
        if bias is None:
            raise ValueError("calibration needs a classifier head with a bias")
        bias.mul_(platt.slope)
        bias[fake_index] += platt.intercept / 2
        bias[1 - fake_index] -= platt.intercept / 2
