"""Webhook fixtures: a loopback receiver the outbound rules allow, and alice's endpoint."""

from collections.abc import Iterator

import pytest

from accounts.models import User
from detector.webhooks.models import EVENT_TYPES
from detector.webhooks.models import WebhookEndpoint
from detector.webhooks.signing import new_secret
from tests.detector.webhooks.receiver import Receiver
from tests.detector.webhooks.receiver import running_receiver


@pytest.fixture
def loopback_allowed(settings) -> None:
    """As a developer's machine may configure it: http, and loopback allowed."""
    settings.DETECTOR_OUTBOUND_ALLOW_HTTP = True
    settings.DETECTOR_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8"]


@pytest.fixture
def receiver(loopback_allowed: None) -> Iterator[Receiver]:
    """A receiver on loopback answering 200 until told otherwise."""
    with running_receiver() as running:
        yield running


def make_endpoint(owner: User, url: str, **fields: object) -> WebhookEndpoint:
    options: dict[str, object] = {"events": list(EVENT_TYPES), **fields}
    return WebhookEndpoint.objects.create(
        owner=owner, url=url, secret=new_secret(), **options
    )


@pytest.fixture
def endpoint(alice: User, receiver: Receiver) -> WebhookEndpoint:
    """Alice's endpoint at the receiver, subscribed to every event."""
    return make_endpoint(alice, receiver.url)
