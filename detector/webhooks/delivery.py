"""Sending one attempt of a delivery and recording what came of it.

An attempt is claimed by moving ``attempts`` from n - 1 to n in one
conditional UPDATE: a duplicated or redelivered message for the same
attempt finds nothing to claim, so no attempt is ever sent twice at once.
"""

import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from detector import outbound
from detector.webhooks import metrics as webhook_metrics
from detector.webhooks import signing
from detector.webhooks.models import RESPONSE_EXCERPT_BYTES
from detector.webhooks.models import TEST_EVENT
from detector.webhooks.models import WebhookAttempt
from detector.webhooks.models import WebhookDelivery
from detector.webhooks.models import WebhookEndpoint
from detector.webhooks.queueing import lease_end
from detector.webhooks.schedule import parse_retry_after
from detector.webhooks.schedule import retry_delay

logger = logging.getLogger(__name__)

USER_AGENT = "deepfake-detector-webhooks/1.0"
Status = WebhookDelivery.Status


@dataclass(frozen=True)
class Outcome:
    """What one request brought back: a status code, or the reason there was none."""

    status_code: int | None
    error: str
    excerpt: str
    retry_after: float | None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def claim(delivery_id: int, attempt: int) -> WebhookDelivery | None:
    """Take attempt number ``attempt`` of a pending delivery; None if it is not ours."""
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=Status.PENDING, attempts=attempt - 1
    ).update(attempts=attempt, queued_until=lease_end(now))
    if not claimed:
        return None
    return (
        WebhookDelivery.objects.select_related("endpoint")
        .filter(pk=delivery_id)
        .first()
    )


def deliver(delivery_id: int, attempt: int) -> WebhookAttempt | None:
    """Send a claimed attempt and record it; None when there was nothing to send."""
    delivery = claim(delivery_id, attempt)
    if delivery is None:
        return None
    if attempt > max_attempts(delivery):
        # Only reached after attempts that never recorded an outcome (a worker
        # killed mid-send, a crash): stop instead of retrying forever.
        failed = WebhookDelivery.objects.filter(
            pk=delivery.pk, status=Status.PENDING
        ).update(status=Status.FAILED, next_attempt_at=None, queued_until=None)
        webhook_metrics.record_finished(Status.FAILED, failed)
        return None
    if not delivery.endpoint.enabled and delivery.event_type != TEST_EVENT:
        abandoned = WebhookDelivery.objects.filter(
            pk=delivery.pk, status=Status.PENDING
        ).update(
            status=Status.ABANDONED,
            attempts=attempt - 1,
            next_attempt_at=None,
            queued_until=None,
        )
        webhook_metrics.record_finished(Status.ABANDONED, abandoned)
        return None
    started_at = timezone.now()
    started = time.monotonic()
    outcome = send(delivery, started_at)
    seconds = time.monotonic() - started
    webhook_metrics.record_attempt(outcome.status_code, seconds)
    latency_ms = int(seconds * 1000)
    recorded = record(delivery, attempt, started_at, latency_ms, outcome)
    if outcome.status_code == 410:
        disable(delivery.endpoint, gone_reason(started_at))
    return recorded


def send(delivery: WebhookDelivery, at: datetime) -> Outcome:
    """POST the signed envelope to the endpoint; never raises for the receiver's faults."""
    body = envelope_body(delivery.payload)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        **signing.headers(
            signing_secrets(delivery.endpoint, at), delivery.message_id, at, body
        ),
    }
    try:
        response = outbound.request(
            "POST",
            delivery.endpoint.url,
            body=body.encode(),
            headers=headers,
            timeout=settings.DETECTOR_WEBHOOK_TIMEOUT_SECONDS,
            max_bytes=settings.DETECTOR_WEBHOOK_MAX_RESPONSE_BYTES,
            # A receiver that answers 2xx with a long body did get the event.
            truncate=True,
        )
    except (outbound.RefusedURLError, outbound.FetchError) as error:
        return Outcome(None, str(error)[:500], "", None)
    excerpt = (
        response.body[:RESPONSE_EXCERPT_BYTES]
        .decode("utf-8", errors="replace")
        .replace("\x00", "\ufffd")  # PostgreSQL text cannot hold NUL
    )
    retry_after = parse_retry_after(response.headers.get("retry-after"), at)
    refusal = (
        ""
        if 200 <= response.status < 300
        else f"The receiver answered HTTP {response.status}."
    )
    return Outcome(response.status, refusal, excerpt, retry_after)


def record(
    delivery: WebhookDelivery,
    attempt: int,
    at: datetime,
    latency_ms: int,
    outcome: Outcome,
) -> WebhookAttempt | None:
    """Store the attempt and move the delivery on: done, failed, or due again later."""
    finished = ""
    with transaction.atomic():
        current = (
            WebhookDelivery.objects.select_for_update().filter(pk=delivery.pk).first()
        )
        if current is None:  # its endpoint was deleted meanwhile
            return None
        logged = WebhookAttempt.objects.create(
            delivery=current,
            attempted_at=at,
            status_code=outcome.status_code,
            latency_ms=latency_ms,
            error=outcome.error,
            response_excerpt=outcome.excerpt,
        )
        # Abandoned meanwhile (a 410 from another delivery): leave it so.
        if current.status == Status.PENDING and current.attempts == attempt:
            current.status, current.next_attempt_at = next_state(
                current, attempt, at, outcome
            )
            current.queued_until = None
            current.save(update_fields=["status", "next_attempt_at", "queued_until"])
            if current.status != Status.PENDING:
                finished = current.status
    if finished:
        webhook_metrics.record_finished(finished)
    return logged


def max_attempts(delivery: WebhookDelivery) -> int:
    # A test event is tried once: its sender is watching for the answer now.
    if delivery.event_type == TEST_EVENT:
        return 1
    return len(settings.DETECTOR_WEBHOOK_RETRY_SCHEDULE) + 1


def next_state(
    delivery: WebhookDelivery, attempt: int, at: datetime, outcome: Outcome
) -> tuple[str, datetime | None]:
    if outcome.succeeded:
        return Status.SUCCEEDED, None
    if outcome.status_code == 410 or attempt >= max_attempts(delivery):
        return Status.FAILED, None
    delay = retry_delay(
        attempt,
        settings.DETECTOR_WEBHOOK_RETRY_SCHEDULE,
        outcome.retry_after,
        settings.DETECTOR_WEBHOOK_MAX_RETRY_AFTER_SECONDS,
    )
    if delay is None:
        return Status.FAILED, None
    return Status.PENDING, at + timedelta(seconds=delay)


def disable(endpoint: WebhookEndpoint, reason: str) -> None:
    """Turn an endpoint off and abandon whatever it still had to receive."""
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            enabled=False, disabled_reason=reason, updated_at=timezone.now()
        )
        abandoned = WebhookDelivery.objects.filter(
            endpoint=endpoint, status=Status.PENDING
        ).update(status=Status.ABANDONED, next_attempt_at=None, queued_until=None)
    webhook_metrics.record_finished(Status.ABANDONED, abandoned)
    logger.warning("webhook endpoint %s disabled: %s", endpoint.pk, reason)


def gone_reason(at: datetime) -> str:
    return (
        f"The receiver answered 410 Gone on {at:%Y-%m-%d %H:%M} UTC, so deliveries "
        "stopped. Enable the endpoint again once it accepts events."
    )


def signing_secrets(endpoint: WebhookEndpoint, at: datetime) -> list[str]:
    """The current secret, and the previous one while its grace period lasts."""
    in_grace = (
        endpoint.previous_secret
        and endpoint.previous_secret_expires_at is not None
        and endpoint.previous_secret_expires_at > at
    )
    return (
        [endpoint.secret, endpoint.previous_secret] if in_grace else [endpoint.secret]
    )


def envelope_body(envelope: dict[str, object]) -> str:
    """The request body: the envelope's keys in the spec's order, compact JSON."""
    ordered = {key: envelope[key] for key in ("type", "timestamp", "data")}
    return json.dumps(ordered, separators=(",", ":"))
