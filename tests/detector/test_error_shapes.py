"""Every API error is JSON with a sentence, through a real uvicorn; the admin stays HTML."""

from collections.abc import Iterator

import pytest
from django.db import IntegrityError
from django.db import OperationalError
from django.test import Client
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User
from config.body_limit import MAX_HEADER_BYTES
from config.body_limit import MULTIPART_OVERHEAD_BYTES
from detector.models import AudioFile
from detector.parsers import MALFORMED_MESSAGE
from detector.views import HistoryView
from tests.audio_fixtures import wav_bytes
from tests.live_server import LiveServer
from tests.live_server import uvicorn_server

pytestmark = pytest.mark.django_db(transaction=True)

UPLOAD = "/api/v1/audio/upload"
BOUNDARY = "a1b2c3boundary"
MAX_UPLOAD_BYTES = 1_000_000


@pytest.fixture(scope="module")
def server(
    django_db_setup: None, django_db_blocker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The web process, with a 1 MB upload limit."""
    with (
        django_db_blocker.unblock(),
        uvicorn_server(
            tmp_path_factory.mktemp("errors"),
            DETECTOR_MAX_UPLOAD_BYTES=str(MAX_UPLOAD_BYTES),
        ) as server,
    ):
        yield server


@pytest.fixture
def auth(alice: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {RefreshToken.for_user(alice).access_token}"}


def multipart(*files: tuple[bytes, bytes]) -> tuple[bytes, dict[str, str]]:
    """A form with one ``file`` part per (file name, content), names sent as raw bytes."""
    body = b"".join(
        b'--%s\r\nContent-Disposition: form-data; name="file"; filename="%s"\r\n'
        b"Content-Type: audio/wav\r\n\r\n%s\r\n" % (BOUNDARY.encode(), name, content)
        for name, content in files
    )
    body += b"--%s--\r\n" % BOUNDARY.encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


def upload(
    server: LiveServer,
    auth: dict[str, str],
    *files: tuple[bytes, bytes],
    chunked: bool = False,
):
    body, headers = multipart(*files)
    return server.request("POST", UPLOAD, body, {**headers, **auth}, chunked=chunked)


def test_two_files_in_one_upload_is_json_400(
    server: LiveServer, auth: dict[str, str]
) -> None:
    """A second file part is refused in JSON, saying what to do."""
    reply = upload(server, auth, (b"a.wav", wav_bytes(1.0)), (b"b.wav", wav_bytes(1.0)))
    assert reply.status == 400
    assert reply.json() == {
        "detail": "Send one file per request; this request holds several."
    }


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/audio/status/not-a-uuid",
        "/api/v1/audio/status/6f1c2a9e-0000-4000-8000-000000000002",
        "/api/v1/audio/status/not/a/uuid",
        "/api/v1/audio/status/",
        "/api/v1/no-such-endpoint",
    ],
)
def test_malformed_and_unknown_addresses_are_json_404(
    server: LiveServer, auth: dict[str, str], path: str
) -> None:
    """Bad ids and unknown API addresses answer JSON, not Django's HTML page."""
    reply = server.request("GET", path, headers=auth)
    assert reply.status == 404
    assert reply.json()["detail"].endswith(".")


def test_chunked_upload_is_accepted(server: LiveServer, auth: dict[str, str]) -> None:
    """A body sent with Transfer-Encoding: chunked reaches the view whole."""
    content = wav_bytes(2.0)
    reply = upload(server, auth, (b"chunked.wav", content), chunked=True)
    assert reply.status == 202, reply.body
    stored = AudioFile.objects.get()
    assert (stored.original_filename, stored.file_size_bytes) == (
        "chunked.wav",
        len(content),
    )


def test_chunked_upload_over_limit_is_json_413(
    server: LiveServer, auth: dict[str, str]
) -> None:
    """Without a Content-Length the size limit still holds."""
    # Just over the limit: the server has read nearly all of it before it answers.
    content = b"\0" * (MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD_BYTES)
    reply = upload(server, auth, (b"big.wav", content), chunked=True)
    assert reply.status == 413
    assert "upload limit" in reply.json()["detail"]


def test_non_utf8_file_name_is_accepted_with_replaced_characters(
    server: LiveServer, auth: dict[str, str]
) -> None:
    """A Latin-1 file name (as curl sends it) keeps the file; bad bytes become U+FFFD."""
    reply = upload(server, auth, ("été.wav".encode("latin-1"), wav_bytes(5.0)))
    assert reply.status == 202, reply.body
    assert AudioFile.objects.get().original_filename == "\ufffdt\ufffd.wav"


def test_oversized_part_headers_are_json_400(
    server: LiveServer, auth: dict[str, str]
) -> None:
    """A file name past Django's 10 KB part-header limit gets a sentence, not a parser message."""
    reply = upload(server, auth, (b"x" * 20_000 + b".wav", wav_bytes(1.0)))
    assert reply.status == 400
    assert reply.json() == {"detail": MALFORMED_MESSAGE}


def test_oversized_request_headers_are_json_431(server: LiveServer) -> None:
    """Headers past the limit are refused before Django, in JSON."""
    reply = server.request(
        "GET", "/api/v1/users/me", headers={"X-Padding": "x" * MAX_HEADER_BYTES}
    )
    assert reply.status == 431
    assert "request headers are larger" in reply.json()["detail"]


def test_non_ascii_host_header_is_json_400(server: LiveServer) -> None:
    """A Host header Django refuses (raw non-UTF-8 bytes) answers JSON on API paths."""
    reply = server.raw(
        b"GET /api/v1/users/me HTTP/1.1\r\nHost: \xff\xfe\r\nConnection: close\r\n\r\n"
    )
    assert reply.status == 400
    assert reply.json()["detail"].endswith(".")


def test_pages_outside_the_api_keep_html_errors(server: LiveServer) -> None:
    """Django's HTML 404 stays for non-API paths such as static files."""
    reply = server.request("GET", "/static/missing.css")
    assert (reply.status, reply.content_type) == (404, "text/html")


def test_crash_in_api_view_is_json_500(
    alice_client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unexpected exception answers a JSON 500 sentence (and is logged)."""

    def crash(self: HistoryView) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(HistoryView, "get_queryset", crash)
    alice_client.raise_request_exception = False
    response = alice_client.get("/api/v1/audio/history")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert "internal error" in response.json()["detail"]


@pytest.mark.parametrize(
    ("error", "status"),
    [(OperationalError("connection refused"), 503), (IntegrityError("bug"), 500)],
)
def test_unreachable_database_is_json_503_with_retry_after(
    alice_client, monkeypatch: pytest.MonkeyPatch, error: Exception, status: int
) -> None:
    """A lost database connection is an outage (503, retry later); other errors stay 500."""

    def fail(self: HistoryView) -> None:
        raise error

    monkeypatch.setattr(HistoryView, "get_queryset", fail)
    alice_client.raise_request_exception = False
    response = alice_client.get("/api/v1/audio/history")
    assert (response.status_code, response["Content-Type"]) == (
        status,
        "application/json",
    )
    if status == 503:
        assert response["Retry-After"] == "30"
        assert "database cannot be reached" in response.json()["detail"]


def test_admin_errors_stay_html(client: Client) -> None:
    """The admin's own pages keep Django's HTML responses."""
    response = client.get("/admin/login/", HTTP_HOST="\u00ff")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
