"""The dispatcher queues due deliveries once, and again only when their message is lost."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from accounts.models import User
from detector.webhooks import queueing
from detector.webhooks.emitting import create_deliveries
from detector.webhooks.models import WebhookDelivery
from detector.webhooks.queueing import dispatch_due
from detector.webhooks.tasks import dispatch_webhooks
from inference import chunk_store
from tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db


def queued_messages() -> int:
    return int(chunk_store.client().llen("webhooks"))


def test_dispatcher_queues_due_deliveries_once_until_their_lease_ends(
    alice: User,
) -> None:
    """Due and unqueued: queued; queued: left alone; lease over: queued again."""
    endpoint = WebhookEndpointFactory(owner=alice)
    (delivery,) = create_deliveries([endpoint], "batch.completed", {})
    assert dispatch_due() == 0  # its creation queued it already
    WebhookDelivery.objects.filter(pk=delivery.pk).update(queued_until=None)
    assert dispatch_due() == 1
    assert queued_messages() == 1
    assert dispatch_due() == 0
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        queued_until=timezone.now() - timedelta(seconds=1)
    )
    assert dispatch_due() == 1  # the message was lost: Redis restarted, say


def test_dispatcher_leaves_future_and_finished_deliveries(alice: User) -> None:
    """Not yet due, succeeded or abandoned: nothing to queue."""
    endpoint = WebhookEndpointFactory(owner=alice)
    future, done = create_deliveries([endpoint, endpoint], "batch.completed", {})
    WebhookDelivery.objects.filter(pk=future.pk).update(
        queued_until=None, next_attempt_at=timezone.now() + timedelta(minutes=5)
    )
    WebhookDelivery.objects.filter(pk=done.pk).update(
        queued_until=None, status=WebhookDelivery.Status.SUCCEEDED
    )
    assert dispatch_due() == 0


def test_dispatcher_skips_a_pass_while_postgresql_is_down(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """An outage is not a crash: a warning, and the next pass finds the rows."""

    def unreachable() -> int:
        raise OperationalError("couldn't get a connection after 5.00 sec")

    monkeypatch.setattr(queueing, "dispatch_due", unreachable)
    assert dispatch_webhooks() == 0
    assert "webhook dispatcher skipped a pass" in caplog.text
