"""API key fixtures: alice's key, and a client that sends it."""

import pytest
from rest_framework.test import APIClient

from accounts.models import ApiKey
from accounts.models import User
from tests.factories import ApiKeyFactory
from tests.support import key_client


@pytest.fixture
def alice_key(alice: User) -> ApiKey:
    """Alice's read+upload key; ``.key`` is its full text."""
    return ApiKeyFactory(owner=alice)


@pytest.fixture
def alice_key_client(alice_key: ApiKey) -> APIClient:
    """A client that authenticates with alice's read+upload key."""
    return key_client(alice_key.key)
