"""Detection metrics against the ASVspoof evaluation package's reference computation."""

import numpy as np
import pytest

from inference.training import metrics


def reference_compute_det_curve(target_scores, nontarget_scores):
    """ASVspoof 2019/2021 eval_metrics.compute_det_curve, verbatim."""
    n_scores = target_scores.size + nontarget_scores.size
    all_scores = np.concatenate((target_scores, nontarget_scores))
    labels = np.concatenate(
        (np.ones(target_scores.size), np.zeros(nontarget_scores.size))
    )
    indices = np.argsort(all_scores, kind="mergesort")
    labels = labels[indices]
    tar_trial_sums = np.cumsum(labels)
    nontarget_trial_sums = nontarget_scores.size - (
        np.arange(1, n_scores + 1) - tar_trial_sums
    )
    frr = np.concatenate((np.atleast_1d(0), tar_trial_sums / target_scores.size))
    far = np.concatenate(
        (np.atleast_1d(1), nontarget_trial_sums / nontarget_scores.size)
    )
    thresholds = np.concatenate(
        (np.atleast_1d(all_scores[indices[0]] - 0.001), all_scores[indices])
    )
    return frr, far, thresholds


def reference_compute_eer(target_scores, nontarget_scores):
    """ASVspoof 2019/2021 eval_metrics.compute_eer, verbatim (higher = bona fide)."""
    frr, far, thresholds = reference_compute_det_curve(target_scores, nontarget_scores)
    abs_diffs = np.abs(frr - far)
    min_index = np.argmin(abs_diffs)
    eer = np.mean((frr[min_index], far[min_index]))
    return eer, thresholds[min_index]


def reference_eer(bonafide, spoof):
    """The reference on fake probabilities: bona fide are targets, scores negated."""
    return reference_compute_eer(-np.asarray(bonafide), -np.asarray(spoof))


def test_eer_worked_example_by_hand():
    """Four of each class: one bona fide above 0.7 and one spoof below it make 25 %."""
    bonafide = [0.1, 0.4, 0.35, 0.8]
    spoof = [0.9, 0.7, 0.3, 0.95]
    rate, threshold = metrics.eer(bonafide, spoof)
    assert rate == pytest.approx(0.25)
    assert threshold == pytest.approx(0.7)
    assert metrics.roc_auc(bonafide, spoof) == pytest.approx(12 / 16)


def test_eer_worked_example_matches_reference():
    """The hand-computed case gives the reference's EER and (negated) threshold."""
    bonafide = np.array([0.1, 0.4, 0.35, 0.8])
    spoof = np.array([0.9, 0.7, 0.3, 0.95])
    reference_rate, reference_threshold = reference_eer(bonafide, spoof)
    rate, threshold = metrics.eer(bonafide, spoof)
    assert rate == reference_rate
    assert threshold == -reference_threshold


def test_eer_perfect_separation_is_zero():
    """Every spoof above every bona fide file: no errors at the EER."""
    rate, threshold = metrics.eer([0.0, 0.1, 0.2], [0.8, 0.9])
    assert rate == 0.0
    assert 0.2 < threshold <= 0.8


@pytest.mark.parametrize("seed", range(20))
def test_eer_equals_reference_on_random_scores(seed):
    """Random scores and sizes, with heavy ties, give the reference's EER exactly."""
    rng = np.random.default_rng(seed)
    bonafide = np.round(rng.beta(2, 5, size=rng.integers(5, 300)), 2)
    spoof = np.round(rng.beta(5, 2, size=rng.integers(5, 300)), 2)
    rate, threshold = metrics.eer(bonafide, spoof)
    reference_rate, reference_threshold = reference_eer(bonafide, spoof)
    assert rate == reference_rate
    assert threshold == -reference_threshold


def test_det_curve_equals_reference():
    """The whole DET curve, not just its EER point, is the reference's."""
    rng = np.random.default_rng(7)
    bonafide, spoof = rng.random(50), rng.random(40)
    curve = metrics.det_curve(bonafide, spoof)
    frr, far, thresholds = reference_compute_det_curve(-bonafide, -spoof)
    np.testing.assert_array_equal(curve.miss, frr)
    np.testing.assert_array_equal(curve.false_alarm, far)
    np.testing.assert_array_equal(curve.thresholds, thresholds)


def test_roc_auc_counts_ties_as_half():
    """Ties between classes count one half; the AUC is the pairwise win rate."""
    bonafide = np.array([0.2, 0.5, 0.5])
    spoof = np.array([0.5, 0.9])
    wins = sum((s > b) + 0.5 * (s == b) for s in spoof for b in bonafide)
    assert metrics.roc_auc(bonafide, spoof) == pytest.approx(wins / 6)


def test_operating_point_precision_and_recall():
    """Flagging score >= threshold: counts of caught spoofs and false alarms."""
    point = metrics.operating_point(
        [0.1, 0.6, 0.2, 0.3], [0.7, 0.5, 0.9], threshold=0.5
    )
    assert point.recall == pytest.approx(1.0)
    assert point.precision == pytest.approx(3 / 4)
    assert point.false_alarm_rate == pytest.approx(1 / 4)


def test_threshold_for_false_alarms_flags_at_most_the_allowed_share():
    """1 % of 200 bona fide files allowed: at most two score at or above the cut."""
    rng = np.random.default_rng(3)
    bonafide = rng.random(200)
    cut = metrics.threshold_for_false_alarms(bonafide, 0.01)
    assert np.sum(bonafide >= cut) <= 2
    assert np.sum(bonafide >= np.nextafter(np.sort(bonafide)[-3], -np.inf)) > 2
