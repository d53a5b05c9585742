"""The verdict policy against the vectors shared with the frontend."""

import json
from pathlib import Path

import pytest

from detector.verdict import VerdictPolicy
from detector.verdict import decide

VECTORS = json.loads(
    (Path(__file__).parents[2] / "detector" / "verdict_vectors.json").read_text()
)


@pytest.mark.parametrize(
    "case", VECTORS["cases"], ids=[case["name"] for case in VECTORS["cases"]]
)
def test_verdict_matches_shared_vector(case: dict) -> None:
    """Each shared vector gives the expected verdict and confidence."""
    verdict = decide(case["chunk_predictions"], VerdictPolicy(**case["policy"]))
    assert (verdict.assessment, verdict.confidence) == (
        case["expected"]["assessment"],
        case["expected"]["confidence"],
    )


def test_verdict_policy_rejects_inverted_thresholds() -> None:
    """likely_fake above fake is a configuration error."""
    with pytest.raises(ValueError, match="thresholds"):
        VerdictPolicy(likely_fake_threshold=0.9, fake_threshold=0.5)
