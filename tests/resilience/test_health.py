"""Health is cheap and bounded: a flood costs nothing, a dead Redis is named in time."""

import json
import os
import signal
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis

from accounts.models import User
from bench.services import PrivateRedis
from inference import heartbeat
from inference import presence
from tests.audio_fixtures import wav_bytes
from tests.factories import PASSWORD
from tests.live_server import LiveServer
from tests.live_server import uvicorn_server
from tests.resilience.conftest import bearer
from tests.resilience.conftest import login
from tests.resilience.conftest import multipart

pytestmark = pytest.mark.django_db(transaction=True)

HEALTH = "/api/v1/health"
TIMEOUT = 1.0
FLOOD = 200


def fake_inference_worker(server: PrivateRedis) -> None:
    """Announce an inference worker the way a real one does."""
    presence.announce(
        redis.Redis(port=server.port),
        heartbeat.KIND,
        "inference0@test",
        {"queues": ["inference"]},
        ttl=300,
    )


def timed_health(server: LiveServer) -> tuple[int, float, dict[str, str]]:
    started = time.monotonic()
    reply = server.request("GET", HEALTH)
    return reply.status, time.monotonic() - started, reply.json()["checks"]


def percentile(values: list[float], share: float) -> float:
    return sorted(values)[min(len(values) - 1, int(share * len(values)))]


def test_health_flood_leaves_upload_and_status_working(
    alice: User, private_redis: PrivateRedis, tmp_path: Path
) -> None:
    """200 concurrent health calls all answer, and an upload and its status go through meanwhile."""
    fake_inference_worker(private_redis)
    environment = {
        "REDIS_URL": private_redis.url,
        "DETECTOR_HEALTH_TIMEOUT_SECONDS": str(TIMEOUT),
    }
    with uvicorn_server(tmp_path, **environment) as server:
        auth = bearer(login(server, "alice", PASSWORD)["access"])
        start = threading.Barrier(FLOOD + 1)

        def call(_: int) -> tuple[int, float, dict[str, str]]:
            start.wait()
            return timed_health(server)

        with ThreadPoolExecutor(FLOOD) as pool:
            flood = [pool.submit(call, n) for n in range(FLOOD)]
            start.wait()
            body, content_type = multipart(wav_bytes(2.0))
            began = time.monotonic()
            uploaded = server.request(
                "POST",
                "/api/v1/audio/upload",
                body,
                {**auth, "Content-Type": content_type},
            )
            upload_seconds = time.monotonic() - began
            assert uploaded.status == 202, uploaded
            request_id = uploaded.json()["request_id"]
            began = time.monotonic()
            polled = server.request(
                "GET", f"/api/v1/audio/status/{request_id}", None, auth
            )
            status_seconds = time.monotonic() - began
            results = [future.result() for future in flood]

        assert polled.status == 200
        assert [status for status, _, _ in results] == [200] * FLOOD
        latencies = [seconds for _, seconds, _ in results]
        print(  # noqa: T201 - figures for the closing note
            f"\nhealth flood: {FLOOD} calls, p50 {statistics.median(latencies):.3f} s, "
            f"p95 {percentile(latencies, 0.95):.3f} s, max {max(latencies):.3f} s; "
            f"upload {upload_seconds:.3f} s, status {status_seconds:.3f} s"
        )
        # The process is not stalled: health still answers, and quickly.
        status, seconds, checks = timed_health(server)
        assert status == 200, checks
        assert seconds < TIMEOUT + 2


def test_health_names_redis_within_its_timeout_when_redis_stops_or_hangs(
    alice: User, private_redis: PrivateRedis, tmp_path: Path
) -> None:
    """A stopped or frozen Redis gives a prompt 503 naming redis; the database stays ok."""
    fake_inference_worker(private_redis)
    environment = {
        "REDIS_URL": private_redis.url,
        "DETECTOR_HEALTH_TIMEOUT_SECONDS": str(TIMEOUT),
        "DETECTOR_HEALTH_CACHE_SECONDS": "0",
    }
    with uvicorn_server(tmp_path, **environment) as server:
        assert timed_health(server)[0] == 200

        private_redis.stop()
        with ThreadPoolExecutor(20) as pool:
            answers = list(pool.map(lambda _: timed_health(server), range(20)))
        for status, seconds, checks in answers:
            assert status == 503
            assert seconds < TIMEOUT + 2
            assert checks["redis"].startswith("redis unreachable"), checks
            assert checks["database"] == "ok"
        stopped = max(seconds for _, seconds, _ in answers)

        private_redis.start()
        assert private_redis.process is not None
        os.kill(private_redis.process.pid, signal.SIGSTOP)  # accepts, never answers
        try:
            status, frozen, checks = timed_health(server)
        finally:
            os.kill(private_redis.process.pid, signal.SIGCONT)
        assert status == 503
        assert frozen < TIMEOUT + 2
        assert checks["redis"] != "ok"
        assert checks["database"] == "ok"
        print(  # noqa: T201
            f"\nhealth with redis stopped: max {stopped:.3f} s; frozen: {frozen:.3f} s; "
            f"checks {json.dumps(checks)}"
        )
