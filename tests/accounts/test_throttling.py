"""Login, registration and upload are throttled through the shared Redis cache."""

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import User
from inference import chunk_store

pytestmark = pytest.mark.django_db


def test_login_throttled_with_retry_after(
    api_client: APIClient, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the rate the client gets 429 with Retry-After, counted in Redis."""
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "login", "2/min")
    for _ in range(2):
        api_client.post("/api/v1/users/login", {"username": "alice", "password": "x"})
    response = api_client.post(
        "/api/v1/users/login", {"username": "alice", "password": "x"}
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "throttled" in response.json()["detail"]
    # The count lives in Redis, so every web process sees the same one.
    assert any(b"throttle_login" in key for key in chunk_store.client().keys("*"))


def test_register_throttled(
    api_client: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Registration has its own rate."""
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "register", "1/min")
    api_client.post("/api/v1/users/register", {})
    assert api_client.post("/api/v1/users/register", {}).status_code == 429


def test_login_throttle_ignores_forwarded_for(
    api_client: APIClient, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The throttle keys on REMOTE_ADDR, never on a client-written X-Forwarded-For."""
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "login", "2/min")
    statuses = [
        api_client.post(
            "/api/v1/users/login",
            {"username": "alice", "password": "x"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        ).status_code
        for n in range(3)
    ]
    assert statuses == [401, 401, 429]
