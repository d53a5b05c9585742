"""Throttles count per client address, which X-Forwarded-For cannot forge (real uvicorn)."""

import json
from collections.abc import Iterator

import pytest

from accounts.models import User
from tests.factories import PASSWORD
from tests.live_server import LiveServer
from tests.live_server import uvicorn_server

pytestmark = pytest.mark.django_db(transaction=True)

LOGIN = "/api/v1/users/login"
REGISTER = "/api/v1/users/register"
RATES = {"DETECTOR_THROTTLE_LOGIN": "3/min", "DETECTOR_THROTTLE_REGISTER": "2/min"}


@pytest.fixture(scope="module")
def direct_server(
    django_db_setup: None, django_db_blocker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The web as `manage.py serve` runs it by default: no proxy is trusted."""
    with (
        django_db_blocker.unblock(),
        uvicorn_server(tmp_path_factory.mktemp("direct"), **RATES) as server,
    ):
        yield server


@pytest.fixture(scope="module")
def proxied_server(
    django_db_setup: None, django_db_blocker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The web behind one trusted reverse proxy on loopback."""
    with (
        django_db_blocker.unblock(),
        uvicorn_server(
            tmp_path_factory.mktemp("proxied"),
            DETECTOR_TRUSTED_PROXIES="127.0.0.1",
            **RATES,
        ) as server,
    ):
        yield server


def post(server: LiveServer, path: str, body: dict[str, str], forwarded: str) -> int:
    headers = {"Content-Type": "application/json", "X-Forwarded-For": forwarded}
    return server.request("POST", path, json.dumps(body), headers).status


def login(server: LiveServer, password: str, forwarded: str) -> int:
    return post(server, LOGIN, {"username": "alice", "password": password}, forwarded)


def test_rotating_forwarded_for_does_not_escape_login_throttle(
    direct_server: LiveServer, alice: User
) -> None:
    """A new X-Forwarded-For on every guess still hits 429, and so does the right password."""
    guesses = [login(direct_server, "wrong", f"203.0.113.{n}") for n in range(4)]
    assert guesses == [401, 401, 401, 429]
    assert login(direct_server, PASSWORD, "198.51.100.1") == 429


def test_rotating_forwarded_for_does_not_escape_register_throttle(
    direct_server: LiveServer,
) -> None:
    """Registration is counted per connecting address too."""
    statuses = [post(direct_server, REGISTER, {}, f"203.0.113.{n}") for n in range(3)]
    assert statuses == [400, 400, 429]


def test_trusted_proxy_makes_right_most_forwarded_address_the_client(
    proxied_server: LiveServer, alice: User
) -> None:
    """Behind one trusted proxy, the address it appended is the client; what the client wrote is ignored."""
    guesses = [
        login(proxied_server, "wrong", f"10.0.0.{n}, 198.51.100.7") for n in range(4)
    ]
    assert guesses == [401, 401, 401, 429]
    # Another client behind the same proxy keeps its own budget.
    assert login(proxied_server, PASSWORD, "198.51.100.8") == 200
