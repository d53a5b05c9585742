"""A live stream's detection: opened at ``start``, given its recording at the end, or failed."""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from detector import services
from detector.custody import record_event
from detector.models import AudioFile
from detector.models import Detection
from detector.storage import StoredRecording
from detector.storage import delete_recording
from detector.streaming.protocol import Start

logger = logging.getLogger(__name__)

WAV = "audio/wav"
NOTHING_SCORED = "The live stream ended before any audio was scored."

Status = Detection.Status


def open_stream(user: User, start: Start) -> Detection:
    """Record a starting stream: processing from now, its bytes stored when it ends."""
    now = timezone.now()
    with transaction.atomic():
        audio_file = AudioFile.objects.create(
            user=user,
            original_filename=start.label,
            file_size_bytes=0,
            storage_type=settings.DETECTOR_STORAGE,
            storage_path="",
            content_type=WAV,
            sha256="",
            sample_rate=start.format.sample_rate,
            channels=start.format.channels,
        )
        # Claimed by the stream itself: no task may start it as an upload.
        detection = Detection.objects.create(
            audio_file=audio_file,
            user=user,
            source=Detection.Source.STREAM,
            status=Status.PROCESSING,
            started_at=now,
            attempts=1,
        )
        record_event(detection, "uploaded", actor=user, file_name=start.label)
    logger.info("stream %s opened by user %s", detection.request_id, user.pk)
    return detection


def keep_alive(request_id: str) -> None:
    """Show the sweeper that a long stream is alive, so it is not restarted as stalled."""
    Detection.objects.filter(request_id=request_id, status=Status.PROCESSING).update(
        updated_at=timezone.now()
    )


def attach_recording(request_id: str, stored: StoredRecording) -> bool:
    """Record the stream's stored WAV; False (and the bytes removed) if it was deleted meanwhile."""
    with transaction.atomic():
        detection = (
            Detection.objects.select_for_update()
            .filter(request_id=request_id, status=Status.PROCESSING)
            .first()
        )
        if detection is not None:
            AudioFile.objects.filter(pk=detection.audio_file_id).update(
                storage_path=stored.path,
                sha256=stored.sha256,
                file_size_bytes=stored.size,
            )
    if detection is None:
        delete_recording(stored.path)
        return False
    return True


def fail_unscored(request_id: str, generation: int) -> None:
    """End a stream that dropped before any window was scored."""
    services.fail_detection(request_id, NOTHING_SCORED, generation)
