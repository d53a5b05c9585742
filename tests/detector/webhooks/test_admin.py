"""Operators see endpoints and deliveries with their attempts, read-only, never a secret."""

import pytest
from django.test import Client

from accounts.models import User
from detector.webhooks.emitting import create_deliveries
from tests.factories import WebhookAttemptFactory
from tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db


def test_admin_shows_endpoints_without_their_secrets(
    operator_client: Client,
    alice: User,
) -> None:
    """The endpoint list and page show the URL, never the secret; no add, no edit."""
    endpoint = WebhookEndpointFactory(owner=alice)
    listing = operator_client.get("/admin/detector/webhookendpoint/")
    assert listing.status_code == 200
    assert b"https://hooks.example.com/in" in listing.content
    page = operator_client.get(f"/admin/detector/webhookendpoint/{endpoint.pk}/change/")
    assert page.status_code == 200
    assert endpoint.secret.encode() not in page.content
    assert b'name="_save"' not in page.content
    assert (
        operator_client.get("/admin/detector/webhookendpoint/add/").status_code == 403
    )


def test_admin_shows_a_delivery_with_its_attempts(
    operator_client: Client,
    alice: User,
) -> None:
    """A delivery's page lists each attempt: status code and error."""
    endpoint = WebhookEndpointFactory(owner=alice)
    (delivery,) = create_deliveries([endpoint], "batch.completed", {})
    WebhookAttemptFactory(
        delivery=delivery, status_code=503, error="The receiver answered HTTP 503."
    )
    page = operator_client.get(f"/admin/detector/webhookdelivery/{delivery.pk}/change/")
    assert page.status_code == 200
    assert b"The receiver answered HTTP 503." in page.content
    assert (
        operator_client.get("/admin/detector/webhookdelivery/add/").status_code == 403
    )
