"""Live streams on the ``stream`` queue: a window's score, then the stream's end as an upload.

A window is scored and sent straight to the stream's socket; nothing is
written to PostgreSQL until the end. ``finish_stream`` treats the stored WAV
exactly like an upload (decode, chunks, speech gate, scores, verdict), so a
stream and an upload of the same audio agree; it scores only the chunks that
no window already scored sample for sample.
"""

import logging
from typing import Any

from celery import Task
from celery import shared_task
from django.conf import settings

from config.celery import FINISH_STREAM_TASK
from config.celery import SCORE_STREAM_WINDOW_TASK
from detector import services
from detector.models import Detection
from detector.streaming import replies
from detector.streaming.protocol import WindowMessage
from inference import chunk_store
from inference import stream_store
from inference.tasks import RETRY_OPTIONS
from inference.tasks import DetectionTask
from inference.tasks import complete_and_count
from inference.tasks import scoring_model
from inference.tasks import store_recording_chunks

logger = logging.getLogger(__name__)

FINAL = {Detection.Status.COMPLETED, Detection.Status.FAILED}


@shared_task(name=SCORE_STREAM_WINDOW_TASK, ignore_result=True)
def score_stream_window(
    request_id: str, reply_to: str, window: dict[str, Any], audio: dict[str, int]
) -> None:
    """Score one window of a live stream and send it to the stream's socket."""
    raw = stream_store.take_window(request_id, window["end_frame"])
    if raw is None:  # expired in the queue: the stream has moved on
        return
    # Imported here so that numpy and torch load in the workers only.
    from inference.streaming import score_window
    from inference.streaming import to_model_pcm

    pcm = to_model_pcm(raw, audio["sample_rate"], audio["channels"])
    scored = score_window(pcm)
    stream_store.remember_score(request_id, pcm, scored.score)
    replies.send_window(
        reply_to,
        window["end_frame"],
        WindowMessage(
            type="window",
            start=window["start"],
            end=window["end"],
            score=scored.score,
            speech=scored.speech_ratio >= settings.DETECTOR_MIN_SPEECH_RATIO,
            speech_ratio=scored.speech_ratio,
            provisional=window["provisional"],
        ),
    )


class StreamEndTask(DetectionTask):
    """The pipeline's failure path, then the outcome to the stream's socket."""

    def on_failure(
        self,
        exc: BaseException,
        task_id: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        einfo: Any,
    ) -> None:
        super().on_failure(exc, task_id, args, kwargs, einfo)
        _reply_outcome(args[0], args[2])


@shared_task(name=FINISH_STREAM_TASK, bind=True, base=StreamEndTask, **RETRY_OPTIONS)
def finish_stream(self: Task, request_id: str, generation: int, reply_to: str) -> None:
    """Score the stored stream as an upload, complete its detection, and send ``final``."""
    detection = (
        Detection.objects.select_related("audio_file")
        .filter(request_id=request_id, generation=generation)
        .first()
    )
    if detection is None:  # deleted meanwhile
        return
    if detection.status == Detection.Status.PROCESSING:
        _score_as_upload(detection)
    _reply_outcome(request_id, reply_to)


def _reply_outcome(request_id: str, reply_to: str) -> None:
    """Send the stream's final state to its socket, if it has one."""
    detection = Detection.objects.filter(request_id=request_id).first()
    # A run handed back after an outage finishes later, as an upload: the
    # socket then times out and the client reads the status endpoint.
    if detection is not None and detection.status in FINAL:
        replies.send_outcome(reply_to, detection)


def _score_as_upload(detection: Detection) -> None:
    from inference.scoring import score_pieces

    request_id, generation = str(detection.request_id), detection.generation
    count = store_recording_chunks(detection)
    if count is None:  # deleted or failed meanwhile
        return
    pieces = chunk_store.get_chunks(request_id, generation, range(count))
    known = stream_store.remembered_scores(request_id)
    scores = {
        index: known[digest]
        for index, piece in enumerate(pieces)
        if (digest := stream_store.pcm_digest(piece)) in known
    }
    missing = [index for index in range(len(pieces)) if index not in scores]
    if missing:
        fresh = score_pieces([pieces[index] for index in missing])
        scores.update(zip(missing, fresh, strict=True))
    logger.info(
        "stream %s ended: %s chunks, %s scored by its windows",
        request_id,
        len(pieces),
        len(pieces) - len(missing),
    )
    services.record_scores(request_id, generation, scores, scoring_model())
    complete_and_count(request_id, generation)
    stream_store.forget(request_id)
