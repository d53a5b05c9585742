"""The custody log: every access to and change of a detection, with actor and time.

Other modules record through one function::

    record_event(detection, "deletion_requested", actor=user)
    record_event(detection, "labelled", actor=user, label="synthetic")

``actor`` is a user, the name of a non-human actor (``WORKER``, ``SWEEPER``)
or None for the system; extra keyword arguments are stored as the event's
JSON details. Call it inside the transaction of the action it records: the
event and the action commit or roll back together, and an access (a report or
audio download) is recorded before the bytes are served, so nothing happens
to a detection without its record. Rows keep the ``request_id`` as text and
outlive their detection (the foreign key is set to null on deletion).
"""

import uuid
from typing import TYPE_CHECKING
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User

if TYPE_CHECKING:
    # Only for annotations: detector.models imports this module to register the model.
    from detector.models import Detection

SYSTEM = "system"
WORKER = "worker"
SWEEPER = "sweeper"


class DetectionEvent(models.Model):
    """One entry of a detection's custody log; written once, never changed."""

    class Action(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded"
        PROCESSING_STARTED = "processing_started", "Processing started"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"
        REQUEUED = "requeued", "Re-queued"
        AUDIO_DOWNLOADED = "audio_downloaded", "Recording downloaded"
        REPORT_DOWNLOADED = "report_downloaded", "Report downloaded"
        DELETION_REQUESTED = "deletion_requested", "Deletion requested"
        LABELLED = "labelled", "Labelled by a reviewer"

    detection = models.ForeignKey(
        "detector.Detection",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    request_id = models.UUIDField()
    action = models.CharField(max_length=32, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The actor's name at the time: it survives the user's deletion or renaming.
    actor_name = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("created_at", "id")
        indexes = [
            # A report lists one detection's events in time order.
            models.Index(
                fields=["request_id", "created_at"], name="event_request_created_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.action} by {self.actor_name}"


def record_event(
    detection: "Detection",
    action: str,
    actor: User | str | None = None,
    **details: Any,
) -> DetectionEvent:
    """Append an event to ``detection``'s custody log (in the caller's transaction)."""
    if action not in DetectionEvent.Action.values:
        raise ValueError(f"unknown custody action {action!r}")
    if isinstance(actor, User):
        user, name = actor, actor.get_username()
    else:
        user, name = None, actor or SYSTEM
    return DetectionEvent.objects.create(
        detection=detection,
        request_id=detection.request_id,
        action=action,
        actor=user,
        actor_name=name,
        details=details,
    )


def events_for(request_id: uuid.UUID | str) -> QuerySet[DetectionEvent]:
    """A detection's custody log, oldest first (deleted detections' too)."""
    return DetectionEvent.objects.filter(request_id=request_id).order_by(
        "created_at", "id"
    )
