"""Uploaded recordings, their detections, and the per-chunk scores."""

import uuid

from django.conf import settings
from django.db import models

from detector.verdict import MIN_SPEECH_KEY
from detector.verdict import reason_message


class AudioFile(models.Model):
    """An uploaded recording, stored under a server-generated name."""

    class StorageType(models.TextChoices):
        LOCAL = "local", "Local disk"
        S3 = "s3", "S3"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="audio_files"
    )
    original_filename = models.CharField(max_length=255)  # display only, never a path
    file_size_bytes = models.BigIntegerField()
    storage_type = models.CharField(max_length=8, choices=StorageType.choices)
    storage_path = models.CharField(max_length=512)
    content_type = models.CharField(max_length=64)  # sniffed from the bytes
    sha256 = models.CharField(max_length=64, db_index=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    sample_rate = models.PositiveIntegerField(null=True, blank=True)
    channels = models.PositiveSmallIntegerField(null=True, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # An upload by link: storage_path stays "" until the worker has fetched it.
    source_url = models.CharField(max_length=2048, blank=True)
    # False: the bytes are deleted as soon as scoring ends (result and sha256 stay).
    retain_audio = models.BooleanField(default=True)
    # When the bytes left storage (retain_audio=false or retention); null while kept.
    audio_deleted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.original_filename


class Batch(models.Model):
    """Recordings submitted together; complete once every member is final."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="batches"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set once, by the conditional update that also emits batch.completed.
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "batches"

    def __str__(self) -> str:
        return f"batch {self.id}"


class Detection(models.Model):
    """One scoring of one recording: the seed's DetectionHistory.

    State machine: pending -> processing -> completed | failed. Every move is a
    conditional UPDATE in ``detector.services``, so a duplicated task that
    finds the row already moved changes nothing. The sweeper moves a stalled
    ``processing`` row back to ``pending`` as a new run (``generation``); each
    claim counts an attempt, and past ``DETECTOR_MAX_ATTEMPTS`` the detection
    fails instead.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PROCESSING = "processing", "Processing"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"

    class Assessment(models.TextChoices):
        REAL = "real", "Real"
        LIKELY_FAKE = "likely_fake", "Likely fake"
        FAKE = "fake", "Fake"
        INCONCLUSIVE = "inconclusive", "Inconclusive"

    class InconclusiveReason(models.TextChoices):
        # The values of detector.verdict's reasons.
        NO_SPEECH = "no_speech", "No speech (silence)"
        NOT_SPEECH_LIKE = "not_speech_like", "Not speech-like (music, tones, noise)"
        TOO_SHORT = "too_short", "Too little speech"

    class Source(models.TextChoices):
        UPLOAD = "upload", "Upload"
        URL = "url", "Upload by link"
        BATCH = "batch", "Batch"
        STREAM = "stream", "Live stream"

    request_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    audio_file = models.ForeignKey(
        AudioFile, on_delete=models.CASCADE, related_name="detections"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="detections"
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every write, so the sweeper can tell a stalled detection.
    updated_at = models.DateTimeField(auto_now=True)
    results = models.JSONField(default=dict, blank=True)
    overall_assessment = models.CharField(
        max_length=16, choices=Assessment.choices, blank=True
    )
    overall_confidence = models.FloatField(null=True, blank=True)
    # Why an inconclusive verdict is one; blank for every other verdict.
    inconclusive_reason = models.CharField(
        max_length=16, choices=InconclusiveReason.choices, blank=True
    )
    verdict_policy = models.JSONField(default=dict, blank=True)
    error_message = models.TextField(blank=True)
    processing_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    model_name = models.CharField(max_length=255, blank=True)
    model_version = models.CharField(max_length=128, blank=True)
    model_trained = models.BooleanField(null=True, blank=True)
    chunk_count = models.PositiveIntegerField(null=True, blank=True)
    # Claims so far; a message that keeps crashing its worker stops at the limit.
    attempts = models.PositiveSmallIntegerField(default=0)
    # The Celery task that holds the claim; its retries and redeliveries may resume it.
    task_id = models.CharField(max_length=64, blank=True)
    # Which run owns the detection: every re-queue or restart starts a new one.
    # Tasks and chunk keys carry it, so an old run's late tasks change nothing.
    generation = models.PositiveIntegerField(default=0)
    # How the audio arrived. A live stream's recording is stored when it ends.
    source = models.CharField(
        max_length=8, choices=Source.choices, default=Source.UPLOAD
    )
    batch = models.ForeignKey(
        Batch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="detections",
    )
    # Thresholds recalibrated from reviewers' labels that decided this verdict;
    # null when the model's own did. Protected: a result keeps its provenance.
    threshold_override = models.ForeignKey(
        "detector.ThresholdOverride",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="detections",
    )

    class Meta:
        # user and request_id are indexed by their foreign key and unique constraint.
        indexes = [
            # The sweeper and the admin filter scan rows by status.
            models.Index(fields=["status"], name="detection_status_idx"),
            # History: one user's detections, newest first.
            models.Index(
                fields=["user", "-submitted_at"], name="detection_user_submitted_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} ({self.status})"

    @property
    def inconclusive_message(self) -> str:
        """Why the verdict is inconclusive, for the user; "" for other verdicts."""
        minimum = self.verdict_policy.get(
            MIN_SPEECH_KEY, settings.DETECTOR_MIN_SPEECH_SECONDS
        )
        return reason_message(self.inconclusive_reason, float(minimum))

    @property
    def thresholds_source(self) -> str:
        """Whose thresholds decided the verdict: the model's, or a label-fitted override."""
        return "override" if self.threshold_override_id else "model"


class Chunk(models.Model):
    """A 4-second stretch of a detection's audio and its score once scored.

    Rows are written once per chunk (scores by an idempotent update), so
    parallel scoring batches never race on the detection's JSON map; the
    map in ``Detection.results`` is assembled from them when it completes.
    """

    detection = models.ForeignKey(
        Detection, on_delete=models.CASCADE, related_name="chunks"
    )
    index = models.PositiveIntegerField()
    start_seconds = models.FloatField()
    end_seconds = models.FloatField()
    speech_ratio = models.FloatField()
    has_speech = models.BooleanField()
    # RMS level; null for chunks planned before levels were measured.
    level_dbfs = models.FloatField(null=True, blank=True)
    silent = models.BooleanField(default=False)  # level below DETECTOR_SILENCE_DBFS
    score = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ("detection", "index")
        constraints = [
            models.UniqueConstraint(
                fields=["detection", "index"], name="chunk_detection_index_unique"
            )
        ]

    def __str__(self) -> str:
        return f"chunk_{self.index} of {self.detection.request_id}"


# Models kept in their own modules (webhooks, the custody log, reviewer labels);
# importing them here registers them with the detector app. Last, because
# those modules import this one.
from detector.custody import DetectionEvent as DetectionEvent  # noqa: E402
from detector.reviews.models import ReviewerLabel as ReviewerLabel  # noqa: E402
from detector.reviews.models import ThresholdOverride as ThresholdOverride  # noqa: E402
from detector.webhooks.models import WebhookAttempt as WebhookAttempt  # noqa: E402
from detector.webhooks.models import WebhookDelivery as WebhookDelivery  # noqa: E402
from detector.webhooks.models import WebhookEndpoint as WebhookEndpoint  # noqa: E402
