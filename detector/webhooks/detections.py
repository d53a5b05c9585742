"""Detection events for webhooks: the status endpoint's JSON, for subscribed endpoints only."""

from typing import Literal

from detector.models import Detection
from detector.serializers import DetectionSerializer
from detector.webhooks.emitting import create_deliveries
from detector.webhooks.emitting import subscribed_endpoints

DetectionEvent = Literal["detection.completed", "detection.failed"]


def emit_detection(detection: Detection, event_type: DetectionEvent) -> None:
    """Queue ``event_type`` with the detection's status body, in the caller's transaction."""
    # Look for subscribers first: most users have none, and the body costs queries.
    endpoints = list(subscribed_endpoints(detection.user_id, event_type))
    if endpoints:
        body = dict(DetectionSerializer(detection).data)
        create_deliveries(endpoints, event_type, body)
