"""The verdict policy against the vectors shared with the frontend."""

import json
from pathlib import Path

import pytest

from detector.verdict import MIN_SPEECH_KEY
from detector.verdict import NO_SPEECH
from detector.verdict import NOT_SPEECH_LIKE
from detector.verdict import TOO_SHORT
from detector.verdict import VerdictPolicy
from detector.verdict import applicable_policy
from detector.verdict import decide
from detector.verdict import reason_message

VECTORS = json.loads(
    (Path(__file__).parents[2] / "detector" / "verdict_vectors.json").read_text()
)


@pytest.mark.parametrize(
    "case", VECTORS["cases"], ids=[case["name"] for case in VECTORS["cases"]]
)
def test_verdict_matches_shared_vector(case: dict) -> None:
    """Each shared vector gives the expected verdict, confidence and reason."""
    thresholds = dict(case["policy"])
    min_speech_seconds = thresholds.pop(MIN_SPEECH_KEY, 0.0)
    verdict = decide(
        case["chunk_predictions"], VerdictPolicy(**thresholds), min_speech_seconds
    )
    expected = case["expected"]
    assert (verdict.assessment, verdict.confidence, verdict.inconclusive_reason) == (
        expected["assessment"],
        expected["confidence"],
        expected["inconclusive_reason"],
    )


def test_vectors_cover_every_inconclusive_reason() -> None:
    """The shared vectors exercise each reason, so both sides must agree on all."""
    reasons = {case["expected"]["inconclusive_reason"] for case in VECTORS["cases"]}
    assert {NO_SPEECH, NOT_SPEECH_LIKE, TOO_SHORT} <= reasons


def test_reason_messages_match_the_shared_sentences() -> None:
    """Each reason reads as the sentence the frontend shows; too_short names the minimum."""
    shared = VECTORS["reason_messages"]
    for reason, sentence in shared["messages"].items():
        assert reason_message(reason, shared["min_speech_seconds"]) == sentence


def test_verdict_policy_rejects_inverted_thresholds() -> None:
    """likely_fake above fake is a configuration error."""
    with pytest.raises(ValueError, match="thresholds"):
        VerdictPolicy(likely_fake_threshold=0.9, fake_threshold=0.5)


OVERRIDE = VerdictPolicy(0.3, 0.6)
CHECKPOINT = VerdictPolicy(0.5, 0.8)


def test_reviewers_override_wins_over_the_checkpoint() -> None:
    assert applicable_policy(CHECKPOINT, OVERRIDE) == OVERRIDE


def test_checkpoint_thresholds_win_over_the_settings(settings) -> None:
    settings.DETECTOR_LIKELY_FAKE_THRESHOLD = 0.1
    assert applicable_policy(CHECKPOINT) == CHECKPOINT


def test_settings_decide_for_a_checkpoint_without_thresholds(settings) -> None:
    settings.DETECTOR_LIKELY_FAKE_THRESHOLD = 0.4
    settings.DETECTOR_FAKE_THRESHOLD = 0.9
    assert applicable_policy(None) == VerdictPolicy(0.4, 0.9)
