"""A real uvicorn on the test database, for HTTP that Django's test client cannot send.

Chunked bodies, raw header bytes, header limits and the client address all
depend on the server; tests talk to it with http.client or raw sockets.
"""

import http.client
import json
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from bench.services import free_port
from config import roles

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    body: bytes

    def json(self) -> Any:
        assert self.content_type == "application/json", (self.content_type, self.body)
        return json.loads(self.body)


@dataclass(frozen=True)
class LiveServer:
    port: int

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        chunked: bool = False,
    ) -> Reply:
        """One request on a fresh connection; ``chunked`` sends the body without a length."""
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            if chunked:
                client.request(
                    method, path, iter([body]), headers or {}, encode_chunked=True
                )
            else:
                client.request(method, path, body, headers or {})
            return _reply(client.getresponse())
        finally:
            client.close()

    def raw(self, data: bytes) -> Reply:
        """Send bytes as they are, for requests http.client refuses to write."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=30) as sock:
            sock.sendall(data)
            response = http.client.HTTPResponse(sock)
            response.begin()
            return _reply(response)


def _reply(response: http.client.HTTPResponse) -> Reply:
    content_type = response.getheader("Content-Type", "").split(";")[0]
    return Reply(response.status, content_type, response.read())


@contextmanager
def uvicorn_server(workdir: Path, **environment: str) -> Iterator[LiveServer]:
    """uvicorn started as ``manage.py serve`` starts it, with these settings.

    Call it with the database unblocked; rows the tests write must be committed
    (``django_db(transaction=True)``) for the server to see them.
    """
    port = free_port()
    database = connection.settings_dict["NAME"]
    trusted_proxies = environment.get("DETECTOR_TRUSTED_PROXIES", "")
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(workdir / "media"),
        "LOG_LEVEL": "WARNING",
        **environment,
    }
    launch = roles.web(port=port, trusted_proxies=trusted_proxies.split(","))
    with (workdir / f"uvicorn-{port}.log").open("wb") as log:
        process = subprocess.Popen(
            launch.command,
            cwd=ROOT,
            env=launch.environment(env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_listening(port, process)
            yield LiveServer(port)
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait_until_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("uvicorn exited during start-up")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("uvicorn did not start listening")
