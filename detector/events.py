"""Every push to a user's open sockets goes through ``publish()``."""

import logging
from typing import Literal
from typing import TypedDict

from asgiref.sync import async_to_sync
from channels import DEFAULT_CHANNEL_LAYER
from channels.layers import channel_layers

from detector.chunk_map import ChunkPrediction
from detector.chunk_map import Progress
from detector.chunk_map import current_chunk_map
from detector.chunk_map import progress_of
from detector.models import Detection

logger = logging.getLogger(__name__)

MessageType = Literal["detection.progress", "detection.completed", "detection.failed"]


class DetectionMessage(TypedDict):
    type: MessageType
    request_id: str
    status: str
    chunk_predictions: dict[str, ChunkPrediction]
    progress: Progress
    overall_assessment: str
    overall_confidence: float | None
    inconclusive_reason: str
    inconclusive_message: str
    error_message: str


def detections_group(user_id: int) -> str:
    return f"detections.user.{user_id}"


def build_message(detection: Detection, message_type: MessageType) -> DetectionMessage:
    chunk_map = current_chunk_map(detection)
    return DetectionMessage(
        type=message_type,
        request_id=str(detection.request_id),
        status=detection.status,
        chunk_predictions=chunk_map,
        progress=progress_of(chunk_map, detection),
        overall_assessment=detection.overall_assessment,
        overall_confidence=detection.overall_confidence,
        inconclusive_reason=detection.inconclusive_reason,
        inconclusive_message=detection.inconclusive_message,
        error_message=detection.error_message,
    )


def publish(detection: Detection, message_type: MessageType) -> None:
    """Push the detection's persisted state to its owner's open sockets.

    Called after the database write. Delivery is best effort: a client that
    missed a message re-reads the REST status, so a failed push is logged,
    never raised into the pipeline.
    """
    message = build_message(detection, message_type)
    try:
        async_to_sync(_send_once)(detections_group(detection.user_id), message)
    except Exception:
        logger.exception(
            "could not publish %s for %s", message_type, detection.request_id
        )


async def _send_once(group: str, message: DetectionMessage) -> None:
    # A private layer instance: sync callers get a fresh event loop per call,
    # so its pools must be closed afterwards (channels_redis#332), and closing
    # the shared layer's pools would cut the sockets this process serves.
    layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
    try:
        await layer.group_send(group, dict(message))
    finally:
        await layer.close_pools()
