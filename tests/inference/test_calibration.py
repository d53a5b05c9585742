"""Calibration: Platt fit, calibration error, Brier, and the head that carries it."""

import numpy as np
import pytest
import torch

from inference.offline_model import random_wavlm
from inference.training.calibration import Platt
from inference.training.calibration import brier_score
from inference.training.calibration import cross_fitted
from inference.training.calibration import fit_platt
from inference.training.calibration import fold_into_classifier
from inference.training.metrics import expected_calibration_error


def overconfident_scores(count: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """True probabilities p, reported as sigmoid(3 * logit(p)): far too sure."""
    rng = np.random.default_rng(seed)
    truth = rng.uniform(0.02, 0.98, count)
    labels = rng.random(count) < truth
    reported = 1 / (1 + np.exp(-3 * np.log(truth / (1 - truth))))
    return reported, labels


def test_platt_recovers_the_scaling_and_lowers_the_error():
    raw, labels = overconfident_scores(20_000)
    platt = fit_platt(raw, labels)
    assert platt.slope == pytest.approx(1 / 3, abs=0.05)
    assert platt.intercept == pytest.approx(0.0, abs=0.1)
    calibrated = platt.apply(raw)
    assert expected_calibration_error(calibrated, labels) < 0.02
    assert expected_calibration_error(raw, labels) > 0.05
    assert brier_score(calibrated, labels) < brier_score(raw, labels)


def test_cross_fitting_scores_each_group_with_a_fit_on_the_others():
    raw, labels = overconfident_scores(4_000)
    groups = np.arange(raw.size) % 4
    held = cross_fitted(raw, labels, groups)
    for group in range(4):
        others = groups != group
        expected = fit_platt(raw[others], labels[others]).apply(raw[groups == group])
        assert np.allclose(held[groups == group], expected)


def test_calibration_error_of_perfect_and_inverted_scores():
    labels = np.array([True, False] * 50)
    assert expected_calibration_error(labels.astype(float), labels) == 0.0
    assert expected_calibration_error((~labels).astype(float), labels) == pytest.approx(
        1.0
    )
    assert brier_score((~labels).astype(float), labels) == pytest.approx(1.0)


def test_folding_into_the_head_gives_the_calibrated_softmax():
    model = random_wavlm("tiny", seed=0).eval()
    audio = torch.randn(3, 16_000)
    with torch.no_grad():
        raw = torch.softmax(model(audio).logits, dim=-1)[:, 1].numpy()
    platt = Platt(slope=0.4, intercept=-0.7)
    fold_into_classifier(model, platt, fake_index=1)
    with torch.no_grad():
        folded = torch.softmax(model(audio).logits, dim=-1)[:, 1].numpy()
    assert np.allclose(folded, platt.apply(raw), atol=1e-5)
