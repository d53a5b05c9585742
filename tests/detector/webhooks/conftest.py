"""Webhook fixtures: a loopback receiver the outbound rules allow, and alice's endpoint."""

from collections.abc import Iterator

import pytest

from accounts.models import User
from detector.webhooks.models import WebhookEndpoint
from tests.detector.webhooks.receiver import Receiver
from tests.detector.webhooks.receiver import running_receiver
from tests.factories import WebhookEndpointFactory


@pytest.fixture
def receiver(loopback_allowed: None) -> Iterator[Receiver]:
    """A receiver on loopback answering 200 until told otherwise."""
    with running_receiver() as running:
        yield running


@pytest.fixture
def endpoint(alice: User, receiver: Receiver) -> WebhookEndpoint:
    """Alice's endpoint at the receiver, subscribed to every event."""
    return WebhookEndpointFactory(owner=alice, url=receiver.url)
