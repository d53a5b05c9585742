"""Sending attempts to a real receiver: signatures, retries, 410, timeouts, SSRF, claims."""

import json
import socket
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from standardwebhooks import Webhook

from accounts.models import User
from detector.webhooks import delivery as delivery_service
from detector.webhooks import endpoints
from detector.webhooks.emitting import create_deliveries
from detector.webhooks.metrics import FINAL_STATUSES
from detector.webhooks.metrics import RESULTS
from detector.webhooks.models import WebhookDelivery
from detector.webhooks.models import WebhookEndpoint
from detector.webhooks.schedule import JITTER
from tests.detector.webhooks.receiver import Receiver
from tests.detector.webhooks.receiver import Reply
from tests.factories import WebhookEndpointFactory
from tests.support import metric_value

pytestmark = pytest.mark.django_db

Status = WebhookDelivery.Status


def counted() -> dict[str, float]:
    """Attempts by result and finished deliveries by status, as /metrics counts them."""
    return {
        **{
            f"attempt {result}": metric_value(
                "detector_webhook_attempts_total", result=result
            )
            for result in RESULTS
        },
        **{
            f"finished {status}": metric_value(
                "detector_webhook_deliveries_finished_total", status=status
            )
            for status in FINAL_STATUSES
        },
        "timed": metric_value("detector_webhook_attempt_duration_seconds_count"),
    }


def counted_since(before: dict[str, float]) -> dict[str, float]:
    return {
        name: value - before[name]
        for name, value in counted().items()
        if value != before[name]
    }


def new_delivery(endpoint: WebhookEndpoint) -> WebhookDelivery:
    (created,) = create_deliveries(
        [endpoint], "detection.completed", {"request_id": "r-1", "status": "completed"}
    )
    return created


def test_delivery_is_signed_and_verifies(
    endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    """The receiver verifies the body with standardwebhooks and the endpoint's secret."""
    before = counted()
    sent = new_delivery(endpoint)
    attempt = delivery_service.deliver(sent.pk, 1)
    assert counted_since(before) == {
        "attempt 2xx": 1,
        "finished succeeded": 1,
        "timed": 1,
    }
    (got,) = receiver.received
    envelope = Webhook(endpoint.secret).verify(got.body, got.headers)
    assert envelope["type"] == "detection.completed"
    assert envelope["data"] == {"request_id": "r-1", "status": "completed"}
    assert list(json.loads(got.body)) == ["type", "timestamp", "data"]
    assert got.headers["webhook-id"] == sent.message_id
    assert got.headers["content-type"] == "application/json"
    assert attempt is not None and attempt.status_code == 200
    assert attempt.response_excerpt == "ok" and attempt.error == ""
    sent.refresh_from_db()
    assert (sent.status, sent.attempts, sent.next_attempt_at) == (
        Status.SUCCEEDED,
        1,
        None,
    )


def test_rotation_sends_both_signatures_for_the_grace_period(
    endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    """After a rotation both secrets verify; once the grace period ends, only the new."""
    old_secret = endpoint.secret
    endpoints.rotate_secret(endpoint)
    endpoint.refresh_from_db()
    delivery_service.deliver(new_delivery(endpoint).pk, 1)
    got = receiver.received[-1]
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    Webhook(endpoint.secret).verify(got.body, got.headers)
    Webhook(old_secret).verify(got.body, got.headers)

    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        previous_secret_expires_at=timezone.now() - timedelta(seconds=1)
    )
    delivery_service.deliver(new_delivery(endpoint).pk, 1)
    got = receiver.received[-1]
    assert len(got.headers["webhook-signature"].split(" ")) == 1
    Webhook(endpoint.secret).verify(got.body, got.headers)


def test_server_errors_are_retried_on_the_spec_schedule(
    settings, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    """A 500 each time: the next attempt is due after 5 s, 5 min, ... then failed."""
    receiver.reply = Reply(status=500, body=b"broken")
    before = counted()
    sent = new_delivery(endpoint)
    schedule = settings.DETECTOR_WEBHOOK_RETRY_SCHEDULE
    for number, wait in enumerate(schedule, start=1):
        attempt = delivery_service.deliver(sent.pk, number)
        assert attempt is not None
        sent.refresh_from_db()
        assert sent.status == Status.PENDING
        assert sent.next_attempt_at is not None
        delay = (sent.next_attempt_at - attempt.attempted_at).total_seconds()
        assert wait * (1 - JITTER) <= delay <= wait * (1 + JITTER), number
    last = delivery_service.deliver(sent.pk, len(schedule) + 1)
    assert last is not None
    assert last.error == "The receiver answered HTTP 500."
    assert last.response_excerpt == "broken"
    sent.refresh_from_db()
    assert (sent.status, sent.next_attempt_at) == (Status.FAILED, None)
    assert sent.attempt_log.count() == len(receiver.received) == len(schedule) + 1
    tries = len(schedule) + 1
    assert counted_since(before) == {
        "attempt 5xx": tries,
        "finished failed": 1,
        "timed": tries,
    }


def test_retry_after_is_honoured_within_the_cap(
    settings, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    """A 503 with Retry-After: 120 waits 120 s; an enormous one waits only the cap."""
    settings.DETECTOR_WEBHOOK_MAX_RETRY_AFTER_SECONDS = 3600
    for header, expected in (("120", 120), ("99999999", 3600)):
        receiver.reply = Reply(status=503, headers={"Retry-After": header})
        sent = new_delivery(endpoint)
        attempt = delivery_service.deliver(sent.pk, 1)
        assert attempt is not None
        sent.refresh_from_db()
        assert sent.next_attempt_at == attempt.attempted_at + timedelta(
            seconds=expected
        )


def test_gone_disables_the_endpoint_and_abandons_its_deliveries(
    endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    """410 Gone: the endpoint is disabled with a reason, the rest is abandoned."""
    receiver.reply = Reply(status=410)
    first, second = new_delivery(endpoint), new_delivery(endpoint)
    before = counted()
    delivery_service.deliver(first.pk, 1)
    assert counted_since(before) == {
        "attempt 410": 1,
        "finished failed": 1,
        "finished abandoned": 1,
        "timed": 1,
    }
    endpoint.refresh_from_db()
    assert not endpoint.enabled
    assert "410 Gone" in endpoint.disabled_reason
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.FAILED
    assert second.status == Status.ABANDONED
    assert delivery_service.deliver(second.pk, 1) is None
    assert len(receiver.received) == 1


def test_hanging_receiver_is_an_error_attempt_within_the_timeout(
    settings, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    """A receiver that does not answer in time costs one attempt, recorded as an error."""
    settings.DETECTOR_WEBHOOK_TIMEOUT_SECONDS = 1
    receiver.reply = Reply(delay=4)
    sent = new_delivery(endpoint)
    before = counted()
    started = time.monotonic()
    attempt = delivery_service.deliver(sent.pk, 1)
    assert time.monotonic() - started < 3
    assert attempt is not None
    assert attempt.status_code is None
    assert "timed out" in attempt.error or "too long" in attempt.error
    assert 900 <= attempt.latency_ms < 3000
    assert counted_since(before) == {"attempt error": 1, "timed": 1}
    sent.refresh_from_db()
    assert sent.status == Status.PENDING and sent.next_attempt_at is not None


def test_redirects_are_not_followed(
    endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    """A 3xx is an unsuccessful answer: recorded, retried later, never followed."""
    receiver.reply = Reply(status=302, headers={"Location": "http://10.0.0.1/"})
    attempt = delivery_service.deliver(new_delivery(endpoint).pk, 1)
    assert attempt is not None and attempt.status_code == 302
    assert len(receiver.received) == 1


def test_address_that_turns_private_is_refused_at_delivery(
    alice: User, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the name resolved publicly at registration, privately now."""
    port = receiver.url.split(":")[2].split("/")[0]
    endpoint = WebhookEndpointFactory(
        owner=alice, url=f"http://hooks.example.test:{port}/hook"
    )
    real = socket.getaddrinfo

    def rebound(host: str, *args: object, **kwargs: object) -> list:
        if host == "hooks.example.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", 80))]
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", rebound)
    sent = new_delivery(endpoint)
    attempt = delivery_service.deliver(sent.pk, 1)
    assert attempt is not None and attempt.status_code is None
    assert "private or reserved address (10.0.0.5)" in attempt.error
    assert receiver.received == []
    sent.refresh_from_db()
    assert sent.status == Status.PENDING  # tried again later: DNS may be fixed


def test_disabled_endpoint_abandons_instead_of_sending(
    endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    """An endpoint turned off after the event was queued receives nothing."""
    sent = new_delivery(endpoint)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(enabled=False)
    before = counted()
    assert delivery_service.deliver(sent.pk, 1) is None
    assert counted_since(before) == {"finished abandoned": 1}
    sent.refresh_from_db()
    assert (sent.status, sent.attempts) == (Status.ABANDONED, 0)
    assert receiver.received == []


def test_a_duplicated_message_does_not_send_again(
    endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    """The same attempt number twice (a redelivered message) sends once."""
    receiver.reply = Reply(status=500)
    sent = new_delivery(endpoint)
    assert delivery_service.deliver(sent.pk, 1) is not None
    assert delivery_service.deliver(sent.pk, 1) is None
    assert len(receiver.received) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_messages_for_one_attempt_send_it_once(
    endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    """Eight workers racing on the same attempt: one request reaches the receiver."""
    receiver.reply = Reply(delay=0.3)
    sent = new_delivery(endpoint)
    results: list[object] = []

    def work() -> None:
        try:
            results.append(delivery_service.deliver(sent.pk, 1))
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(receiver.received) == 1
    assert sum(result is not None for result in results) == 1


def test_response_excerpt_is_capped_and_storable(
    endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    """A long or binary answer is kept as its first kilobyte, NUL bytes replaced."""
    receiver.reply = Reply(body=b"\x00" + b"x" * 5000)
    attempt = delivery_service.deliver(new_delivery(endpoint).pk, 1)
    assert attempt is not None
    attempt.refresh_from_db()
    assert len(attempt.response_excerpt) == 1024
    assert attempt.response_excerpt.startswith("\ufffdxxx")


def test_attempts_lost_to_crashes_still_end_the_delivery(
    settings, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    """Claims that never recorded an outcome count: past the last one it is failed."""
    sent = new_delivery(endpoint)
    last = len(settings.DETECTOR_WEBHOOK_RETRY_SCHEDULE) + 1
    WebhookDelivery.objects.filter(pk=sent.pk).update(attempts=last)
    assert delivery_service.deliver(sent.pk, last + 1) is None
    sent.refresh_from_db()
    assert (sent.status, sent.next_attempt_at) == (Status.FAILED, None)
    assert receiver.received == []


def test_a_test_event_is_tried_once(
    endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    """webhook.test gets no retries: its sender reads the one answer."""
    receiver.reply = Reply(status=500)
    test = endpoints.send_test(endpoint)
    delivery_service.deliver(test.pk, 1)
    test.refresh_from_db()
    assert (test.status, test.next_attempt_at) == (Status.FAILED, None)
