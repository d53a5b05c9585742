"""Shared fixtures: real PostgreSQL (pytest-django's test database), real Redis."""

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from inference import chunk_store
from tests import xdist_redis
from tests.factories import UserFactory
from tests.support import client_for


@pytest.fixture(autouse=True)
def _media_storage(settings: object, tmp_path: Path) -> None:
    """Uploads go to a per-test folder."""
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]


def _flush_test_redis(redis_client: redis.Redis) -> None:
    # Keep kombu's queue bindings and worker heartbeats: a running test worker
    # declared the bindings once and beats only every few seconds.
    keys = [
        key
        for key in redis_client.scan_iter(count=1000)
        if not key.startswith((b"_kombu.binding", b"worker-heartbeat"))
    ]
    if keys:
        redis_client.delete(*keys)


@pytest.fixture(autouse=True)
def _clean_redis() -> Iterator[None]:
    """Each test starts with an empty test Redis database (throttles, chunks, queues)."""
    database = int(settings.REDIS_URL.rpartition("/")[2])
    assert database in xdist_redis.DATABASES, "tests must run on Redis database 12-15"
    redis_client = chunk_store.client()
    _flush_test_redis(redis_client)
    yield
    _flush_test_redis(redis_client)


@pytest.fixture(autouse=True)
def _fresh_health(settings: object) -> None:
    """Health runs its checks on every call: no result reused from an earlier test."""
    settings.DETECTOR_HEALTH_CACHE_SECONDS = 0  # type: ignore[attr-defined]


@pytest.fixture
def api_client() -> APIClient:
    """An anonymous API client."""
    return APIClient()


@pytest.fixture
def alice(db: None) -> User:
    """A user who uploads recordings."""
    return UserFactory(username="alice", email="alice@example.com")


@pytest.fixture
def bob(db: None) -> User:
    """Another user, who must never see alice's detections."""
    return UserFactory(username="bob", email="bob@example.com")


@pytest.fixture
def alice_client(alice: User) -> APIClient:
    """Alice's API client, authenticated with an access token."""
    return client_for(alice)


@pytest.fixture
def bob_client(bob: User) -> APIClient:
    """Bob's API client."""
    return client_for(bob)


@pytest.fixture
def olga(db: None) -> User:
    """An operator: staff and superuser."""
    return UserFactory(username="olga", is_staff=True, is_superuser=True)


@pytest.fixture
def operator_client(client: Client, olga: User) -> Client:
    """Olga, logged in to the admin."""
    client.force_login(olga)
    return client
