"""Private Redis and PostgreSQL servers on free loopback ports, for fault runs.

The fault tests and ``make chaos`` stop and restart these; the shared
services on the standard ports are never touched.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import suppress
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import psycopg
import redis

# initdb and postgres refuse to run as root.
POSTGRES_USER = "postgres" if os.geteuid() == 0 else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PrivateRedis:
    """A redis-server of our own, without persistence."""

    workdir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [
            "redis-server",
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", str(self.workdir),
        ]  # fmt: skip
        with (self.workdir / "redis.log").open("ab") as log:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT
            )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"private redis-server on port {self.port} did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@dataclass
class PrivatePostgres:
    """A PostgreSQL cluster of our own (fsync off) holding one ``detector`` database."""

    root: Path
    port: int = field(default_factory=free_port)
    bindir: Path = field(
        default_factory=lambda: sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    )

    @classmethod
    def create(cls) -> "PrivatePostgres":
        """initdb a new cluster in a fresh temporary directory, start it, add the database."""
        root = Path(tempfile.mkdtemp(prefix="detector-pg-"))
        if POSTGRES_USER:
            shutil.chown(root, POSTGRES_USER)
        server = cls(root)
        subprocess.run(
            [
                *(str(server.bindir / "initdb"), "-D", str(server.data)),
                *("-U", "postgres", "-A", "trust", "--no-sync"),
            ],
            check=True,
            capture_output=True,
            timeout=120,
            user=POSTGRES_USER,
        )
        server.start()
        with psycopg.connect(
            f"postgresql://postgres@127.0.0.1:{server.port}/postgres", autocommit=True
        ) as admin:
            admin.execute("CREATE DATABASE detector")
        return server

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/detector"

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data}"
        self._pg_ctl("-o", f"{options} -c fsync=off", "-l", f"{self.data}/log", "start")

    def stop(self) -> None:
        self._pg_ctl("-m", "fast", "stop")

    def destroy(self) -> None:
        """Stop the cluster if it runs and delete its files."""
        with suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def _pg_ctl(self, *arguments: str) -> None:
        subprocess.run(
            [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-w", *arguments],
            check=True,
            capture_output=True,
            timeout=60,
            user=POSTGRES_USER,
        )
