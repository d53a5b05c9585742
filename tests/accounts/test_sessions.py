"""Logout ends a whole session: every token issued in it, and its open sockets."""

import pytest
from asgiref.sync import sync_to_async
from rest_framework.test import APIClient

from accounts.models import RevokedSession
from accounts.models import User
from accounts.tokens import revoke_sessions
from accounts.tokens import start_session
from tests.factories import PASSWORD
from tests.support import DETECTIONS_SOCKET
from tests.support import websocket

LOGIN = "/api/v1/users/login"
REFRESH = "/api/v1/users/token/refresh"
LOGOUT = "/api/v1/users/logout"
ME = "/api/v1/users/me"


def login() -> dict[str, str]:
    response = APIClient().post(LOGIN, {"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
    return dict(response.json())


def me(access: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.get(ME).status_code


def logout(tokens: dict[str, str]) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    return client.post(LOGOUT, {"refresh": tokens["refresh"]}).status_code


@pytest.mark.django_db
def test_logout_revokes_every_access_token_of_the_session(alice: User) -> None:
    """Tokens from before and after a refresh both stop working; another login does not."""
    first = login()
    refreshed = APIClient().post(REFRESH, {"refresh": first["refresh"]}).json()
    other_session = login()
    assert logout(refreshed) == 205
    assert me(first["access"]) == 401
    assert me(refreshed["access"]) == 401
    assert (
        APIClient().post(REFRESH, {"refresh": refreshed["refresh"]}).status_code == 401
    )
    assert me(other_session["access"]) == 200
    assert RevokedSession.objects.count() == 1


@pytest.mark.django_db
def test_refresh_is_refused_for_a_revoked_session(alice: User) -> None:
    """An unused refresh token of a logged-out session cannot start over."""
    refresh = start_session(alice)
    revoke_sessions([refresh.access_token])
    response = APIClient().post(REFRESH, {"refresh": str(refresh)})
    assert response.status_code == 401


@pytest.mark.django_db(transaction=True)
async def test_logout_closes_the_sessions_sockets_only(alice: User) -> None:
    """The logged-out session's socket closes with 4401; another session's stays open."""
    ending, staying = await sync_to_async(login)(), await sync_to_async(login)()
    ending_socket = websocket(DETECTIONS_SOCKET, "bearer", ending["access"])
    staying_socket = websocket(DETECTIONS_SOCKET, "bearer", staying["access"])
    assert (await ending_socket.connect())[0]
    assert (await staying_socket.connect())[0]
    assert await sync_to_async(logout)(ending) == 205
    assert await ending_socket.receive_output(timeout=5) == {
        "type": "websocket.close",
        "code": 4401,
    }
    assert await staying_socket.receive_nothing(timeout=0.5)
    await staying_socket.disconnect()
    await ending_socket.disconnect()
