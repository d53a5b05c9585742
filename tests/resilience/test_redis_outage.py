"""With Redis down the API keeps answering; revocations outlive a Redis restart."""

import time
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from accounts.models import User
from bench.services import PrivateRedis
from tests.audio_fixtures import wav_bytes
from tests.factories import PASSWORD
from tests.live_server import LiveServer
from tests.live_server import uvicorn_server
from tests.resilience.conftest import bearer
from tests.resilience.conftest import celery_worker_process
from tests.resilience.conftest import login
from tests.resilience.conftest import multipart

pytestmark = pytest.mark.django_db(transaction=True)


def upload(server: LiveServer, token: str) -> int:
    body, content_type = multipart(wav_bytes(2.0))
    headers = {**bearer(token), "Content-Type": content_type}
    return server.request("POST", "/api/v1/audio/upload", body, headers).status


def socket_close_code(server: LiveServer, token: str) -> int | None:
    """Open the detections socket; the code it is closed with (None: still open)."""
    with connect(
        f"ws://127.0.0.1:{server.port}/ws/v1/detections/",
        subprotocols=["bearer", token],
        origin="http://127.0.0.1",
        open_timeout=10,
    ) as socket:
        try:
            socket.recv(timeout=3)
        except TimeoutError:
            return None
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
    return None


def test_api_keeps_working_while_redis_is_down(
    alice: User, private_redis: PrivateRedis, tmp_path: Path
) -> None:
    """Login, me, upload (202), status and logout answer; the socket closes with 1013."""
    environment = {"REDIS_URL": private_redis.url, "REDIS_SOCKET_TIMEOUT": "1"}
    with uvicorn_server(tmp_path, **environment) as server:
        before = login(server, "alice", PASSWORD)
        private_redis.stop()
        tokens = login(server, "alice", PASSWORD)  # throttle fails open
        assert (
            server.request(
                "GET", "/api/v1/users/me", None, bearer(tokens["access"])
            ).status
            == 200
        )
        assert upload(server, tokens["access"]) == 202
        history = server.request(
            "GET", "/api/v1/audio/history", None, bearer(tokens["access"])
        )
        assert history.status == 200
        request_id = history.json()["results"][0]["request_id"]
        status = server.request(
            "GET", f"/api/v1/audio/status/{request_id}", None, bearer(tokens["access"])
        )
        assert (status.status, status.json()["status"]) == (200, "pending")
        # Try Again Later, not a 500 during the handshake.
        assert socket_close_code(server, tokens["access"]) == 1013

        logout = server.request(
            "POST",
            "/api/v1/users/logout",
            f'{{"refresh": "{before["refresh"]}"}}',
            {**bearer(before["access"]), "Content-Type": "application/json"},
        )
        assert logout.status == 205
        me = server.request("GET", "/api/v1/users/me", None, bearer(before["access"]))
        assert me.status == 401

        private_redis.start()  # empty: nothing of the outage survived in Redis
        assert (
            server.request(
                "GET", "/api/v1/users/me", None, bearer(before["access"])
            ).status
            == 401
        )
        assert (
            server.request(
                "GET", "/api/v1/users/me", None, bearer(tokens["access"])
            ).status
            == 200
        )


def test_logout_outlives_a_redis_restart(
    alice: User, private_redis: PrivateRedis, tmp_path: Path
) -> None:
    """A session logged out before Redis restarts stays refused afterwards, sockets included."""
    with uvicorn_server(tmp_path, REDIS_URL=private_redis.url) as server:
        tokens = login(server, "alice", PASSWORD)
        logout = server.request(
            "POST",
            "/api/v1/users/logout",
            f'{{"refresh": "{tokens["refresh"]}"}}',
            {**bearer(tokens["access"]), "Content-Type": "application/json"},
        )
        assert logout.status == 205
        private_redis.stop()
        private_redis.start()
        me = server.request("GET", "/api/v1/users/me", None, bearer(tokens["access"]))
        assert me.status == 401
        refresh = server.request(
            "POST",
            "/api/v1/users/token/refresh",
            f'{{"refresh": "{tokens["refresh"]}"}}',
            {"Content-Type": "application/json"},
        )
        assert refresh.status == 401
        assert socket_close_code(server, tokens["access"]) == 4401
        assert (
            socket_close_code(server, login(server, "alice", PASSWORD)["access"])
            is None
        )


@pytest.mark.pipeline
def test_upload_during_redis_outage_completes_once_redis_is_back(
    alice: User, private_redis: PrivateRedis, tmp_path: Path
) -> None:
    """The upload answers 202 while Redis is down; the sweeper queues it once Redis returns."""
    from inference.offline_model import save_random_checkpoint

    model = save_random_checkpoint(tmp_path / "model", "tiny")
    environment = {
        "REDIS_URL": private_redis.url,
        "REDIS_SOCKET_TIMEOUT": "1",
        "DETECTOR_SWEEP_INTERVAL_SECONDS": "2",
        "DETECTOR_PENDING_REQUEUE_SECONDS": "2",
    }
    with uvicorn_server(tmp_path, **environment) as server:
        private_redis.stop()
        token = login(server, "alice", PASSWORD)["access"]
        assert upload(server, token) == 202
        history = server.request("GET", "/api/v1/audio/history", None, bearer(token))
        status_path = (
            f"/api/v1/audio/status/{history.json()['results'][0]['request_id']}"
        )

        private_redis.start()
        back = time.monotonic()
        worker_environment = {
            **environment,
            "DETECTOR_MODEL": str(model),
            "DETECTOR_BATCH_SIZE": "1",
            "DETECTOR_SCORING_PATH": "fp32",
        }
        with celery_worker_process(tmp_path, **worker_environment):
            deadline = back + 240
            state = ""
            while time.monotonic() < deadline and state not in {"completed", "failed"}:
                time.sleep(1)
                state = server.request("GET", status_path, None, bearer(token)).json()[
                    "status"
                ]
        print(  # noqa: T201
            f"\nupload made during the outage {state} "
            f"{time.monotonic() - back:.1f} s after Redis came back (worker start included)"
        )
        assert state == "completed", (tmp_path / "worker.log").read_text()[-3000:]
