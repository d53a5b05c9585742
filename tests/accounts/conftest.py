"""API key fixtures: a key is created through the service, as the API does."""

import pytest
from rest_framework.test import APIClient

from accounts.api_keys import create_api_key
from accounts.models import ApiKey
from accounts.models import User


def make_key(user: User, scope: str = ApiKey.Scope.READ_UPLOAD) -> tuple[ApiKey, str]:
    return create_api_key(user, name=f"{user.username}'s {scope} key", scope=scope)


def key_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


@pytest.fixture
def alice_key(alice: User) -> tuple[ApiKey, str]:
    """Alice's read+upload key and its full text."""
    return make_key(alice)


@pytest.fixture
def alice_key_client(alice_key: tuple[ApiKey, str]) -> APIClient:
    """A client that authenticates with alice's read+upload key."""
    return key_client(alice_key[1])
