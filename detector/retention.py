"""Retention: recordings and results older than the configured days are deleted hourly."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from detector import deletion
from detector.models import AudioFile
from detector.models import Batch
from detector.models import Detection


@dataclass(frozen=True)
class RetentionReport:
    detections_deleted: int
    recordings_deleted: int
    unretained_deleted: int


def apply_retention() -> RetentionReport:
    """Apply DETECTOR_RETAIN_RESULTS_DAYS and DETECTOR_RETAIN_AUDIO_DAYS (0: keep forever).

    Also deletes the bytes of ``retain_audio=false`` uploads that outlived
    their scoring: the deletion at the end of scoring failed (storage down).
    """
    now = timezone.now()
    detections_deleted = recordings_deleted = 0
    if days := settings.DETECTOR_RETAIN_RESULTS_DAYS:
        cutoff = now - timedelta(days=days)
        detections_deleted = deletion.delete_old_results(
            Detection.objects.filter(submitted_at__lt=cutoff)
        )
        Batch.objects.filter(created_at__lt=cutoff, detections__isnull=True).delete()
    if days := settings.DETECTOR_RETAIN_AUDIO_DAYS:
        recordings_deleted = deletion.discard_audio(
            AudioFile.objects.filter(uploaded_at__lt=now - timedelta(days=days))
        )
    unretained_deleted = deletion.discard_audio(
        AudioFile.objects.filter(retain_audio=False)
    )
    return RetentionReport(detections_deleted, recordings_deleted, unretained_deleted)
