"""The web process holds a bounded number of PostgreSQL connections under any load."""

import http.client
import os
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from accounts.models import User
from bench.services import PrivateRedis
from tests.factories import PASSWORD
from tests.factories import DetectionFactory
from tests.live_server import uvicorn_server
from tests.resilience.conftest import bearer
from tests.resilience.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)

POLLERS = 100
POOL_SIZE = 8
APPLICATION = "detector-pool-test"
# Bounded; DETECTOR_LOAD_SECONDS=30 repeats the 30-second run.
SECONDS = float(os.environ.get("DETECTOR_LOAD_SECONDS", "10"))


def app_connections() -> int:
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as admin:
        row = admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
            (APPLICATION,),
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_status_pollers_get_no_errors_on_bounded_connections(
    alice: User, private_redis: PrivateRedis, tmp_path: Path
) -> None:
    """100 clients polling a status for a while: every answer 200, connections <= pool size."""
    detection = DetectionFactory(audio_file__user=alice)
    database = connection.settings_dict["NAME"]
    environment = {
        "REDIS_URL": private_redis.url,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}"
        f"?application_name={APPLICATION}",
        "DATABASE_POOL_MAX_SIZE": str(POOL_SIZE),
    }
    with uvicorn_server(tmp_path, **environment) as server:
        auth = bearer(login(server, "alice", PASSWORD)["access"])
        path = f"/api/v1/audio/status/{detection.request_id}"
        deadline = time.monotonic() + SECONDS
        done = threading.Event()
        peak = 0

        def sample() -> None:
            nonlocal peak
            while not done.wait(0.25):
                peak = max(peak, app_connections())

        def poll(_: int) -> tuple[int, list[float]]:
            errors, latencies = 0, []
            client = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            while time.monotonic() < deadline:
                began = time.monotonic()
                try:
                    client.request("GET", path, headers=auth)
                    response = client.getresponse()
                    response.read()
                    errors += response.status != 200
                except (OSError, http.client.HTTPException):
                    errors += 1
                    client.close()
                    client = http.client.HTTPConnection(
                        "127.0.0.1", server.port, timeout=60
                    )
                latencies.append(time.monotonic() - began)
            client.close()
            return errors, latencies

        sampler = threading.Thread(target=sample)
        sampler.start()
        with ThreadPoolExecutor(POLLERS) as pool:
            results = list(pool.map(poll, range(POLLERS)))
        done.set()
        sampler.join()
        after = app_connections()

    errors = sum(count for count, _ in results)
    latencies = sorted(seconds for _, chunk in results for seconds in chunk)
    print(  # noqa: T201 - figures for the closing note
        f"\n{POLLERS} pollers for {SECONDS:g} s: {len(latencies)} requests, "
        f"{errors} errors, p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {latencies[int(0.95 * len(latencies))] * 1000:.0f} ms, "
        f"p99 {latencies[int(0.99 * len(latencies))] * 1000:.0f} ms; "
        f"web connections: peak {peak}, at the end {after} (pool max {POOL_SIZE})"
    )
    assert errors == 0
    assert 0 < peak <= POOL_SIZE
