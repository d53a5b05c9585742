"""Requests to user-given addresses: non-public targets refused at every hop."""

import socket
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from detector import outbound
from detector.outbound import FetchError
from detector.outbound import RefusedURLError
from tests.support import answer
from tests.support import drip
from tests.support import local_server


def echo_with_host(request: BaseHTTPRequestHandler) -> None:
    """Answer the posted body followed by the Host header the server received."""
    body = request.rfile.read(int(request.headers["Content-Length"]))
    answer(body + request.headers["Host"].encode())(request)


@pytest.fixture
def local() -> Iterator[str]:
    """``/ok`` answers, ``/to?u`` redirects to ``u``, ``/big`` and ``/drip`` misbehave."""
    routes = {
        "GET /ok": answer(b"fine"),
        "GET /big": answer(b"x" * 5000),
        "GET /drip": drip(b"x", times=30, pause=0.2),
        "POST /echo": echo_with_host,
    }
    with local_server(routes) as url:
        yield url


def get(url: str, **options: float) -> outbound.Response:
    return outbound.request(
        "GET",
        url,
        timeout=float(options.get("timeout", 5)),
        max_bytes=int(options.get("max_bytes", 1000)),
        max_redirects=int(options.get("max_redirects", 3)),
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/",
        "https://localhost/",
        "https://[::1]/",
        "https://[::ffff:127.0.0.1]/",
        "https://0.0.0.0/",
        "https://10.1.2.3/",
        "https://192.168.0.1/",
        "https://172.16.5.5/",
        "https://169.254.169.254/latest/meta-data/",
        "https://100.64.0.1/",
        "https://224.0.0.1/",
    ],
)
def test_non_public_addresses_are_refused(settings, url: str) -> None:
    settings.DETECTOR_OUTBOUND_ALLOW_HTTP = True
    with pytest.raises(RefusedURLError, match="private or reserved"):
        get(url)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://example.com/", "Only https"),
        ("ftp://example.com/", "Only https"),
        ("file:///etc/passwd", "Only https"),
        ("https:///path", "no host"),
        ("https://example.com:99999/", "invalid port"),
        ("https://no-such-host.invalid/", "does not resolve"),
    ],
)
def test_malformed_or_plain_http_urls_are_refused(url: str, message: str) -> None:
    with pytest.raises(RefusedURLError, match=message):
        get(url)


@pytest.mark.usefixtures("loopback_allowed")
def test_allowed_network_is_fetched_with_the_host_header_kept(local: str) -> None:
    assert get(f"{local}/ok").body == b"fine"
    port = local.rsplit(":", 1)[1]
    reply = outbound.request(
        "POST", f"{local}/echo", body=b"hello ", timeout=5, max_bytes=100
    )
    assert reply.body == f"hello 127.0.0.1:{port}".encode()


def test_redirect_to_a_private_address_is_refused(settings, local: str) -> None:
    """The first hop is allowed; the redirect's target is checked again."""
    settings.DETECTOR_OUTBOUND_ALLOW_HTTP = True
    settings.DETECTOR_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    assert get(f"{local}/to?{local}/ok").body == b"fine"
    with pytest.raises(RefusedURLError, match=r"169\.254\.169\.254"):
        get(f"{local}/to?http://169.254.169.254/latest/meta-data/")
    with pytest.raises(RefusedURLError, match=r"127\.0\.0\.2"):
        get(f"{local}/to?http://127.0.0.2:1/")


@pytest.mark.usefixtures("loopback_allowed")
def test_redirects_are_limited_and_off_unless_asked(local: str) -> None:
    chain = f"{local}/to?{local}/to?{local}/ok"
    with pytest.raises(FetchError, match="More than 1 redirects"):
        get(chain, max_redirects=1)
    assert get(chain, max_redirects=0).status == 302


@pytest.mark.usefixtures("loopback_allowed")
def test_oversized_and_slow_responses_are_cut_off(local: str) -> None:
    with pytest.raises(FetchError, match="larger than 1000 bytes"):
        get(f"{local}/big")
    cut = outbound.request(
        "GET", f"{local}/big", timeout=5, max_bytes=10, truncate=True
    )
    assert (cut.status, cut.body) == (200, b"x" * 10)
    started = time.monotonic()
    with pytest.raises(FetchError, match="too long"):
        get(f"{local}/drip", timeout=1)
    assert time.monotonic() - started < 3


def test_connection_goes_to_the_checked_address(
    settings, local: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: a second, private answer for the same name is never used."""
    settings.DETECTOR_OUTBOUND_ALLOW_HTTP = True
    settings.DETECTOR_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    answers = iter(["127.0.0.1", "10.0.0.1", "10.0.0.1"])
    real = socket.getaddrinfo

    def rebinding(host: str, port: int, *args: object, **kwargs: object) -> list:
        if host == "rebind.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]
        return real(host, port, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    port = local.rsplit(":", 1)[1]
    assert get(f"http://rebind.test:{port}/ok").body == b"fine"
