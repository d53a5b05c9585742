"""The webhooks API: registration checks, secrets, test events, deliveries, owners only."""

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle
from standardwebhooks import Webhook

from accounts.models import User
from detector.webhooks import delivery as delivery_service
from detector.webhooks.models import WebhookDelivery
from detector.webhooks.models import WebhookEndpoint
from tests.detector.webhooks.receiver import Receiver
from tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db

ENDPOINTS = "/api/v1/webhooks"
# A public address: accepted without a DNS lookup (nothing is sent to it here).
PUBLIC_URL = "https://1.1.1.1/hooks"


def path(endpoint: WebhookEndpoint, action: str = "") -> str:
    return f"{ENDPOINTS}/{endpoint.pk}" + (f"/{action}" if action else "")


def test_create_returns_the_secret_once_and_normalizes_events(
    alice_client: APIClient,
) -> None:
    """201 with a whsec_ secret; listing and reading never show it again."""
    response = alice_client.post(
        ENDPOINTS,
        {
            "url": PUBLIC_URL,
            "events": ["detection.failed", "detection.completed", "detection.failed"],
            "description": "CI",
        },
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["secret"].startswith("whsec_")
    assert created["events"] == ["detection.completed", "detection.failed"]
    assert created["enabled"] is True
    listed = alice_client.get(ENDPOINTS).json()["results"]
    assert [row["id"] for row in listed] == [created["id"]]
    assert "secret" not in listed[0]
    assert "secret" not in alice_client.get(f"{ENDPOINTS}/{created['id']}").json()
    secret = alice_client.get(f"{ENDPOINTS}/{created['id']}/secret").json()
    assert secret == {"secret": created["secret"], "previous_secret_expires_at": None}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://127.0.0.1/hook", "private or reserved"),
        ("https://localhost/hook", "private or reserved"),
        ("https://10.1.2.3/hook", "private or reserved"),
        ("https://169.254.169.254/latest/meta-data/", "private or reserved"),
        ("http://1.1.1.1/hook", "Only https"),
        ("https://no-such-host.invalid/hook", "does not resolve"),
        ("not a url", "Enter a valid URL."),
    ],
)
def test_create_refuses_non_public_and_plain_http_urls(
    alice_client: APIClient, url: str, message: str
) -> None:
    """A URL that is not https or resolves inside our network is a 400 sentence."""
    response = alice_client.post(ENDPOINTS, {"url": url, "events": ["batch.completed"]})
    assert response.status_code == 400
    (error,) = response.json()["url"]
    assert message in error
    assert not WebhookEndpoint.objects.exists()


def test_create_refuses_unknown_or_no_events(alice_client: APIClient) -> None:
    """Events must be a non-empty subset of the three event types."""
    for events in ([], ["detection.progress"], "detection.completed"):
        response = alice_client.post(ENDPOINTS, {"url": PUBLIC_URL, "events": events})
        assert response.status_code == 400
        assert "events" in response.json()


def test_endpoints_per_user_are_capped(settings, alice_client: APIClient) -> None:
    """Past DETECTOR_WEBHOOK_MAX_ENDPOINTS a creation is refused with a sentence."""
    settings.DETECTOR_WEBHOOK_MAX_ENDPOINTS = 2
    body = {"url": PUBLIC_URL, "events": ["batch.completed"]}
    for _ in range(2):
        assert alice_client.post(ENDPOINTS, body).status_code == 201
    response = alice_client.post(ENDPOINTS, body)
    assert response.status_code == 400
    assert "delete one" in response.json()["detail"]


def test_patch_changes_fields_and_reenabling_clears_the_reason(
    alice: User, alice_client: APIClient
) -> None:
    """PATCH url, events, enabled, description; PUT is not offered."""
    endpoint = WebhookEndpointFactory(
        owner=alice, url=PUBLIC_URL, enabled=False, disabled_reason="410 Gone"
    )
    response = alice_client.patch(
        path(endpoint),
        {"enabled": True, "events": ["batch.completed"], "description": "new"},
    )
    assert response.status_code == 200
    assert response.json()["disabled_reason"] == ""
    endpoint.refresh_from_db()
    assert (endpoint.enabled, endpoint.events, endpoint.description) == (
        True,
        ["batch.completed"],
        "new",
    )
    refused = alice_client.patch(path(endpoint), {"url": "https://10.0.0.1/"})
    assert refused.status_code == 400
    assert alice_client.put(path(endpoint), {}).status_code == 405


def test_delete_removes_the_endpoint_and_its_deliveries(
    alice: User, alice_client: APIClient
) -> None:
    """204, then 404; its deliveries go with it."""
    endpoint = WebhookEndpointFactory(owner=alice, url=PUBLIC_URL)
    alice_client.post(path(endpoint, "test"))
    assert alice_client.delete(path(endpoint)).status_code == 204
    assert alice_client.get(path(endpoint)).status_code == 404
    assert not WebhookDelivery.objects.exists()


def test_rotate_secret_keeps_the_old_one_for_the_grace_period(
    alice: User, alice_client: APIClient
) -> None:
    """A new secret; the previous one is kept and expires after the grace period."""
    endpoint = WebhookEndpointFactory(owner=alice, url=PUBLIC_URL)
    response = alice_client.post(path(endpoint, "rotate-secret"))
    assert response.status_code == 200
    body = response.json()
    assert body["secret"] != endpoint.secret
    assert body["previous_secret_expires_at"] is not None
    endpoint.refresh_from_db()
    assert endpoint.secret == body["secret"]
    assert endpoint.previous_secret.startswith("whsec_")


def test_test_event_is_sent_and_its_attempt_listed(
    alice: User, alice_client: APIClient, receiver: Receiver
) -> None:
    """POST .../test queues webhook.test; its signed attempt shows under deliveries."""
    endpoint = WebhookEndpointFactory(
        owner=alice, url=receiver.url, events=["batch.completed"]
    )
    response = alice_client.post(path(endpoint, "test"))
    assert response.status_code == 202
    queued = response.json()
    assert queued["event_type"] == "webhook.test"
    assert queued["status"] == "pending"
    delivery = WebhookDelivery.objects.get(message_id=queued["id"])
    delivery_service.deliver(delivery.pk, 1)
    (got,) = receiver.received
    envelope = Webhook(endpoint.secret).verify(got.body, got.headers)
    assert envelope["type"] == "webhook.test"
    assert envelope["data"]["endpoint_id"] == str(endpoint.pk)

    (row,) = alice_client.get(path(endpoint, "deliveries")).json()["results"]
    assert row["id"] == queued["id"]
    assert row["status"] == "succeeded"
    assert row["attempt_count"] == 1
    (attempt,) = row["attempts"]
    assert attempt["status_code"] == 200
    assert attempt["error"] == ""
    assert attempt["latency_ms"] >= 0


def test_test_events_are_throttled(
    alice: User, alice_client: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The test action cannot be used to flood a third party: 429 past the rate."""
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "webhook_test", "2/min")
    endpoint = WebhookEndpointFactory(owner=alice, url=PUBLIC_URL)
    codes = [alice_client.post(path(endpoint, "test")).status_code for _ in range(3)]
    assert codes == [202, 202, 429]


def test_deliveries_are_paginated_newest_first(
    alice: User, alice_client: APIClient
) -> None:
    """Pages of deliveries, the most recent first."""
    endpoint = WebhookEndpointFactory(owner=alice, url=PUBLIC_URL)
    ids = [alice_client.post(path(endpoint, "test")).json()["id"] for _ in range(3)]
    page = alice_client.get(path(endpoint, "deliveries") + "?page_size=2").json()
    assert page["count"] == 3
    assert [row["id"] for row in page["results"]] == ids[::-1][:2]


@pytest.mark.parametrize(
    ("method", "action"),
    [
        ("get", ""),
        ("patch", ""),
        ("delete", ""),
        ("get", "secret"),
        ("post", "rotate-secret"),
        ("post", "test"),
        ("get", "deliveries"),
    ],
)
def test_another_users_endpoint_is_not_found(
    alice: User, bob_client: APIClient, method: str, action: str
) -> None:
    """Bob cannot see, change, test or read the secret of alice's endpoint: 404."""
    endpoint = WebhookEndpointFactory(owner=alice, url=PUBLIC_URL)
    response = getattr(bob_client, method)(path(endpoint, action))
    assert response.status_code == 404
    assert response.json() == {"detail": "You have no webhook endpoint with this id."}
    assert bob_client.get(ENDPOINTS).json()["count"] == 0
    endpoint.refresh_from_db()  # still there, unchanged
    assert not WebhookDelivery.objects.exists()


def test_webhooks_need_authentication(api_client: APIClient) -> None:
    """Anonymous callers get 401."""
    assert api_client.get(ENDPOINTS).status_code == 401


def test_schema_names_the_webhook_components(api_client: APIClient) -> None:
    """The OpenAPI schema describes the endpoints, deliveries and attempts."""
    schema = api_client.get("/api/v1/schema/?format=json").json()
    components = schema["components"]["schemas"]
    assert {"WebhookEndpoint", "WebhookDelivery", "WebhookAttempt"} <= set(components)
    assert "/api/v1/webhooks/{id}/test" in schema["paths"]
