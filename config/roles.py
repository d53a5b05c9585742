"""How to start each role of the platform: its command line and its environment.

``manage.py serve`` supervises these roles, and the benchmark and the test
harnesses start theirs from here too, so a flag or a variable that a role
needs reaches all of them. No Django: the benchmark uses it before settings.
"""

import os
import platform
import sys
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from pathlib import Path

from config.celery import FINALIZE_QUEUE
from config.celery import INFERENCE_QUEUE
from config.celery import PREPROCESS_QUEUE
from config.celery import STREAM_QUEUE
from config.celery import WEBHOOKS_QUEUE

ASGI_APPLICATION = "config.asgi:application"
# One worker each: results and the sweeper never wait behind recordings to
# decode, and a slow webhook receiver never delays either.
CPU_QUEUES = (PREPROCESS_QUEUE, FINALIZE_QUEUE, WEBHOOKS_QUEUE)
# Live streams' windows first: one model process serves both queues, since a
# second one would halve each one's share of a small machine.
INFERENCE_QUEUES = (STREAM_QUEUE, INFERENCE_QUEUE)
# tcmalloc keeps batched inference from slowing down under glibc's malloc.
ALLOCATORS = tuple(
    Path(f"/usr/lib/{platform.machine()}-linux-gnu/{library}")
    for library in ("libtcmalloc_minimal.so.4", "libjemalloc.so.2")
)


@dataclass(frozen=True)
class Launch:
    """One role: its command line, the variables it sets, and a worker's queues."""

    name: str
    command: tuple[str, ...]
    variables: Mapping[str, str] = field(default_factory=dict)
    queues: tuple[str, ...] = ()  # empty for the web and beat

    def environment(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """``base`` (this process's environment by default) with the role's variables."""
        return {**(os.environ if base is None else base), **self.variables}


def web(
    host: str = "127.0.0.1", port: int = 8000, trusted_proxies: Sequence[str] = ()
) -> Launch:
    """uvicorn serving the API, the dashboard and the WebSockets."""
    command = (
        *(sys.executable, "-m", "uvicorn", ASGI_APPLICATION),
        *("--host", host, "--port", str(port)),
        # Empty: forwarded headers are ignored (uvicorn's default trusts loopback).
        *("--forwarded-allow-ips", ",".join(trusted_proxies)),
        "--no-server-header",
    )
    return Launch("web", command)


def worker(
    name: str,
    queues: Sequence[str],
    *,
    concurrency: int = 1,
    quiet: bool = False,
    isolated: bool = False,
) -> Launch:
    """`celery worker` on ``queues`` (the first served first), as node ``name@<host>``."""
    command = (
        *celery("worker", quiet=quiet),
        *("-Q", ",".join(queues), "-c", str(concurrency), "-n", node_name(name)),
    )
    if isolated:
        # Tests start and stop workers by the dozen: skip the start-up sync
        # with the others and their heartbeat chatter.
        command += ("--without-gossip", "--without-mingle")
    return Launch(name, command, queues=tuple(queues))


def inference_worker(name: str, device: str, *, quiet: bool = False) -> Launch:
    """The model's worker on ``device``, with tcmalloc preloaded where installed."""
    launch = worker(name, INFERENCE_QUEUES, quiet=quiet)
    return replace(launch, variables={"DETECTOR_DEVICE": device, **preload()})


def beat(schedule: Path, *, quiet: bool = False) -> Launch:
    """The periodic scheduler; run exactly one, or its tasks run twice."""
    return Launch("beat", (*celery("beat", quiet=quiet), "-s", str(schedule)))


def all_roles(
    host: str,
    port: int,
    devices: Sequence[str],
    schedule: Path,
    trusted_proxies: Sequence[str] = (),
) -> list[Launch]:
    """The whole platform: web, a worker per CPU queue, beat, one model worker per device."""
    return [
        web(host, port, trusted_proxies),
        *(worker(queue, [queue]) for queue in CPU_QUEUES),
        beat(schedule),
        *(
            inference_worker(f"inference{number}", device)
            for number, device in enumerate(devices)
        ),
    ]


def metrics_variables(directory: Path, port: int) -> dict[str, str]:
    """Where a worker's processes share their metrics, and the port serving them (0: none)."""
    return {
        "PROMETHEUS_MULTIPROC_DIR": str(directory),
        "DETECTOR_WORKER_METRICS_PORT": str(port),
    }


def preload() -> dict[str, str]:
    """LD_PRELOAD of the first allocator installed, or nothing."""
    allocator = next((path for path in ALLOCATORS if path.exists()), None)
    return {"LD_PRELOAD": str(allocator)} if allocator else {}


def node_name(name: str) -> str:
    """A worker's Celery node name; Celery fills in the host for ``%h``."""
    return f"{name}@%h"


def celery(*arguments: str, quiet: bool) -> tuple[str, ...]:
    # --quiet: no banner, so every line of the output is a log record.
    options = ("--quiet",) if quiet else ()
    return (sys.executable, "-m", "celery", "-A", "config", *options, *arguments)


# Each CPU queue's container: the variable sizing its pool, and its default.
CONTAINER_POOLS = {
    PREPROCESS_QUEUE: ("DETECTOR_PREPROCESS_CONCURRENCY", "2"),
    FINALIZE_QUEUE: ("DETECTOR_FINALIZE_CONCURRENCY", "2"),
    WEBHOOKS_QUEUE: ("DETECTOR_WEBHOOK_CONCURRENCY", "4"),
}
CONTAINER_ROLES = ("web", *CONTAINER_POOLS, "inference", "beat")


def container_role(name: str, env: Mapping[str, str]) -> Launch:
    """A container image's role (docker/start/*), set by the deployment's variables.

    Workers and beat are quiet, so every line a container prints is a log record.
    """
    if name == "web":
        proxies = env.get("DETECTOR_TRUSTED_PROXIES", "").split(",")
        port = int(env.get("PORT", "8000"))
        return web("0.0.0.0", port, [p for p in proxies if p])  # noqa: S104
    if name in CONTAINER_POOLS:
        variable, default = CONTAINER_POOLS[name]
        size = int(env.get(variable, default))
        return worker(name, [name], concurrency=size, quiet=True)
    if name == "inference":
        # Prefork with one child: time limits work, and CUDA starts only in the child.
        return inference_worker(name, env.get("DETECTOR_DEVICE", ""), quiet=True)
    if name == "beat":
        return beat(Path("/tmp/celerybeat-schedule"), quiet=True)  # noqa: S108
    raise ValueError(f"no container role {name!r}; one of {', '.join(CONTAINER_ROLES)}")


def main(arguments: Sequence[str]) -> None:
    """``python -m config.roles ROLE``: become that role, as a container starts it."""
    if len(arguments) != 1 or arguments[0] not in CONTAINER_ROLES:
        sys.exit(f"usage: python -m config.roles {{{','.join(CONTAINER_ROLES)}}}")
    launch = container_role(arguments[0], os.environ)
    os.execvpe(launch.command[0], launch.command, launch.environment())  # noqa: S606


if __name__ == "__main__":
    main(sys.argv[1:])
