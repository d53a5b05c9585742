"""Signed webhooks (Standard Webhooks) for a user's detections and batches.

``emit(user_id, event_type, payload)`` is the one entry point for producers.
"""

from detector.webhooks.emitting import emit

__all__ = ["emit"]
