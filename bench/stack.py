"""The whole platform, served as `make run` serves it, on private Redis and PostgreSQL.

Used by ``make chaos``: the scenarios stop and restart the private services
and kill roles of ``manage.py serve``, then watch through the REST API, the
detections WebSocket and the ORM (this process is a Django client of the
same private database).
"""

import http.client
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextlib import suppress
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import django
from websockets.exceptions import WebSocketException
from websockets.sync.client import connect
from websockets.typing import Origin
from websockets.typing import Subprotocol

from bench.services import PrivatePostgres
from bench.services import PrivateRedis
from bench.services import free_port
from config import roles

ROOT = Path(__file__).resolve().parents[1]
FINAL_EVENTS = ("detection.completed", "detection.failed")


@dataclass(frozen=True)
class Answer:
    """One HTTP exchange; ``status`` 0 means no answer (refused, reset, timed out)."""

    status: int
    seconds: float
    body: Any = None
    is_json: bool = False


@dataclass(frozen=True)
class Client:
    """HTTP/1.1 on a fresh loopback connection per call, as independent clients would."""

    port: int
    token: str = ""

    def call(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30.0,
    ) -> Answer:
        headers = dict(headers or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            return Answer(0, time.perf_counter() - started)
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        if response.getheader("Content-Type", "").startswith("application/json"):
            body = json.loads(content or b"null")
            return Answer(response.status, seconds, body, is_json=True)
        return Answer(response.status, seconds)

    def post_json(self, path: str, payload: dict[str, Any]) -> Answer:
        body = json.dumps(payload).encode()
        return self.call("POST", path, body, {"Content-Type": "application/json"})

    def upload(self, content: bytes, name: str = "chaos.wav") -> Answer:
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="{name}"\r\nContent-Type: audio/wav\r\n\r\n'
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self.call("POST", "/api/v1/audio/upload", body, headers, timeout=60)

    def status(self, request_id: str) -> Answer:
        return self.call("GET", f"/api/v1/audio/status/{request_id}")


@dataclass
class FinalEvents:
    """Counts the final WebSocket messages per detection, reconnecting when dropped."""

    port: int
    token: str
    counts: Counter[str] = field(default_factory=Counter)
    stopping: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._thread = threading.Thread(target=self._listen, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self._thread.join(timeout=10)

    def _listen(self) -> None:
        while not self.stopping.is_set():
            with (
                suppress(OSError, WebSocketException, TimeoutError),
                connect(
                    f"ws://127.0.0.1:{self.port}/ws/v1/detections/",
                    subprotocols=[Subprotocol("bearer"), Subprotocol(self.token)],
                    origin=Origin("http://127.0.0.1"),
                    open_timeout=5,
                ) as socket_,
            ):
                while not self.stopping.is_set():
                    with suppress(TimeoutError):
                        message = json.loads(socket_.recv(timeout=1))
                        if message.get("type") in FINAL_EVENTS:
                            self.counts[message["request_id"]] += 1
            time.sleep(0.5)


@dataclass
class Stack:
    """Private services, the environment that points at them, and ``manage.py serve``."""

    root: Path
    redis: PrivateRedis
    postgres: PrivatePostgres
    port: int = field(default_factory=free_port)
    serve: subprocess.Popen[bytes] | None = None

    @property
    def log(self) -> Path:
        return self.root / "serve.log"

    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.postgres.url,
            "REDIS_URL": self.redis.url,
            "MEDIA_ROOT": str(self.root / "media"),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DETECTOR_WORKER_METRICS_PORT": "0",
            # The scenarios measure the platform under load, not its throttles.
            "DETECTOR_THROTTLE_UPLOAD": "100000/min",
            "DETECTOR_THROTTLE_LOGIN": "100000/min",
            "DETECTOR_THROTTLE_REGISTER": "100000/min",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }

    def start_serving(self) -> None:
        """``manage.py serve`` in a process group of its own; returns once the API answers."""
        with self.log.open("ab") as log:
            self.serve = subprocess.Popen(
                [sys.executable, "manage.py", "serve", "--port", str(self.port),
                 "--state-dir", str(self.root / "var")],
                cwd=ROOT, env=self.environment(), stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        self.wait_for_web(timeout=120)

    def wait_for_web(self, timeout: float) -> float:
        """Seconds until the web role answers HTTP again."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.serve and self.serve.poll() is not None:
                raise RuntimeError(f"manage.py serve exited; see {self.log}")
            if Client(self.port).call("GET", "/api/v1/health", timeout=5).status:
                return time.monotonic() - started
            time.sleep(0.2)
        raise RuntimeError(
            f"the web role did not answer within {timeout:.0f} s; see {self.log}"
        )

    def role_pid(self, role: str) -> int:
        """The pid of a role's main process (``web``, ``preprocess``, ``inference0``…)."""
        marker = roles.ASGI_APPLICATION if role == "web" else roles.node_name(role)
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with suppress(OSError):
                arguments = (entry / "cmdline").read_bytes().split(b"\0")
                parent = (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
                if (
                    self.serve
                    and int(parent) == self.serve.pid
                    and (marker.encode() in arguments)
                ):
                    return int(entry.name)
        raise LookupError(f"no running {role} role under manage.py serve")

    def stop_serving(self) -> float:
        """Ctrl-C, as a terminal sends it; seconds until every role has stopped."""
        assert self.serve is not None
        started = time.monotonic()
        os.killpg(self.serve.pid, signal.SIGINT)
        self.serve.wait(timeout=90)
        return time.monotonic() - started

    def restarts(self) -> list[str]:
        """The supervisor's lines about roles that exited."""
        return [
            line
            for line in self.log.read_text().splitlines()
            if "restarting in" in line
        ]


@contextmanager
def private_stack() -> Iterator[Stack]:
    """Everything started, migrated and serving; all of it stopped and deleted after."""
    root = Path(tempfile.mkdtemp(prefix="detector-chaos-"))
    postgres = PrivatePostgres.create()
    redis_server = PrivateRedis(root)
    redis_server.start()
    stack = Stack(root, redis_server, postgres)
    os.environ.update(
        {
            key: stack.environment()[key]
            for key in ("DATABASE_URL", "REDIS_URL", "MEDIA_ROOT", "SECRET_KEY")
        }
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    django.setup()
    from django.core.management import call_command

    try:
        call_command("migrate", verbosity=0)
        stack.start_serving()
        yield stack
    except BaseException:
        if stack.log.exists():
            kept = Path(tempfile.gettempdir()) / f"{root.name}-serve.log"
            shutil.copy(stack.log, kept)
            print(f"manage.py serve's output is kept in {kept}", file=sys.stderr)
        raise
    finally:
        if stack.serve and stack.serve.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(stack.serve.pid, signal.SIGKILL)
        from django.db import connections

        connections.close_all()
        redis_server.stop()
        postgres.destroy()
        shutil.rmtree(root, ignore_errors=True)
