"""calibration_report: labels against scores, a refit, and the override on later results."""

from io import StringIO

import pytest
from django.core.management import CommandError
from django.core.management import call_command
from django.utils import timezone

from detector import services
from detector.models import Detection
from detector.models import ThresholdOverride
from detector.serializers import DetectionSerializer
from inference.chunking import ChunkSpan
from tests.factories import CompletedDetectionFactory
from tests.factories import DetectionFactory
from tests.factories import ReviewerLabelFactory
from tests.factories import ThresholdOverrideFactory

pytestmark = pytest.mark.django_db

# The model (m 1) decides with 0.5 / 0.8: one genuine file scores 0.65 (a likely
# fake the reviewer contradicts), so agreement is 9 of 10 and the EER 20 %.
GENUINE = (0.05, 0.1, 0.2, 0.3, 0.65)
SYNTHETIC = (0.6, 0.7, 0.85, 0.9, 0.95)


@pytest.fixture
def labelled() -> None:
    """Ten labelled detections of m 1, plus ones the report must leave out."""
    for peaks, label in ((GENUINE, "genuine"), (SYNTHETIC, "synthetic")):
        for peak in peaks:
            ReviewerLabelFactory(detection__peak=peak, label=label)
    ReviewerLabelFactory(detection__peak=0.9, label="unsure")
    relabelled = ReviewerLabelFactory(detection__peak=0.9, label="genuine").detection
    ReviewerLabelFactory(detection=relabelled, label="unsure")  # current: unsure
    silent = CompletedDetectionFactory(
        results={"chunk_predictions": {}}, overall_assessment="inconclusive"
    )
    ReviewerLabelFactory(detection=silent, label="genuine")


def run(*args: str) -> str:
    out = StringIO()
    call_command("calibration_report", *args, stdout=out)
    return out.getvalue()


def test_report_compares_labels_with_scores(labelled: None) -> None:
    """Per model version: labels, agreement with the verdict, EER and ECE."""
    ReviewerLabelFactory(
        detection__model_version="2", detection__peak=0.9, label="synthetic"
    )
    lines = run().splitlines()
    assert lines[0].split() == [
        "model",
        "version",
        "labels",
        "genuine",
        "synthetic",
        "agreement",
        "EER",
        "ECE",
    ]
    assert lines[1].split() == ["m", "1", "10", "5", "5", "90.0%", "20.0%", "0.150"]
    assert lines[2].split() == ["m", "2", "1", "0", "1", "100.0%", "n/a", "0.100"]
    only_two = run("--model-version", "2").splitlines()
    assert [line.split()[1] for line in only_two[1:]] == ["2"]


def test_report_without_labels_says_so() -> None:
    """No comparable label is an error sentence, not an empty table."""
    with pytest.raises(CommandError, match="No completed detection"):
        run()


def test_fit_refuses_too_few_labels(labelled: None, settings) -> None:
    """Below DETECTOR_CALIBRATION_MIN_LABELS the fit refuses with a sentence."""
    settings.DETECTOR_CALIBRATION_MIN_LABELS = 11
    with pytest.raises(CommandError, match="Only 5 genuine and 5 synthetic labels"):
        run("--fit")
    assert not ThresholdOverride.objects.exists()


def test_fit_needs_one_model_version(labelled: None, settings) -> None:
    """Thresholds belong to one model version: several need --model-version."""
    settings.DETECTOR_CALIBRATION_MIN_LABELS = 1
    ReviewerLabelFactory(detection__model_version="2", label="genuine")
    with pytest.raises(CommandError, match="several model versions"):
        run("--fit")


def test_write_asks_before_storing(labelled: None, settings, monkeypatch) -> None:
    """Without --yes, anything but 'y' writes nothing."""
    settings.DETECTOR_CALIBRATION_MIN_LABELS = 10
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert "Nothing written." in run("--write")
    assert not ThresholdOverride.objects.exists()


def score_one_chunk(peak: float) -> Detection:
    """Drive a detection of m 1 through the pipeline's services with one chunk."""
    detection = DetectionFactory(
        status=Detection.Status.PROCESSING, started_at=timezone.now()
    )
    request_id = str(detection.request_id)
    services.record_chunk_plan(request_id, 0, [ChunkSpan(0, 0, 64000)], [1.0], [-20.0])
    model = services.ScoringModel("m", "1", True, None)
    services.record_scores(request_id, 0, {0: peak}, model)
    done = services.complete_detection(request_id, 0)
    assert done is not None
    return done


def test_written_thresholds_decide_later_results_only(labelled: None, settings) -> None:
    """--fit --write --yes stores an override; later results use it, earlier keep theirs."""
    settings.DETECTOR_CALIBRATION_MIN_LABELS = 10
    before = score_one_chunk(0.62)
    assert before.overall_assessment == "likely_fake"

    output = run("--fit", "--write", "--yes", "--operator", "olga")

    assert "Proposed thresholds for m 1 from 10 labels" in output
    override = ThresholdOverride.objects.get()
    assert (override.model_name, override.model_version) == ("m", "1")
    assert (override.label_count, override.created_by) == (10, "olga")
    assert override.eer == pytest.approx(0.2)
    # likely fake at the EER point; fake above every genuine score (1 % of 5 is 0).
    assert override.likely_fake_threshold == pytest.approx(0.65)
    assert override.fake_threshold == pytest.approx(0.65)

    after = score_one_chunk(0.62)
    assert after.overall_assessment == "real"
    assert after.threshold_override == override
    assert after.verdict_policy["fake_threshold"] == override.fake_threshold
    assert DetectionSerializer(after).data["thresholds_source"] == "override"
    before.refresh_from_db()
    assert before.overall_assessment == "likely_fake"
    assert before.threshold_override is None
    assert before.verdict_policy["fake_threshold"] == 0.8


def test_retire_takes_a_fit_out_of_use_for_later_results() -> None:
    """--retire: later results use the newest fit still in use, then the model's own."""
    older = ThresholdOverrideFactory()
    newer = ThresholdOverrideFactory(likely_fake_threshold=0.6, fake_threshold=0.9)
    decided_by_newer = score_one_chunk(0.62)
    assert decided_by_newer.threshold_override == newer

    output = run("--retire", str(newer.pk), "--operator", "ana")

    assert f"Retired threshold override {newer.pk}" in output
    assert f"use threshold override {older.pk} of" in output
    newer.refresh_from_db()
    assert newer.retired_by == "ana"
    assert newer.retired_at is not None
    assert score_one_chunk(0.62).threshold_override == older

    assert "use the model's own thresholds" in run("--retire", str(older.pk))
    after = score_one_chunk(0.62)
    assert after.threshold_override is None
    assert after.verdict_policy["fake_threshold"] == 0.8
    decided_by_newer.refresh_from_db()
    assert decided_by_newer.threshold_override == newer


def test_retire_refuses_unknown_and_retired_overrides() -> None:
    """A wrong id or a second retirement is a sentence, and the first retirement stays."""
    with pytest.raises(CommandError, match="There is no threshold override 999"):
        run("--retire", "999")
    override = ThresholdOverrideFactory()
    run("--retire", str(override.pk), "--operator", "ana")
    with pytest.raises(CommandError, match="already retired by ana on"):
        run("--retire", str(override.pk), "--operator", "bob")
    override.refresh_from_db()
    assert override.retired_by == "ana"
