"""Managing API keys: shown once, stored hashed, capped, revoked; the admin view."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_api_key.crypto import Sha512ApiKeyHasher

from accounts.api_keys import ApiKeyLimitReached
from accounts.api_keys import create_api_key
from accounts.models import ApiKey
from accounts.models import User
from tests.factories import ApiKeyFactory

pytestmark = pytest.mark.django_db

KEYS = "/api/v1/users/api-keys"


def test_create_shows_the_key_once_and_stores_only_its_hash(
    alice_client: APIClient, alice: User
) -> None:
    """The 201 body holds the full key; the row holds its prefix and a hash only."""
    response = alice_client.post(KEYS, {"name": "CI pipeline", "scope": "read+upload"})
    assert response.status_code == 201
    body = response.json()
    key = body["key"]
    assert key.startswith(body["prefix"] + ".")
    assert body["name"] == "CI pipeline"
    assert body["scope"] == "read+upload"
    assert body["expiry_date"] is None
    assert body["last_used_at"] is None

    stored = ApiKey.objects.get(prefix=body["prefix"])
    assert stored.owner == alice
    assert stored.hashed_key == make_password(key, hasher=Sha512ApiKeyHasher())
    stored_values = [str(value) for value in ApiKey.objects.values().get().values()]
    assert not any(key in value for value in stored_values)


def test_list_never_shows_a_key(
    alice_client: APIClient, alice: User, bob: User
) -> None:
    """The list shows alice's keys (newest first) without the secret; not bob's."""
    first = ApiKeyFactory(owner=alice).key
    second = ApiKeyFactory(owner=alice, scope=ApiKey.Scope.READ).key
    ApiKeyFactory(owner=bob)
    response = alice_client.get(KEYS)
    assert response.status_code == 200
    rows = response.json()
    assert [row["scope"] for row in rows] == ["read", "read+upload"]
    assert all("key" not in row for row in rows)
    assert first not in response.content.decode()
    assert second not in response.content.decode()


def test_create_validates_name_scope_and_expiry(alice_client: APIClient) -> None:
    """A missing name, an unknown scope and a past expiry are field errors."""
    past = (timezone.now() - timedelta(days=1)).isoformat()
    response = alice_client.post(
        KEYS, {"name": "", "scope": "admin", "expiry_date": past}
    )
    assert response.status_code == 400
    assert set(response.json()) == {"name", "scope", "expiry_date"}
    assert response.json()["expiry_date"] == ["The expiry date must be in the future."]
    assert set(alice_client.post(KEYS, {}).json()) == {"name"}


def test_create_accepts_a_future_expiry(alice_client: APIClient) -> None:
    """An optional expiry date is kept and reported."""
    expiry = timezone.now() + timedelta(days=30)
    response = alice_client.post(
        KEYS, {"name": "Temp", "scope": "read", "expiry_date": expiry.isoformat()}
    )
    assert response.status_code == 201
    assert ApiKey.objects.get().expiry_date == expiry
    assert response.json()["expired"] is False


def test_create_refuses_past_the_cap(
    alice_client: APIClient, alice: User, settings: object
) -> None:
    """At the cap creation is refused with a sentence; revoking frees a place."""
    settings.DETECTOR_MAX_API_KEYS = 2  # type: ignore[attr-defined]
    ApiKeyFactory(owner=alice)
    revoked = ApiKeyFactory(owner=alice)
    response = alice_client.post(KEYS, {"name": "third", "scope": "read"})
    assert response.status_code == 409
    assert "revoke one" in response.json()["detail"]
    assert alice_client.delete(f"{KEYS}/{revoked.prefix}").status_code == 204
    assert (
        alice_client.post(KEYS, {"name": "third", "scope": "read"}).status_code == 201
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_creations_never_overshoot_the_cap(
    alice: User, settings: object
) -> None:
    """Twelve parallel creations against a cap of three make exactly three keys."""
    settings.DETECTOR_MAX_API_KEYS = 3  # type: ignore[attr-defined]

    def create(n: int) -> bool:
        try:
            create_api_key(alice, name=f"key {n}", scope=ApiKey.Scope.READ)
            return True
        except ApiKeyLimitReached:
            return False
        finally:
            connection.close()  # each thread has its own connection

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(create, range(12)))
    assert outcomes.count(True) == 3
    assert ApiKey.objects.filter(owner=alice).count() == 3


def test_revoke_removes_the_key_from_the_list(
    alice_client: APIClient, alice: User
) -> None:
    """A revoked key is no longer listed and cannot be revoked twice."""
    api_key = ApiKeyFactory(owner=alice)
    assert alice_client.delete(f"{KEYS}/{api_key.prefix}").status_code == 204
    api_key.refresh_from_db()
    assert api_key.revoked
    assert alice_client.get(KEYS).json() == []
    again = alice_client.delete(f"{KEYS}/{api_key.prefix}")
    assert again.status_code == 404
    assert again.json() == {"detail": "You have no API key with this prefix."}


def test_cannot_revoke_another_users_key(alice_client: APIClient, bob: User) -> None:
    """Bob's key is a plain 404 to alice, and stays usable."""
    bobs_key = ApiKeyFactory(owner=bob)
    assert alice_client.delete(f"{KEYS}/{bobs_key.prefix}").status_code == 404
    bobs_key.refresh_from_db()
    assert not bobs_key.revoked


def test_a_key_cannot_manage_keys(
    alice_key_client: APIClient, alice_key: ApiKey
) -> None:
    """Listing, creating and revoking keys with a key is 403 with a sentence."""
    responses = [
        alice_key_client.get(KEYS),
        alice_key_client.post(KEYS, {"name": "child", "scope": "read+upload"}),
        alice_key_client.delete(f"{KEYS}/{alice_key.prefix}"),
    ]
    for response in responses:
        assert response.status_code == 403
        assert response.json() == {
            "detail": "API keys cannot list, create or revoke API keys; sign in instead."
        }
    assert ApiKey.objects.filter(revoked=False).count() == 1


def test_key_management_requires_authentication(api_client: APIClient) -> None:
    """Anonymous callers get 401."""
    assert api_client.get(KEYS).status_code == 401


def test_admin_lists_keys_without_add_and_revokes(
    operator_client: Client, alice: User
) -> None:
    """Operators see owner, prefix and scope, cannot add keys, and can revoke them."""
    api_key = ApiKeyFactory(owner=alice)
    page = operator_client.get("/admin/accounts/apikey/?q=alice")
    assert page.status_code == 200
    assert api_key.prefix.encode() in page.content
    assert b"read and upload" in page.content
    assert api_key.key.encode() not in page.content
    assert operator_client.get("/admin/accounts/apikey/add/").status_code == 403
    response = operator_client.post(
        "/admin/accounts/apikey/",
        {"action": "revoke", "_selected_action": [api_key.pk]},
    )
    assert response.status_code == 302
    api_key.refresh_from_db()
    assert api_key.revoked
