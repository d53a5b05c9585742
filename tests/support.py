"""Plain helpers shared by test modules, so no test module imports another."""

import ast
import json
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path

from channels.testing import WebsocketCommunicator
from django.core.files.uploadedfile import SimpleUploadedFile
from prometheus_client import REGISTRY
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User
from config.asgi import application
from detector.models import Detection
from inference import chunk_store

FINISHED = {Detection.Status.COMPLETED, Detection.Status.FAILED}
DETECTIONS_SOCKET = "/ws/v1/detections/"
STREAM_SOCKET = "/ws/v1/stream/"

# --- API clients


def client_for(user: User) -> APIClient:
    """A client authenticated as ``user`` with an access token."""
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}"
    )
    return client


def key_client(key: str) -> APIClient:
    """A client that authenticates with the full text of an API key."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def websocket(
    path: str, *subprotocols: str, origin: bytes = b"http://testserver"
) -> WebsocketCommunicator:
    """A socket to ``path`` on the real ASGI app, opened by a page from ``origin``."""
    return WebsocketCommunicator(
        application,
        path,
        headers=[(b"origin", origin)],
        subprotocols=list(subprotocols),
    )


# --- The pipeline, seen from the API and the broker


def submit(client: APIClient, content: bytes, name: str = "call.wav") -> str:
    """Upload ``content`` through the API; the accepted detection's request id."""
    response = client.post(
        "/api/v1/audio/upload",
        {"file": SimpleUploadedFile(name, content)},
        format="multipart",
    )
    assert response.status_code == 202, response.content
    return response.json()["request_id"]


def wait_for(request_id: str, timeout: float = 90) -> Detection:
    """The detection once a worker has completed or failed it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        detection = Detection.objects.select_related("audio_file").get(
            request_id=request_id
        )
        if detection.status in FINISHED:
            return detection
        time.sleep(0.1)
    raise AssertionError(f"{request_id} still {detection.status} after {timeout} s")


def queued_runs() -> list[tuple[str, int]]:
    """(request id, run) of the prepare_audio messages waiting in the real broker."""
    messages = chunk_store.client().lrange("preprocess", 0, -1)
    runs = []
    for message in messages:
        arguments = json.loads(message)["headers"]["argsrepr"][1:-1]
        request_id, generation = arguments.split(", ")
        runs.append((request_id.strip("'"), int(generation)))
    return runs


# --- ASGI


class RecordingApp:
    """An inner ASGI app that reads the whole body, like Django does."""

    def __init__(self) -> None:
        self.called = False
        self.body = b""
        self.headers: list[tuple[bytes, bytes]] = []

    async def __call__(self, scope, receive, send) -> None:
        self.called = True
        self.headers = scope["headers"]
        while True:
            event = await receive()
            self.body += event.get("body", b"")
            if not event.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 202, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


# --- Local HTTP servers

Route = Callable[[BaseHTTPRequestHandler], None]


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[ThreadingHTTPServer]:
    """``handler`` served on a free loopback port by a thread, closed on exit."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def answer(body: bytes, status: int = 200) -> Route:
    """A route that answers ``status`` with ``body``."""

    def respond(request: BaseHTTPRequestHandler) -> None:
        request.send_response(status)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return respond


def drip(piece: bytes, times: int, pause: float) -> Route:
    """A route that sends ``piece`` ``times`` times, ``pause`` seconds apart: a slow server."""

    def respond(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.end_headers()
        for _ in range(times):
            request.wfile.write(piece)
            request.wfile.flush()
            time.sleep(pause)

    return respond


def _redirect(request: BaseHTTPRequestHandler) -> None:
    request.send_response(302)
    request.send_header("Location", request.path.removeprefix("/to?"))
    request.end_headers()


def _router(routes: Mapping[str, Route]) -> type[BaseHTTPRequestHandler]:
    not_found = answer(b"", 404)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.startswith("/to?"):
                _redirect(self)
            else:
                routes.get(f"GET {self.path}", not_found)(self)

        def do_POST(self) -> None:
            routes.get(f"POST {self.path}", not_found)(self)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextmanager
def local_server(routes: Mapping[str, Route]) -> Iterator[str]:
    """A plain-HTTP server on 127.0.0.1; its base URL.

    ``routes`` maps ``"GET /path"`` to a route; ``GET /to?<url>`` redirects
    to ``<url>``, and anything else is a 404.
    """
    with serving(_router(routes)) as server:
        yield f"http://127.0.0.1:{server.server_port}"


# --- Source checks


def imported_modules(source: Path) -> set[str]:
    """Every module ``source`` imports; ``from a import b`` gives ``a`` and ``a.b``.

    Relative imports keep their leading dots (``.test_upload``).
    """
    modules: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text(), str(source))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            modules.add(base)
            modules.update(f"{base}.{alias.name}" for alias in node.names)
    return modules


def metric_value(name: str, **labels: str) -> float:
    """A Prometheus sample's current value in this process (0 before its first event)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0
