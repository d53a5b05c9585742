"""Run the whole platform on this machine: web, workers and the scheduler, until Ctrl-C.

Each role runs under ``config.supervisor``: one that crashes is restarted with
a backoff, and the others keep serving.
"""

import os
import shutil
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.management.base import CommandParser

from config import roles
from config.supervisor import Role
from config.supervisor import Supervisor
from detector.report.model_facts import serving_facts


def metrics_environment(state: Path, name: str, offset: int) -> dict[str, str]:
    """A worker's own, emptied metrics directory and, when enabled, its own port."""
    directory = state / "prometheus" / name
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    base = settings.DETECTOR_WORKER_METRICS_PORT
    return roles.metrics_variables(directory, base + offset if base else 0)


def role_environment(
    launch: roles.Launch, state: Path, offset: int | None
) -> dict[str, str]:
    """Called before every start: a restarted worker's metrics start empty too."""
    if offset is None:  # the web and beat keep no worker metrics
        return launch.environment()
    return {**launch.environment(), **metrics_environment(state, launch.name, offset)}


def supervised(launches: list[roles.Launch], state: Path) -> list[Role]:
    """The supervisor's roles; the workers take the metrics ports in turn."""
    workers = (launch for launch in launches if launch.queues)
    offsets = {launch.name: offset for offset, launch in enumerate(workers)}
    return [
        Role(
            launch.name,
            launch.command,
            partial(role_environment, launch, state, offsets.get(launch.name)),
        )
        for launch in launches
    ]


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
        state_dir.mkdir(parents=True, exist_ok=True)
        launches = roles.all_roles(
            host,
            port,
            [device.strip() for device in devices.split(",")],
            state_dir / "celerybeat-schedule",
            settings.DETECTOR_TRUSTED_PROXIES,
        )
        self.stdout.write(model_line())
        self.stdout.write(
            self.style.SUCCESS(
                f"Serving on http://{host}:{port}/ (Ctrl-C stops; a role that "
                "exits is restarted)"
            )
        )
        Supervisor(supervised(launches, state_dir), report=self.report).run()

    def report(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()  # a pipe (a log file, a test) sees each line at once
