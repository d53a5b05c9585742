"""An owner's endpoints: creation under a cap, secret rotation, the test event."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework import status
from rest_framework.exceptions import APIException

from accounts.models import User
from detector.webhooks.emitting import create_deliveries
from detector.webhooks.models import TEST_EVENT
from detector.webhooks.models import WebhookDelivery
from detector.webhooks.models import WebhookEndpoint
from detector.webhooks.signing import new_secret


class EndpointLimitError(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "too_many_endpoints"

    def __init__(self) -> None:
        limit = settings.DETECTOR_WEBHOOK_MAX_ENDPOINTS
        super().__init__(
            f"You already have {limit} webhook endpoints, the most allowed; "
            "delete one before adding another."
        )


def create_endpoint(owner: User, **fields: Any) -> WebhookEndpoint:
    """A new endpoint with its own secret; refused past the per-user cap."""
    with transaction.atomic():
        # Lock the owner so concurrent creations cannot both pass the count.
        User.objects.select_for_update().filter(pk=owner.pk).first()
        if (
            WebhookEndpoint.objects.filter(owner=owner).count()
            >= settings.DETECTOR_WEBHOOK_MAX_ENDPOINTS
        ):
            raise EndpointLimitError
        return WebhookEndpoint.objects.create(
            owner=owner, secret=new_secret(), **fields
        )


def rotate_secret(endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new secret; the one it replaces still signs, beside it, for the grace period."""
    with transaction.atomic():
        # Locked: two rotations at once must not lose the secret one of them showed.
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_expires_at = timezone.now() + timedelta(
            seconds=settings.DETECTOR_WEBHOOK_SECRET_GRACE_SECONDS
        )
        endpoint.secret = new_secret()
        endpoint.save(
            update_fields=[
                "secret",
                "previous_secret",
                "previous_secret_expires_at",
                "updated_at",
            ]
        )
    return endpoint


def send_test(endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Queue a ``webhook.test`` event to this endpoint now (tried once)."""
    data = {
        "endpoint_id": str(endpoint.pk),
        "message": "A test event from the deepfake detector. It needs no action.",
    }
    (delivery,) = create_deliveries([endpoint], TEST_EVENT, data)
    return delivery
