"""Real Celery workers and beat in their own processes, as `manage.py serve` runs them."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections

from bench.services import free_port

ROOT = Path(__file__).resolve().parents[2]
CELERY = [sys.executable, "-m", "celery", "-A", "config", "--quiet"]


def database_url(alias: str = "default") -> str:
    """The URL of a database Django knows, for the processes started here."""
    db = connections[alias].settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def pipeline_environment(demo_model: Path, **overrides: str) -> dict[str, str]:
    """The tests' database, Redis, media and demo model; one chunk per scoring batch."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DETECTOR_MODEL": str(demo_model),
        "DETECTOR_BATCH_SIZE": "1",
        "DETECTOR_CPU_OPTIMIZE": "false",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "HF_HUB_DISABLE_PROGRESS_BARS": "1",
        "PYTHONWARNINGS": "ignore:You're running the worker with superuser",
        **overrides,
    }


@dataclass
class Service:
    """A started process and its log file."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def text(self) -> str:
        return self.log.read_text(errors="replace")


def start(
    name: str, command: list[str], environment: dict[str, str], directory: Path
) -> Service:
    log = directory / f"{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT
        )
    return Service(name, process, log)


def start_worker_process(
    queues: Iterable[str],
    environment: dict[str, str],
    directory: Path,
    concurrency: int = 1,
) -> Service:
    """`celery worker` on ``queues``; returns once its metrics endpoint answers."""
    name = "-".join(queues)
    port = free_port()
    metrics = directory / f"prometheus-{name}"
    metrics.mkdir()
    command = [
        *CELERY,
        *("worker", "-c", str(concurrency), "-Q", ",".join(queues)),
        *("-n", f"{name}-{port}@%h"),
        *("--without-gossip", "--without-mingle"),
    ]
    worker = start(
        name,
        command,
        {
            **environment,
            "PROMETHEUS_MULTIPROC_DIR": str(metrics),
            "DETECTOR_WORKER_METRICS_PORT": str(port),
        },
        directory,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert worker.process.poll() is None, worker.text()
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2)
            return worker
        except OSError:
            time.sleep(0.25)
    raise AssertionError(f"worker {name} did not start:\n{worker.text()}")


def start_beat(environment: dict[str, str], directory: Path) -> Service:
    schedule = directory / "celerybeat-schedule"
    return start("beat", [*CELERY, "beat", "-s", str(schedule)], environment, directory)
