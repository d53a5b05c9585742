"""A real Celery worker process on the "webhooks" queue delivers, and retries via the dispatcher."""

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from standardwebhooks import Webhook

from accounts.models import User
from detector.webhooks import emit
from detector.webhooks.models import WebhookDelivery
from detector.webhooks.queueing import dispatch_due
from tests.detector.webhooks.receiver import Receiver
from tests.detector.webhooks.receiver import Reply
from tests.factories import WebhookEndpointFactory
from tests.pipeline.processes import Service
from tests.pipeline.processes import pipeline_environment
from tests.pipeline.processes import start_worker_process

pytestmark = [pytest.mark.pipeline, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def webhooks_worker(tmp_path: Path) -> Iterator[Service]:
    """`celery worker -Q webhooks` allowed to reach the loopback receiver; retries after 0.2 s."""
    environment = pipeline_environment(
        tmp_path / "no-model",  # this worker never loads the model
        DETECTOR_OUTBOUND_ALLOW_HTTP="true",
        DETECTOR_OUTBOUND_ALLOWED_NETWORKS="127.0.0.0/8",
        DETECTOR_WEBHOOK_RETRY_SCHEDULE="0.2",
    )
    worker = start_worker_process(["webhooks"], environment, tmp_path)
    yield worker
    worker.stop()


def test_worker_delivers_an_event_and_its_retry(
    alice: User, receiver: Receiver, webhooks_worker: Service
) -> None:
    """First attempt 500; the dispatcher queues the retry; the worker's second is 200."""
    endpoint = WebhookEndpointFactory(owner=alice, url=receiver.url)
    receiver.reply = Reply(status=500)
    emit(alice.pk, "batch.completed", {"batch_id": "b-1"})
    (first,) = receiver.wait_for(1)
    Webhook(endpoint.secret).verify(first.body, first.headers)

    receiver.reply = Reply(status=204, body=b"")
    deadline = time.monotonic() + 60
    while len(receiver.received) < 2 and time.monotonic() < deadline:
        dispatch_due()  # what beat runs every few seconds
        time.sleep(0.1)
    second = receiver.wait_for(2, timeout=1)[1]
    assert second.headers["webhook-id"] == first.headers["webhook-id"]
    delivery = WebhookDelivery.objects.get()
    while delivery.status == "pending" and time.monotonic() < deadline:
        time.sleep(0.1)
        delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED, webhooks_worker.text()
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 204]
