"""Messages from the workers to one stream's socket, through the channel layer."""

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels import DEFAULT_CHANNEL_LAYER
from channels.layers import channel_layers

from detector.events import DetectionMessage
from detector.events import MessageType
from detector.events import build_message
from detector.models import Detection
from detector.streaming.protocol import WindowMessage

logger = logging.getLogger(__name__)


def send_window(channel: str, end_frame: int, window: WindowMessage) -> None:
    _send(channel, {"type": "stream.window", "end_frame": end_frame, "window": window})


def send_outcome(channel: str, detection: Detection) -> None:
    """The stream's final state: ``final`` when completed, else the reason it failed."""
    kind: MessageType = (
        "detection.completed"
        if detection.status == Detection.Status.COMPLETED
        else "detection.failed"
    )
    outcome: DetectionMessage = build_message(detection, kind)
    _send(channel, {"type": "stream.outcome", "outcome": outcome})


def _send(channel: str, message: dict[str, Any]) -> None:
    # Best effort, like detector.events.publish: a socket that went away has
    # nothing to receive, and its record is already written.
    try:
        async_to_sync(_send_once)(channel, message)
    except Exception:
        logger.exception("could not send %s to a stream socket", message["type"])


async def _send_once(channel: str, message: dict[str, Any]) -> None:
    # A private layer per call: sync callers get a fresh event loop each time
    # (channels_redis#332), as in detector.events.
    layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
    try:
        await layer.send(channel, message)
    finally:
        await layer.close_pools()
