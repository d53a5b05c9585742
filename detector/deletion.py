"""Deleting what users uploaded: a detection, an account's everything, or only the bytes.

Rows are locked before anything goes, detections before their recordings,
so a detection being processed stops cleanly: the tasks of its run find no
row (they change nothing and remove the keys they wrote) and a late finalize
writes nothing. The bytes are removed inside the transaction, so a failure
leaves the rows, never bytes that nothing refers to.
"""

import logging
import uuid
from collections.abc import Collection
from functools import partial

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from redis.exceptions import RedisError

from accounts.models import User
from accounts.socket_sessions import close_group_sockets
from detector import batches
from detector.events import detections_group
from detector.models import AudioFile
from detector.models import Detection
from detector.storage import delete_recording
from inference import chunk_store
from inference import stream_store

logger = logging.getLogger(__name__)

ACTIVE_STATUSES = batches.ACTIVE_STATUSES
FINAL_STATUSES = (Detection.Status.COMPLETED, Detection.Status.FAILED)
# Retention works through this many rows per query, then asks for more.
PASS_SIZE = 500


class AudioDeletedError(ValueError):
    """A detection whose recording was deleted cannot be processed again."""

    def __init__(self) -> None:
        super().__init__(
            "The recording was deleted after its first scoring, so it cannot be "
            "processed again; upload it again."
        )


def delete_detection(owner: User, request_id: uuid.UUID) -> bool:
    """Remove one of the owner's detections with its recording; False if it has none such."""
    with transaction.atomic():
        detection = (
            Detection.objects.select_for_update()
            .filter(user=owner, request_id=request_id)
            .first()
        )
        if detection is None:
            return False
        _delete_locked(detection)
    logger.info("detection %s deleted by its owner", request_id)
    return True


def delete_account(user: User) -> None:
    """Remove the user and everything the account owns, recordings' bytes included.

    Its tokens stop working with it (they name a user that no longer
    exists); its open sockets are asked to close.
    """
    user_id = user.pk
    with transaction.atomic():
        request_ids = [
            str(request_id)
            for request_id in Detection.objects.select_for_update()
            .filter(user=user)
            .values_list("request_id", flat=True)
        ]
        for path in (
            AudioFile.objects.select_for_update()
            .filter(user=user)
            .values_list("storage_path", flat=True)
        ):
            delete_recording(path)
        user.delete()
        transaction.on_commit(partial(_forget_keys, request_ids))
    close_group_sockets(detections_group(user_id))
    logger.info("account %s deleted with %s detections", user_id, len(request_ids))


def delete_old_results(detections: QuerySet[Detection]) -> int:
    """Delete these detections where final (results, chunk rows, recordings); return how many."""
    candidates = detections.filter(status__in=FINAL_STATUSES).values_list(
        "pk", flat=True
    )
    deleted = 0
    while batch := list(candidates[:PASS_SIZE]):
        progress = sum(_delete_if_final(pk) for pk in batch)
        deleted += progress
        if not progress:  # each left was re-queued meanwhile
            break
    return deleted


def _delete_if_final(pk: int) -> bool:
    with transaction.atomic():
        detection = (
            Detection.objects.select_for_update()
            .filter(pk=pk, status__in=FINAL_STATUSES)
            .first()
        )
        if detection is None:
            return False
        _delete_locked(detection)
    return True


def discard_audio(audio_files: QuerySet[AudioFile]) -> int:
    """Delete the stored bytes of these recordings, keeping their rows; return how many.

    The result and the sha256 stay; ``audio_deleted_at`` says the bytes are
    gone. A recording whose detection is still running keeps its bytes.
    """
    discarded = 0
    candidates = (
        audio_files.filter(audio_deleted_at__isnull=True)
        .exclude(storage_path="")
        .exclude(detections__status__in=ACTIVE_STATUSES)
        .values_list("pk", flat=True)
    )
    while batch := list(candidates[:PASS_SIZE]):
        progress = sum(_discard_one(pk) for pk in batch)
        discarded += progress
        if not progress:  # each left went active meanwhile; the next pass retries
            break
    return discarded


def _discard_one(audio_file_id: int) -> bool:
    with transaction.atomic():
        statuses = (
            Detection.objects.select_for_update()
            .filter(audio_file_id=audio_file_id)
            .values_list("status", flat=True)
        )
        if any(status in ACTIVE_STATUSES for status in statuses):
            return False
        audio = (
            AudioFile.objects.select_for_update()
            .filter(pk=audio_file_id, audio_deleted_at__isnull=True)
            .first()
        )
        if audio is None:
            return False
        delete_recording(audio.storage_path)
        audio.audio_deleted_at = timezone.now()
        audio.save(update_fields=["audio_deleted_at"])
    return True


def _delete_locked(detection: Detection) -> None:
    """Delete a row-locked detection, and its recording when no other detection uses it."""
    detection.delete()  # its chunk rows go with it
    if not Detection.objects.filter(audio_file_id=detection.audio_file_id).exists():
        audio = AudioFile.objects.select_for_update().get(pk=detection.audio_file_id)
        delete_recording(audio.storage_path)
        audio.delete()
    transaction.on_commit(partial(_forget_keys, [str(detection.request_id)]))
    if detection.batch_id is not None:
        # The batch may have waited only for this member.
        transaction.on_commit(partial(batches.member_finished, detection.batch_id))


def _forget_keys(request_ids: Collection[str]) -> None:
    try:
        chunk_store.delete_detection_keys(request_ids)
        stream_store.delete_stream_keys(request_ids)
    except RedisError:
        # Every key carries a TTL: it expires even if this cleanup cannot run.
        logger.warning("could not delete the Redis keys of deleted detections")
