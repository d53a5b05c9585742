"""Events become deliveries: one per subscribed, enabled endpoint, queued only on commit."""

import pytest
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from detector import services
from detector.models import Detection
from detector.webhooks import emit
from detector.webhooks.models import WebhookDelivery
from inference.chunking import ChunkSpan
from tests.factories import DetectionFactory
from tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db

URL = "https://hooks.example.com/in"


def complete(detection: Detection) -> Detection:
    """Drive the pipeline's finalize path: a chunk plan, scores, completion."""
    request_id = str(detection.request_id)
    services.record_chunk_plan(request_id, 0, [ChunkSpan(0, 0, 64000)], [0.9], [-20.0])
    model = services.ScoringModel("m", "1", True, None)
    services.record_scores(request_id, 0, {0: 0.95}, model)
    done = services.complete_detection(request_id, 0)
    assert done is not None
    return done


def test_completed_detection_reaches_each_subscribed_endpoint_once(
    alice: User, bob: User, alice_client: APIClient, django_capture_on_commit_callbacks
) -> None:
    """Subscribed and enabled: one delivery each; unsubscribed, disabled, bob's: none."""
    subscribed = [
        WebhookEndpointFactory(owner=alice, url=URL),
        WebhookEndpointFactory(owner=alice, url=URL + "2"),
    ]
    WebhookEndpointFactory(
        owner=alice, url=URL, events=["detection.failed", "batch.completed"]
    )
    WebhookEndpointFactory(owner=alice, url=URL, enabled=False)
    WebhookEndpointFactory(owner=bob, url=URL)
    detection = DetectionFactory(
        audio_file__user=alice, status="processing", started_at=timezone.now()
    )
    with django_capture_on_commit_callbacks() as queued:
        complete(detection)

    deliveries = WebhookDelivery.objects.all()
    assert sorted(d.endpoint_id for d in deliveries) == sorted(e.pk for e in subscribed)
    assert {d.event_type for d in deliveries} == {"detection.completed"}
    assert len([c for c in queued if "enqueue" in repr(c)]) == 2
    status = alice_client.get(f"/api/v1/audio/status/{detection.request_id}").json()
    data = deliveries[0].payload["data"]
    assert data["status_url"].endswith(f"/api/v1/audio/status/{detection.request_id}")
    assert {**data, "status_url": ""} == {**status, "status_url": ""}
    assert deliveries[0].payload["type"] == "detection.completed"


def test_failed_detection_emits_detection_failed(alice: User) -> None:
    """Failing a detection queues detection.failed with its error message."""
    WebhookEndpointFactory(owner=alice, url=URL, events=["detection.failed"])
    detection = DetectionFactory(audio_file__user=alice, status="processing")
    services.fail_detection(str(detection.request_id), "The file is broken.")
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.event_type == "detection.failed"
    assert delivery.payload["data"]["error_message"] == "The file is broken."
    assert delivery.payload["data"]["status"] == "failed"


def test_emit_inside_a_rolled_back_transaction_leaves_nothing(
    alice: User, django_capture_on_commit_callbacks
) -> None:
    """No delivery and no message exist for work that never committed."""
    WebhookEndpointFactory(owner=alice, url=URL)
    with (
        django_capture_on_commit_callbacks() as queued,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        emit(alice.pk, "batch.completed", {"batch_id": "b-1"})
        raise RuntimeError
    assert queued == []
    assert not WebhookDelivery.objects.exists()


def test_emit_carries_a_producers_payload(alice: User) -> None:
    """batch.completed (or any event) is sent as given, in the spec's envelope."""
    WebhookEndpointFactory(owner=alice, url=URL, events=["batch.completed"])
    emit(alice.pk, "batch.completed", {"batch_id": "b-1", "counts": {"completed": 3}})
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.payload["data"] == {"batch_id": "b-1", "counts": {"completed": 3}}
    assert delivery.payload["timestamp"].endswith("Z")
    assert delivery.message_id.startswith("msg_")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("dead_broker")
def test_emit_while_redis_is_down_leaves_the_row_for_the_dispatcher(
    alice: User,
) -> None:
    """The broker refuses: the delivery stays pending with no message claimed."""
    WebhookEndpointFactory(owner=alice, url=URL)
    emit(alice.pk, "detection.completed", {"request_id": "r"})
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.queued_until is None  # due for the dispatcher's next pass
