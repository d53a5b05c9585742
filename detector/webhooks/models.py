"""Webhook endpoints a user registers, the deliveries queued for them, and each attempt."""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

EVENT_TYPES = ("detection.completed", "detection.failed", "batch.completed")
# Sent only by the owner's "send test" action, never subscribed to.
TEST_EVENT = "webhook.test"
RESPONSE_EXCERPT_BYTES = 1024


def new_message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


class WebhookEndpoint(models.Model):
    """A URL that receives the owner's events, signed with its own secret.

    After a rotation the previous secret still signs (beside the new one)
    until ``previous_secret_expires_at``, so receivers can switch over.
    A 410 Gone from the receiver disables it, with ``disabled_reason``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
    )
    url = models.URLField(max_length=2048)
    events = ArrayField(models.CharField(max_length=32))
    enabled = models.BooleanField(default=True)
    description = models.CharField(max_length=255, blank=True)
    secret = models.CharField(max_length=64)
    previous_secret = models.CharField(max_length=64, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("created_at", "id")
        indexes = [
            # emit(): one user's enabled endpoints.
            models.Index(fields=["owner", "enabled"], name="webhook_owner_enabled_idx"),
        ]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint: a message id kept across every attempt.

    State machine: pending -> succeeded | failed | abandoned. An attempt is
    claimed by a conditional UPDATE on ``attempts`` (see
    ``detector.webhooks.delivery``), so a duplicated message never sends the
    same attempt twice. ``queued_until`` says a message for it is queued or
    being sent; past it, the dispatcher queues the delivery again (a message
    lost with Redis, a killed worker).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        ABANDONED = "abandoned", "Abandoned"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    message_id = models.CharField(
        max_length=40, unique=True, default=new_message_id, editable=False
    )
    event_type = models.CharField(max_length=32)
    payload = models.JSONField(encoder=DjangoJSONEncoder)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    queued_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # The dispatcher: pending deliveries by due time.
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due_idx",
                condition=models.Q(status="pending"),
            ),
            # An endpoint's deliveries, newest first.
            models.Index(
                fields=["endpoint", "-created_at"], name="webhook_delivery_recent_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} {self.event_type} ({self.status})"


class WebhookAttempt(models.Model):
    """One request to the endpoint: its answer, or the reason there was none."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    attempted_at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField()
    error = models.CharField(max_length=500, blank=True)
    response_excerpt = models.TextField(blank=True)

    class Meta:
        ordering = ("attempted_at", "id")

    def __str__(self) -> str:
        return f"{self.delivery.message_id} at {self.attempted_at:%Y-%m-%d %H:%M:%S}"
