"""Real Celery workers and beat in their own processes, as `manage.py serve` runs them."""

import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import replace
from pathlib import Path

from django.conf import settings
from django.db import connections

from bench.services import free_port
from config import roles

ROOT = Path(__file__).resolve().parents[2]


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
        "DETECTOR_SCORING_PATH": "fp32",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "HF_HUB_DISABLE_PROGRESS_BARS": "1",
        "PYTHONWARNINGS": "ignore:You're running the worker with superuser",
        **overrides,
    }


@dataclass
class Service:
    """A started process and its log file; a worker's metrics too."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path
    metrics_dir: Path | None = None
    metrics_port: int = 0

    @property
    def metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.metrics_port}/metrics"

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

    def text_once_logged(self, line: str, timeout: float = 15) -> str:
        """The log once ``line`` is in it: a worker logs after it commits."""
        deadline = time.monotonic() + timeout
        while line not in (text := self.text()) and time.monotonic() < deadline:
            time.sleep(0.1)
        return text


def start(
    launch: roles.Launch, environment: dict[str, str], directory: Path, name: str
) -> Service:
    """The role on ``environment``, its output in ``directory``/``name``.log."""
    log = directory / f"{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            launch.command,
            cwd=ROOT,
            env=launch.environment(environment),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return Service(name, process, log)


def start_worker_process(
    queues: Sequence[str],
    environment: dict[str, str],
    directory: Path,
    concurrency: int = 1,
) -> Service:
    """`celery worker` on ``queues``; returns once its metrics endpoint answers."""
    name = "-".join(queues)
    port = free_port()
    metrics = directory / f"prometheus-{name}"
    metrics.mkdir()
    launch = roles.worker(
        f"{name}-{port}", queues, concurrency=concurrency, quiet=True, isolated=True
    )
    variables = roles.metrics_variables(metrics, port)
    worker = start(launch, {**environment, **variables}, directory, name)
    worker = replace(worker, metrics_dir=metrics, metrics_port=port)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert worker.process.poll() is None, worker.text()
        try:
            urllib.request.urlopen(worker.metrics_url, timeout=2)
            return worker
        except OSError:
            time.sleep(0.25)
    worker.stop()
    raise AssertionError(f"worker {name} did not start:\n{worker.text()}")


def start_beat(environment: dict[str, str], directory: Path) -> Service:
    launch = roles.beat(directory / "celerybeat-schedule", quiet=True)
    return start(launch, environment, directory, launch.name)
