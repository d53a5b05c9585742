"""Every change to a detection's state: submission, the pipeline's steps, failure.

Each transition is a compare-and-set (a conditional UPDATE, or a row locked
and checked), so a duplicated or redelivered task finds nothing to do.
Events are published only after the write commits.
"""

import logging
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

from accounts.models import User
from config.celery import PREPARE_AUDIO_TASK
from config.celery import app as celery_app
from detector import batches
from detector import deletion
from detector.chunk_map import build_chunk_map
from detector.custody import WORKER
from detector.custody import record_event
from detector.events import publish
from detector.models import AudioFile
from detector.models import Batch
from detector.models import Chunk
from detector.models import Detection
from detector.reviews.thresholds import latest_override
from detector.storage import StoredRecording
from detector.storage import delete_recording
from detector.storage import save_recording
from detector.verdict import MIN_SPEECH_KEY
from detector.verdict import VerdictPolicy
from detector.verdict import applicable_policy
from detector.verdict import decide
from detector.webhooks.detections import emit_detection
from inference import chunk_store
from inference.chunking import ChunkSpan

logger = logging.getLogger(__name__)

Status = Detection.Status


class IncompleteScoresError(RuntimeError):
    """Finalization found chunks without a score."""


class AttemptsExhaustedError(RuntimeError):
    """The detection was claimed more often than allowed; the message is for the user."""


def policy_record(policy: VerdictPolicy, min_speech_seconds: float) -> dict[str, float]:
    """The policy as stored on a detection and read by the frontend."""
    return {**policy.as_dict(), MIN_SPEECH_KEY: min_speech_seconds}


def recorded_policy(record: Mapping[str, float]) -> tuple[VerdictPolicy, float]:
    """A detection's stored policy, or the settings' for what it lacks."""
    thresholds = {key: value for key, value in record.items() if key != MIN_SPEECH_KEY}
    policy = VerdictPolicy(**thresholds) if thresholds else applicable_policy(None)
    minimum = record.get(MIN_SPEECH_KEY, settings.DETECTOR_MIN_SPEECH_SECONDS)
    return policy, float(minimum)


# --- Submission


def submit_upload(
    user: User,
    upload: UploadedFile,
    content_type: str,
    *,
    retain_audio: bool = True,
    batch: Batch | None = None,
) -> Detection:
    """Store the upload under a new name, record it, and queue it once committed."""
    stored = save_recording(upload, content_type)
    audio_file = AudioFile(
        user=user,
        original_filename=(upload.name or "recording")[-255:],
        file_size_bytes=stored.size,
        storage_type=settings.DETECTOR_STORAGE,
        storage_path=stored.path,
        content_type=content_type,
        sha256=stored.sha256,
        retain_audio=retain_audio,
    )
    try:
        return _record_submission(audio_file, batch)
    except Exception:
        delete_recording(stored.path)
        raise


def submit_url(
    user: User, url: str, name: str, *, retain_audio: bool = True
) -> Detection:
    """Record an upload by link; its worker fetches the bytes (``detector.remote``)."""
    audio_file = AudioFile(
        user=user,
        original_filename=name[-255:],
        file_size_bytes=0,
        storage_type=settings.DETECTOR_STORAGE,
        storage_path="",
        content_type="",
        sha256="",
        source_url=url,
        retain_audio=retain_audio,
    )
    return _record_submission(audio_file, None)


def _record_submission(audio_file: AudioFile, batch: Batch | None) -> Detection:
    with transaction.atomic():
        audio_file.save()
        detection = Detection.objects.create(
            audio_file=audio_file,
            user=audio_file.user,
            batch=batch,
            source=_source_of(audio_file, batch),
        )
        record_event(
            detection,
            "uploaded",
            actor=audio_file.user,
            file_name=audio_file.original_filename,
            sha256=audio_file.sha256,
            source_url=audio_file.source_url,
        )
        transaction.on_commit(
            partial(
                enqueue_preparation, str(detection.request_id), detection.generation
            )
        )
    logger.info(
        "detection %s submitted by user %s", detection.request_id, audio_file.user_id
    )
    return detection


def attach_fetched_recording(
    request_id: str, generation: int, stored: StoredRecording, content_type: str
) -> Detection | None:
    """Record the bytes a worker fetched for an upload by link.

    Under the row lock, so a detection deleted or re-queued during the fetch
    keeps no bytes: they are removed here instead.
    """
    with transaction.atomic():
        detection = _locked(request_id, generation, Status.PROCESSING)
        if detection is not None:
            AudioFile.objects.filter(pk=detection.audio_file_id).update(
                storage_path=stored.path,
                sha256=stored.sha256,
                file_size_bytes=stored.size,
                content_type=content_type,
            )
    if detection is None:
        delete_recording(stored.path)
        return None
    return Detection.objects.select_related("audio_file").get(pk=detection.pk)


def enqueue_preparation(request_id: str, generation: int) -> bool:
    """Queue a run's first step; a broker outage leaves it to the sweeper."""
    try:
        # ignore_result: nobody waits on it, and subscribing to the result in
        # Redis would raise past this handler while Redis is down.
        celery_app.send_task(
            PREPARE_AUDIO_TASK, args=[request_id, generation], ignore_result=True
        )
    except (BrokerError, RedisError, OSError):
        logger.warning(
            "broker unreachable; %s stays pending for the sweeper", request_id
        )
        # No message exists to wait for: make the row due at the sweeper's next
        # pass, so it is queued within one sweep interval of the broker's return.
        Detection.objects.filter(
            request_id=request_id, generation=generation, status=Status.PENDING
        ).update(
            updated_at=timezone.now()
            - timedelta(seconds=settings.DETECTOR_PENDING_REQUEUE_SECONDS)
        )
        return False
    return True


# --- The pipeline's steps


def claim_for_processing(
    request_id: str, generation: int, task_id: str
) -> Detection | None:
    """Move pending -> processing for this task; None if there is nothing to do.

    The same task may claim again: a retry, or a redelivery after its worker
    died. Every claim counts an attempt; past the limit it raises, and the
    task's failure path fails the detection, so a file that crashes its
    worker cannot loop forever. A task of an older run claims nothing.
    """
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            Detection.objects.filter(request_id=request_id, generation=generation)
            .filter(
                Q(status=Status.PENDING) | Q(status=Status.PROCESSING, task_id=task_id)
            )
            .update(
                status=Status.PROCESSING,
                task_id=task_id,
                started_at=now,
                attempts=F("attempts") + 1,
                updated_at=now,
            )
        )
        if not claimed:
            return None
        detection = Detection.objects.select_related("audio_file").get(
            request_id=request_id
        )
        record_event(
            detection,
            "processing_started",
            actor=WORKER,
            run=generation,
            attempt=detection.attempts,
        )
    if detection.attempts > settings.DETECTOR_MAX_ATTEMPTS:
        raise AttemptsExhaustedError(
            f"Processing this recording stopped {detection.attempts - 1} times "
            "without finishing (the worker crashed or was lost); giving up."
        )
    return detection


def is_processing(request_id: str, generation: int) -> bool:
    """Whether this run still owns the detection: not finished, not re-queued."""
    return Detection.objects.filter(
        request_id=request_id, generation=generation, status=Status.PROCESSING
    ).exists()


def record_audio_facts(
    detection: Detection, *, duration_seconds: float, sample_rate: int, channels: int
) -> None:
    AudioFile.objects.filter(pk=detection.audio_file_id).update(
        duration_seconds=duration_seconds, sample_rate=sample_rate, channels=channels
    )


def record_chunk_plan(
    request_id: str,
    generation: int,
    spans: Iterable[ChunkSpan],
    speech_ratios: Iterable[float],
    levels_dbfs: Iterable[float],
) -> Detection | None:
    """Create the chunk rows (unscored) of a processing detection.

    None when the run no longer owns the detection; its chunks, stored just
    before, are then removed here, since no later task of the run will be.
    """
    with transaction.atomic():
        detection = _locked(request_id, generation, Status.PROCESSING)
        if detection is None:
            delete_run_keys(request_id, generation)
            return None
        chunks = [
            Chunk(
                detection=detection,
                index=span.index,
                start_seconds=span.start_seconds,
                end_seconds=span.end_seconds,
                speech_ratio=ratio,
                has_speech=ratio >= settings.DETECTOR_MIN_SPEECH_RATIO,
                level_dbfs=level,
                silent=level < settings.DETECTOR_SILENCE_DBFS,
            )
            for span, ratio, level in zip(
                spans, speech_ratios, levels_dbfs, strict=True
            )
        ]
        Chunk.objects.bulk_create(chunks, ignore_conflicts=True)
        detection.chunk_count = len(chunks)
        detection.save(update_fields=["chunk_count", "updated_at"])
    publish(detection, "detection.progress")
    return detection


@dataclass(frozen=True)
class ScoringModel:
    """What scored a batch: recorded on the detection with its scores."""

    name: str
    version: str
    trained: bool
    thresholds: VerdictPolicy | None  # the checkpoint's own, if it has any


def record_scores(
    request_id: str,
    generation: int,
    scores: Mapping[int, float],
    model: ScoringModel,
) -> Detection | None:
    """Store a batch's chunk scores; idempotent, so a rerun batch writes the same."""
    with transaction.atomic():
        detection = _locked(request_id, generation, Status.PROCESSING)
        if detection is None:
            return None
        chunks = list(detection.chunks.filter(index__in=list(scores)))
        for chunk in chunks:
            chunk.score = scores[chunk.index]
        Chunk.objects.bulk_update(chunks, ["score"])
        detection.model_name = model.name
        detection.model_version = model.version
        detection.model_trained = model.trained
        override = latest_override(model.name, model.version)
        detection.threshold_override = override
        policy = applicable_policy(
            model.thresholds, override.policy if override else None
        )
        detection.verdict_policy = policy_record(
            policy, settings.DETECTOR_MIN_SPEECH_SECONDS
        )
        detection.save(
            update_fields=[
                "model_name",
                "model_version",
                "model_trained",
                "verdict_policy",
                "threshold_override",
                "updated_at",
            ]
        )
    publish(detection, "detection.progress")
    return detection


def complete_detection(request_id: str, generation: int) -> Detection | None:
    """Assemble the chunk map and the verdict and move processing -> completed."""
    with transaction.atomic():
        detection = _locked(request_id, generation, Status.PROCESSING)
        if detection is None:
            # Finished, or re-queued as a new run: this run's chord has ended,
            # so nothing of it writes these keys any more.
            delete_run_keys(request_id, generation)
            return None
        chunk_map = build_chunk_map(detection.chunks.all())
        unscored = [name for name, chunk in chunk_map.items() if chunk["score"] is None]
        if unscored:
            raise IncompleteScoresError(
                f"{request_id}: {', '.join(unscored)} have no score"
            )
        policy, min_speech_seconds = recorded_policy(detection.verdict_policy)
        verdict = decide(chunk_map, policy, min_speech_seconds)
        now = timezone.now()
        detection.status = Status.COMPLETED
        detection.results = {
            "request_id": str(detection.request_id),
            "chunk_predictions": chunk_map,
            "error_message": "",
        }
        detection.overall_assessment = verdict.assessment
        detection.overall_confidence = verdict.confidence
        detection.inconclusive_reason = verdict.inconclusive_reason
        detection.verdict_policy = policy_record(policy, min_speech_seconds)
        detection.completed_at = now
        detection.processing_duration_ms = _elapsed_ms(detection, now)
        detection.save()
        record_event(
            detection,
            "completed",
            actor=WORKER,
            verdict=verdict.assessment,
            confidence=verdict.confidence,
        )
        # In the same transaction: the deliveries exist exactly when the result does.
        emit_detection(detection, "detection.completed")
        _after_final(detection)
    delete_run_keys(request_id, generation)
    publish(detection, "detection.completed")
    logger.info(
        "detection %s completed: %s %s",
        request_id,
        verdict.assessment,
        verdict.inconclusive_reason,
    )
    return detection


def fail_detection(
    request_id: str,
    message: str,
    generation: int | None = None,
    actor: User | None = None,
) -> Detection | None:
    """Mark an unfinished detection failed with a reason, and drop its Redis keys.

    A task fails its own run only (``generation``); an operator, whatever run
    is current (None).
    """
    with transaction.atomic():
        detection = _locked(request_id, generation, Status.PENDING, Status.PROCESSING)
        if detection is not None:
            now = timezone.now()
            detection.status = Status.FAILED
            detection.error_message = message
            detection.results = {
                "request_id": str(detection.request_id),
                "chunk_predictions": {},
                "error_message": message,
            }
            detection.completed_at = now
            detection.processing_duration_ms = _elapsed_ms(detection, now)
            detection.save()
            record_event(
                detection,
                "failed",
                actor=WORKER if generation is not None else actor,
                message=message,
            )
            emit_detection(detection, "detection.failed")
            _after_final(detection)
    if detection is not None:
        delete_run_keys(request_id, detection.generation)
        publish(detection, "detection.failed")
        logger.warning("detection %s failed: %s", request_id, message)
    elif generation is not None:
        delete_run_keys(request_id, generation)
    return detection


def requeue_detection(detection: Detection, actor: User | None = None) -> bool:
    """Start a failed or stuck detection over as a new run (an operator's action)."""
    request_id = str(detection.request_id)
    with transaction.atomic():
        current = _locked(request_id, None, Status.FAILED, Status.PROCESSING)
        if current is None:
            return False
        old_generation = current.generation
        current.status = Status.PENDING
        current.generation = old_generation + 1
        current.attempts = 0
        current.task_id = ""
        current.error_message = ""
        current.results = {}
        current.started_at = None
        current.completed_at = None
        current.processing_duration_ms = None
        current.save()
        Chunk.objects.filter(detection=current).delete()
        record_event(current, "requeued", actor=actor, run=current.generation)
        transaction.on_commit(
            partial(enqueue_preparation, request_id, current.generation)
        )
    delete_run_keys(request_id, old_generation)
    return True


# --- Helpers


def _source_of(audio_file: AudioFile, batch: Batch | None) -> str:
    if batch is not None:
        return Detection.Source.BATCH
    return Detection.Source.URL if audio_file.source_url else Detection.Source.UPLOAD


def _after_final(detection: Detection) -> None:
    """Once the final state commits: drop bytes the upload asked not to keep, end its batch.

    Robust: neither may undo the committed result; the hourly retention task
    deletes unretained bytes that a storage outage kept, and the sweeper
    completes a batch whose completion was lost.
    """
    transaction.on_commit(
        partial(
            deletion.discard_audio,
            AudioFile.objects.filter(pk=detection.audio_file_id, retain_audio=False),
        ),
        robust=True,
    )
    if detection.batch_id is not None:
        transaction.on_commit(
            partial(batches.member_finished, detection.batch_id), robust=True
        )


def _locked(
    request_id: str, generation: int | None, *statuses: str
) -> Detection | None:
    """The detection, row-locked, if it is in one of ``statuses`` (and that run)."""
    rows = Detection.objects.select_for_update().filter(
        request_id=request_id, status__in=statuses
    )
    if generation is not None:
        rows = rows.filter(generation=generation)
    return rows.first()


def _elapsed_ms(detection: Detection, now: datetime) -> int | None:
    if detection.started_at is None:
        return None
    return int((now - detection.started_at).total_seconds() * 1000)


def delete_run_keys(request_id: str, generation: int) -> None:
    """Drop a run's chunks and counters; a Redis outage leaves them to their TTL."""
    try:
        chunk_store.delete_run_keys(request_id, generation)
    except RedisError:
        # The keys carry a TTL, so they expire even if this cleanup cannot run.
        logger.warning("could not delete Redis keys of %s", request_id, exc_info=True)
