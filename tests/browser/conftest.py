"""The real platform in subprocesses: uvicorn and a prefork Celery worker on the test database."""

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from bench.services import free_port
from config import roles
from config.celery import FINALIZE_QUEUE
from config.celery import INFERENCE_QUEUE
from config.celery import PREPROCESS_QUEUE
from config.celery import STREAM_QUEUE
from inference.offline_model import save_random_checkpoint
from inference.training.coverage import declared_coverage
from tests.xdist_redis import platform_redis_url

ROOT = Path(__file__).resolve().parents[2]


def demo_checkpoint(directory: Path) -> Path:
    """A tiny random checkpoint declaring the default's coverage, so results get notes."""
    save_random_checkpoint(directory, "tiny")
    info = {"coverage": declared_coverage({})}
    (directory / "build_info.json").write_text(json.dumps(info))
    return directory


def wait_until_serving(url: str, processes: list[subprocess.Popen[bytes]]) -> None:
    for _ in range(240):
        if any(process.poll() is not None for process in processes):
            raise RuntimeError("a platform process exited during start-up")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError(f"{url} did not answer")


@pytest.fixture(scope="module")
def platform_url(
    django_db_setup: None, django_db_blocker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Base URL of a running web process and worker on the test database.

    They use their own Redis database, so their worker never takes tasks
    queued by other tests.
    """
    if not (settings.FRONTEND_DIST / "index.html").exists():
        pytest.fail("the dashboard is not built: run `make frontend`")
    workdir = tmp_path_factory.mktemp("platform")
    port = free_port()
    with django_db_blocker.unblock():
        database = connection.settings_dict["NAME"]
    environment = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "REDIS_URL": platform_redis_url(settings.REDIS_URL),
        "DETECTOR_MODEL": str(demo_checkpoint(workdir / "model")),
        "DETECTOR_BATCH_SIZE": "1",
        "DETECTOR_SCORING_PATH": "fp32",
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    queues = [STREAM_QUEUE, PREPROCESS_QUEUE, INFERENCE_QUEUE, FINALIZE_QUEUE]
    launches = [roles.web(port=port), roles.worker(f"browser-{port}", queues)]
    logs = [(workdir / f"{launch.name}.log").open("wb") for launch in launches]
    processes = [
        subprocess.Popen(
            launch.command,
            cwd=ROOT,
            env=launch.environment(environment),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for launch, log in zip(launches, logs, strict=True)
    ]
    url = f"http://127.0.0.1:{port}"
    browser_redis = redis.Redis.from_url(environment["REDIS_URL"])
    browser_redis.flushdb()
    try:
        wait_until_serving(f"{url}/api/v1/schema/", processes)
        yield url
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
        for log in logs:
            log.close()
        browser_redis.flushdb()
