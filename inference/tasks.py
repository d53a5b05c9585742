"""The detection pipeline: prepare_audio -> chord(score_chunks...) -> finalize_detection.

Tasks carry only the request id, the run (``Detection.generation``) and chunk
indices, and are idempotent: every state change is a compare-and-set on the
detection *and* the run in ``detector.services``, so the tasks of a run that
was re-queued or restarted change nothing. Any failure ends in
``DetectionTask.on_failure``, the single failure path.
"""

import logging
import random
from collections.abc import Mapping
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from celery import Task
from celery import chord
from celery import shared_task
from celery.exceptions import Reject
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import OperationalError as DatabaseError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from config.celery import FINALIZE_DETECTION_TASK
from config.celery import PREPARE_AUDIO_TASK
from config.celery import SCORE_CHUNKS_TASK
from detector import recovery
from detector import services
from detector.deletion import AudioDeletedError
from detector.models import Detection
from detector.remote import AudioFetchError
from detector.remote import fetch_recording
from detector.storage import local_copy
from inference import chunk_store
from inference import claims
from inference import metrics
from inference.audio import AudioDecodeError
from inference.chunking import AudioTooShortError
from inference.exceptions import ModelConfigurationError
from inference.preparation import ChunkPreparation

logger = logging.getLogger(__name__)

# Worth a retry with backoff: the service will most likely be back shortly.
TRANSIENT_ERRORS = (RedisConnectionError, RedisTimeoutError, DatabaseError)
# The delay comes from DetectionTask.retry (backoff_seconds), not Celery's backoff.
RETRY_OPTIONS: dict[str, Any] = {
    "autoretry_for": TRANSIENT_ERRORS,
    "max_retries": settings.DETECTOR_TASK_MAX_RETRIES,
}
INTERNAL_ERROR = (
    "An internal error stopped the processing of this recording; "
    "operators can find the details in the worker log."
)


class WorkerCrashLoopError(RuntimeError):
    """A scoring batch keeps killing its worker."""


class StreamLostError(RuntimeError):
    """A live stream's web process was lost before it stored the audio."""


# A plain message argument: Celery pickles a task's exception to record it.
STREAM_LOST = "The live stream was interrupted before its audio could be stored."


# Their messages are written for the person who uploaded the recording.
USER_FACING_ERRORS = (
    AudioDecodeError,
    AudioTooShortError,
    AudioFetchError,
    AudioDeletedError,
    WorkerCrashLoopError,
    StreamLostError,
    services.AttemptsExhaustedError,
    ModelConfigurationError,
)


def failure_message(error: BaseException) -> str:
    """What the user reads when the pipeline gives up on their recording."""
    if isinstance(error, USER_FACING_ERRORS):
        return str(error)
    if isinstance(error, SoftTimeLimitExceeded):
        return (
            f"Processing took longer than the {settings.CELERY_TASK_SOFT_TIME_LIMIT}-second "
            "limit and was stopped."
        )
    if isinstance(error, chunk_store.ChunksMissingError):
        return (
            "The audio chunks expired before they could be scored; please upload again."
        )
    return INTERNAL_ERROR


def backoff_seconds(retries: int) -> float:
    """How long to wait before retry number ``retries + 1``.

    Doubling from DETECTOR_RETRY_DELAY_SECONDS up to the cap, with "equal
    jitter" (half the delay plus a random part of the other half): Celery's
    full jitter may pick 0 s every time and burn all retries in a moment,
    while this keeps at least half of every delay and still spreads out the
    workers an outage hit together.
    """
    delay = min(
        settings.DETECTOR_RETRY_MAX_DELAY_SECONDS,
        settings.DETECTOR_RETRY_DELAY_SECONDS * 2**retries,
    )
    return delay / 2 + random.uniform(0, delay / 2)  # noqa: S311 - jitter, not a secret


def run_of(args: Sequence[Any], kwargs: Mapping[str, Any]) -> tuple[str, int]:
    """The request id and run a pipeline task's arguments name."""
    named = dict(zip(("request_id", "generation"), args, strict=False)) | dict(kwargs)
    return str(named["request_id"]), int(named["generation"])


class DetectionTask(Task):
    """Base of the pipeline tasks: a failure fails the detection and cleans up.

    Giving up on an outage (retries spent, or no broker to send the retry to)
    is not the recording's fault: the run is handed back to be restarted
    once the services are back, instead of failing the detection.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # A claim while it runs: if this worker process is killed, the sweeper
        # restarts the run at once instead of after the stall rule.
        with claims.held(*run_of(args, kwargs), self.request.id):
            return super().__call__(*args, **kwargs)

    def retry(
        self,
        args: tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
        exc: Exception | None = None,
        throw: bool = True,  # noqa: FBT001, FBT002 - Celery's signature
        eta: datetime | None = None,
        countdown: float | None = None,
        max_retries: int | None = None,
        **options: Any,
    ) -> Any:
        if eta is None and countdown is None:
            countdown = backoff_seconds(self.request.retries)
        try:
            return super().retry(
                args, kwargs, exc, throw, eta, countdown, max_retries, **options
            )
        except Reject:
            # The retry could not be published, and Celery drops the message
            # without calling on_failure.
            request = self.request
            recovery.hand_back(*run_of(request.args or (), request.kwargs or {}))
            raise

    def on_failure(
        self,
        exc: BaseException,
        task_id: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        einfo: Any,
    ) -> None:
        request_id, generation = run_of(args, kwargs)
        if isinstance(exc, TRANSIENT_ERRORS):
            logger.warning(
                "task %s gave up on %s after %s retries: %s",
                self.name,
                request_id,
                self.request.retries,
                exc,
            )
            recovery.hand_back(request_id, generation)
            return
        if failure_message(exc) == INTERNAL_ERROR:
            logger.error("task %s failed for %s", self.name, request_id, exc_info=exc)
        if services.fail_detection(request_id, failure_message(exc), generation):
            metrics.record_failed()


@shared_task(
    name=PREPARE_AUDIO_TASK,
    bind=True,
    base=DetectionTask,
    # The uploader's mistake, not ours: Celery logs it at INFO, without a traceback.
    throws=(AudioDecodeError, AudioTooShortError, AudioFetchError, AudioDeletedError),
    **RETRY_OPTIONS,
)
def prepare_audio(self: Task, request_id: str, generation: int) -> None:
    """Decode the upload, store its chunks in Redis and fan out the scoring."""
    detection = services.claim_for_processing(
        request_id, generation, str(self.request.id)
    )
    if detection is None:  # another task or run has it, it is finished, or gone
        return
    if detection.audio_file.audio_deleted_at is not None:
        raise AudioDeletedError
    if not detection.audio_file.storage_path:
        if detection.source == detection.Source.STREAM:
            raise StreamLostError(STREAM_LOST)  # its web process died
        detection = fetch_recording(detection)  # an upload by link, not fetched yet
        if detection is None:  # deleted or re-queued during the fetch
            return
    count = store_recording_chunks(detection)
    if count is None:  # re-queued or failed while decoding
        return
    batch = settings.DETECTOR_BATCH_SIZE
    batches = [
        list(range(start, min(start + batch, count)))
        for start in range(0, count, batch)
    ]
    chord(score_chunks.s(request_id, generation, indices) for indices in batches)(
        finalize_detection.si(request_id, generation)
    )


def store_recording_chunks(detection: Detection) -> int | None:
    """Decode the stored recording into gated chunks in Redis and their rows; how many.

    None when the run no longer owns the detection.
    """
    request_id, generation = str(detection.request_id), detection.generation
    with local_copy(detection.audio_file.storage_path) as path:
        preparation = ChunkPreparation(path)
        try:
            preparation.store(request_id, generation)
        finally:
            if preparation.decoded:  # also for a recording too short to score
                services.record_audio_facts(
                    detection,
                    duration_seconds=preparation.duration_seconds,
                    sample_rate=preparation.source_sample_rate,
                    channels=preparation.source_channels,
                )
    planned = services.record_chunk_plan(
        request_id,
        generation,
        preparation.spans,
        preparation.ratios,
        preparation.levels,
    )
    return None if planned is None else len(preparation.spans)


@shared_task(name=SCORE_CHUNKS_TASK, bind=True, base=DetectionTask, **RETRY_OPTIONS)
def score_chunks(
    self: Task, request_id: str, generation: int, indices: list[int]
) -> None:
    """Score one batch of chunks with the detector and record the scores."""
    if not services.is_processing(request_id, generation):  # finished or re-queued
        return
    # Retries restart the count on purpose; only redeliveries after a crash add up.
    starts = (
        chunk_store.count_attempt(request_id, generation, indices[0])
        - self.request.retries
    )
    if starts > settings.DETECTOR_MAX_ATTEMPTS:
        raise WorkerCrashLoopError(
            f"Scoring chunks {indices[0]}-{indices[-1]} stopped the worker {starts - 1} "
            "times; giving up on this recording."
        )
    from inference.scoring import score_batch  # transformers stays out of preprocessing

    try:
        scores = score_batch(request_id, generation, indices)
    except chunk_store.ChunksMissingError:
        if not services.is_processing(request_id, generation):
            return  # re-queued while scoring: the old run's chunks went with it
        raise
    services.record_scores(
        request_id, generation, dict(zip(indices, scores, strict=True)), scoring_model()
    )


def scoring_model() -> services.ScoringModel:
    """The process's detector, as recorded with the scores it gives."""
    from inference.model import get_detector

    detector = get_detector()
    identity = detector.identity
    return services.ScoringModel(
        identity.name, identity.version, identity.trained, detector.thresholds
    )


@shared_task(
    name=FINALIZE_DETECTION_TASK, bind=True, base=DetectionTask, **RETRY_OPTIONS
)
def finalize_detection(self: Task, request_id: str, generation: int) -> None:
    """Merge the chunk scores into the chunk map and the verdict."""
    complete_and_count(request_id, generation)


def complete_and_count(request_id: str, generation: int) -> Detection | None:
    """Complete the run's detection and count it in the worker's metrics."""
    with metrics.stage_timer("aggregation"):
        detection = services.complete_detection(request_id, generation)
    if detection is not None and detection.completed_at is not None:
        since_upload = detection.completed_at - detection.submitted_at
        metrics.record_completed(
            detection.overall_assessment, since_upload.total_seconds()
        )
    return detection
