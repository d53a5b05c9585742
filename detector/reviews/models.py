"""Reviewers' labels on detections, and the thresholds recalibrated from them."""

from django.conf import settings
from django.db import models

from detector.verdict import VerdictPolicy


class ReviewerLabel(models.Model):
    """A person's judgement of a completed detection, beside the model's.

    Append-only: changing one's mind adds a row, so the history stays; the
    newest row is the current label. The model's output is never touched.
    """

    class Label(models.TextChoices):
        GENUINE = "genuine", "Genuine"
        SYNTHETIC = "synthetic", "Synthetic"
        UNSURE = "unsure", "Unsure"

    detection = models.ForeignKey(
        "detector.Detection", on_delete=models.CASCADE, related_name="labels"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="labels"
    )
    label = models.CharField(max_length=16, choices=Label.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Newest first: the first row is the current label (history and prefetch).
        ordering = ("-created_at", "-id")
        indexes = [
            # The current label of a detection (history filters' subquery).
            models.Index(
                fields=["detection", "-created_at"], name="label_detection_latest_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} by {self.reviewer} on {self.detection.request_id}"


class ThresholdOverride(models.Model):
    """Verdict thresholds for one model version, fitted on reviewers' labels.

    A new fit adds a row, and the newest row of a model name and version
    that is not retired is the one later detections of that version are
    decided with (``detector.reviews.thresholds``). A row is never edited
    except to retire it; detections keep the row they used.
    """

    model_name = models.CharField(max_length=255)
    model_version = models.CharField(max_length=128)
    likely_fake_threshold = models.FloatField()
    fake_threshold = models.FloatField()
    label_count = models.PositiveIntegerField()  # genuine + synthetic labels fitted on
    eer = models.FloatField()  # on those labels, with the model's own scores
    # The operator who confirmed the fit (calibration_report --operator, or the OS user).
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set once, when an operator takes the fit out of use (calibration_report
    # --retire or the admin); results scored before keep it.
    retired_at = models.DateTimeField(null=True, blank=True)
    retired_by = models.CharField(max_length=150, blank=True)

    class Meta:
        indexes = [
            # The newest override of a model version, looked up per scored batch.
            models.Index(
                fields=["model_name", "model_version", "-created_at"],
                name="override_model_latest_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model_name} {self.model_version} ({self.created_at:%Y-%m-%d})"

    @property
    def policy(self) -> VerdictPolicy:
        return VerdictPolicy(
            likely_fake_threshold=self.likely_fake_threshold,
            fake_threshold=self.fake_threshold,
        )
