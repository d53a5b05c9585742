"""Run the whole platform on this machine: web, workers and the scheduler, until Ctrl-C.

Each role runs under ``config.supervisor``: one that crashes is restarted with
a backoff, and the others keep serving.
"""

import os
import shutil
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.management.base import CommandParser

from config.celery import INFERENCE_QUEUE
from config.celery import STREAM_QUEUE
from config.supervisor import Role
from config.supervisor import Supervisor
from detector.report.model_facts import serving_facts

# tcmalloc keeps batched inference from slowing down under glibc's malloc.
ALLOCATORS = (
    "/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4",
    "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2",
)


def celery(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "config", *arguments]


def inference_environment(device: str) -> dict[str, str]:
    environment = {**os.environ, "DETECTOR_DEVICE": device}
    allocator = next((path for path in ALLOCATORS if Path(path).exists()), None)
    if allocator:
        environment["LD_PRELOAD"] = allocator
    return environment


def metrics_environment(state: Path, name: str, offset: int) -> dict[str, str]:
    """A worker's own, emptied metrics directory and, when enabled, its own port."""
    directory = state / "prometheus" / name
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    base = settings.DETECTOR_WORKER_METRICS_PORT
    return {
        "PROMETHEUS_MULTIPROC_DIR": str(directory),
        "DETECTOR_WORKER_METRICS_PORT": str(base + offset if base else 0),
    }


def worker_role(
    state: Path,
    queue: str,
    offset: int,
    environment: dict[str, str],
    name: str | None = None,
) -> Role:
    """A one-process worker on ``queue``, its metrics emptied before every start."""
    name = name or queue
    command = celery("worker", "-Q", queue, "-c", "1", "-n", f"{name}@%h", "-l", "info")
    return Role(
        name,
        command,
        lambda: {**environment, **metrics_environment(state, name, offset)},
    )


def model_line() -> str:
    """Which checkpoint the workers will load, said once at start."""
    configured = Path(settings.DETECTOR_MODEL)
    facts = serving_facts()
    if facts is None:
        return f"Serving model {settings.DETECTOR_MODEL} (a hub id)"
    where = (
        configured.resolve().relative_to(settings.BASE_DIR)
        if configured.resolve().is_relative_to(settings.BASE_DIR)
        else configured
    )
    line = f"Serving model {facts.name} {facts.version} from {where}"
    if not facts.trained:
        line += " (UNTRAINED demo: its scores mean nothing; `make model` builds one)"
    return line


class Command(BaseCommand):
    help = "Serve the API, dashboard and WebSockets with Celery workers beside them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("PORT", "8000"))
        )
        parser.add_argument(
            "--devices",
            default=os.environ.get(
                "DETECTOR_DEVICES", settings.DETECTOR_DEVICE or "cpu"
            ),
            help="Comma-separated devices, one inference worker each (cpu, cuda:0, cuda:1...).",
        )
        parser.add_argument(
            "--state-dir",
            type=Path,
            default=Path(settings.BASE_DIR) / "var",
            help="Where the workers' metrics and beat's schedule are kept.",
        )

    def handle(
        self,
        *args: Any,
        host: str,
        port: int,
        devices: str,
        state_dir: Path,
        **options: Any,
    ) -> None:
        state = state_dir
        state.mkdir(parents=True, exist_ok=True)
        roles = [
            Role(
                "web",
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "config.asgi:application",
                    "--host",
                    host,
                    "--port",
                    str(port),
                    # Empty: forwarded headers are ignored (uvicorn's default trusts loopback).
                    "--forwarded-allow-ips",
                    ",".join(settings.DETECTOR_TRUSTED_PROXIES),
                ],
                lambda: dict(os.environ),
            ),
            worker_role(state, "preprocess", 0, dict(os.environ)),
            # Results and the sweeper: never behind the recordings waiting to decode.
            worker_role(state, "finalize", 1, dict(os.environ)),
            # Requests to webhook receivers: a slow one never delays results.
            worker_role(state, "webhooks", 2, dict(os.environ)),
            Role(
                "beat",
                celery("beat", "-s", str(state / "celerybeat-schedule"), "-l", "info"),
                lambda: dict(os.environ),
            ),
        ]
        # Live streams' windows first: one model process serves both queues,
        # since a second one would halve each one's share of a small machine.
        roles += [
            worker_role(
                state,
                f"{STREAM_QUEUE},{INFERENCE_QUEUE}",
                3 + number,
                inference_environment(device.strip()),
                name=f"inference{number}",
            )
            for number, device in enumerate(devices.split(","))
        ]
        self.stdout.write(model_line())
        self.stdout.write(
            self.style.SUCCESS(
                f"Serving on http://{host}:{port}/ (Ctrl-C stops; a role that "
                "exits is restarted)"
            )
        )
        Supervisor(roles, report=self.report).run()

    def report(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()  # a pipe (a log file, a test) sees each line at once
