"""Registration, login, token rotation, logout and `me`."""

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/users/register"
LOGIN = "/api/v1/users/login"
REFRESH = "/api/v1/users/token/refresh"
LOGOUT = "/api/v1/users/logout"
ME = "/api/v1/users/me"


def login(client: APIClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post(LOGIN, {"username": username, "password": password})
    assert response.status_code == 200, response.content
    return response.json()


def test_register_creates_account(api_client: APIClient) -> None:
    """A new username, email and strong password make an account."""
    response = api_client.post(
        REGISTER,
        {"username": "carol", "email": "carol@example.com", "password": PASSWORD},
    )
    assert response.status_code == 201
    assert response.json()["username"] == "carol"
    assert "password" not in response.json()
    assert User.objects.get(username="carol").check_password(PASSWORD)


def test_register_rejects_taken_username_and_email_in_any_case(
    api_client: APIClient, alice: User
) -> None:
    """A taken username or email (whatever its letter case) is a 400 per field."""
    response = api_client.post(
        REGISTER,
        {"username": "alice", "email": "ALICE@Example.com", "password": PASSWORD},
    )
    assert response.status_code == 400
    body = response.json()
    assert "username" in body
    assert body["email"] == ["An account with this email already exists."]


def test_register_rejects_weak_password(api_client: APIClient) -> None:
    """Django's password validators speak for the password field."""
    response = api_client.post(
        REGISTER, {"username": "dave", "email": "dave@example.com", "password": "123"}
    )
    assert response.status_code == 400
    assert any("too short" in message for message in response.json()["password"])
    assert not User.objects.filter(username="dave").exists()


def test_login_accepts_username_or_email(api_client: APIClient, alice: User) -> None:
    """Both the username and the email (any case) log in and give a token pair."""
    for login_name in ("alice", "Alice@Example.COM"):
        tokens = login(api_client, login_name)
        assert AccessToken(tokens["access"])["user_id"] == str(alice.pk)
        assert tokens["refresh"]


def test_login_rejects_wrong_credentials(api_client: APIClient, alice: User) -> None:
    """A wrong password and an unknown user both get the same 401."""
    for username, password in (("alice", "wrong password"), ("nobody", PASSWORD)):
        response = api_client.post(LOGIN, {"username": username, "password": password})
        assert response.status_code == 401
        assert response.json()["detail"] == "Wrong username, email or password."


def test_refresh_rotates_and_blacklists_old_token(
    api_client: APIClient, alice: User
) -> None:
    """A refresh gives a new pair; the old refresh token is refused afterwards."""
    tokens = login(api_client, "alice")
    rotated = api_client.post(REFRESH, {"refresh": tokens["refresh"]})
    assert rotated.status_code == 200
    assert rotated.json()["refresh"] != tokens["refresh"]
    reused = api_client.post(REFRESH, {"refresh": tokens["refresh"]})
    assert reused.status_code == 401


def test_logout_revokes_refresh_and_access_tokens(
    api_client: APIClient, alice: User
) -> None:
    """After logout neither the refresh token nor the access token works."""
    tokens = login(api_client, "alice")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert api_client.post(LOGOUT, {"refresh": tokens["refresh"]}).status_code == 205
    assert api_client.get(ME).status_code == 401
    assert APIClient().post(REFRESH, {"refresh": tokens["refresh"]}).status_code == 401


def test_logout_refuses_another_users_refresh_token(
    api_client: APIClient, alice_client: APIClient, bob: User
) -> None:
    """Only a token's owner may revoke it."""
    bobs = login(api_client, "bob")
    response = alice_client.post(LOGOUT, {"refresh": bobs["refresh"]})
    assert response.status_code == 403
    assert APIClient().post(REFRESH, {"refresh": bobs["refresh"]}).status_code == 200


def test_me_returns_current_user(alice_client: APIClient, alice: User) -> None:
    """`me` describes the token's owner."""
    response = alice_client.get(ME)
    assert response.status_code == 200
    assert response.json()["username"] == "alice"
    assert response.json()["email"] == "alice@example.com"


def test_me_requires_a_token(api_client: APIClient) -> None:
    """Without a token the API answers 401."""
    assert api_client.get(ME).status_code == 401
