"""HTTP requests to addresses that users give us (webhooks, audio links), refusing SSRF.

A user-given URL may name, or redirect to, or re-resolve (DNS rebinding) to
an address inside our network: loopback, private ranges, link-local cloud
metadata. Every hop is therefore resolved here, every resolved address must
be public, and the connection goes to that checked address (the name is kept
for ``Host`` and TLS), so a second DNS answer can never be used. Redirects
are followed by hand, each one checked the same way. Bodies are read with a
size cap and an overall deadline, so a slow or endless response costs little.
"""

import ipaddress
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from urllib3.exceptions import HTTPError as Urllib3Error

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
READ_SIZE = 64 * 1024
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class RefusedURLError(ValueError):
    """The URL may not be fetched; the message is a sentence for the user."""


class FetchError(OSError):
    """The request was allowed but did not succeed; the message says why."""


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes
    url: str  # after redirects


def is_public(address: Address) -> bool:
    """Globally routable, and not inside a network an operator allowed explicitly."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def allowed(address: Address) -> bool:
    return is_public(address) or any(
        address in ipaddress.ip_network(network, strict=False)
        for network in settings.DETECTOR_OUTBOUND_ALLOWED_NETWORKS
    )


def check_url(url: str) -> tuple[str, str, int]:
    """Scheme, host and port of an acceptable URL; refuses anything else."""
    parts = urlsplit(url)
    schemes = ("https", "http") if settings.DETECTOR_OUTBOUND_ALLOW_HTTP else ("https",)
    if parts.scheme not in schemes:
        raise RefusedURLError(
            f"Only {' or '.join(schemes)} addresses are accepted, not {parts.scheme or 'this'}."
        )
    if not parts.hostname:
        raise RefusedURLError("The address has no host name.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise RefusedURLError("The address has an invalid port.") from error
    return parts.scheme, parts.hostname, port


def resolve(host: str, port: int) -> str:
    """One address for ``host`` after checking every address it resolves to."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise RefusedURLError(f"The host name {host!r} does not resolve.") from error
    addresses = [
        ipaddress.ip_address(str(answer[4][0]).split("%")[0]) for answer in answers
    ]
    refused = [address for address in addresses if not allowed(address)]
    if refused or not addresses:
        raise RefusedURLError(
            f"{host} resolves to a private or reserved address "
            f"({refused[0] if refused else 'none'}); only public addresses are allowed."
        )
    return str(addresses[0])


def request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float,
    max_bytes: int,
    max_redirects: int = 0,
    truncate: bool = False,
) -> Response:
    """Send one request (following at most ``max_redirects`` checked redirects).

    ``timeout`` bounds the whole exchange, redirects included; a body longer
    than ``max_bytes`` is refused, or with ``truncate`` cut at that length
    (when only the status and a glimpse of the answer matter). Raises :class:`RefusedURLError` for an
    address that may not be contacted, :class:`FetchError` for a failure.
    """
    deadline = time.monotonic() + timeout
    for _hop in range(max_redirects + 1):
        response = _send(
            method, url, body, headers or {}, deadline, max_bytes, truncate=truncate
        )
        location = response.headers.get("location")
        if (
            response.status not in REDIRECT_STATUSES
            or not location
            or not max_redirects
        ):
            return response
        url = urljoin(url, location)
        if response.status == 303 or (
            response.status in (301, 302) and method == "POST"
        ):
            method, body = "GET", None
    raise FetchError(f"More than {max_redirects} redirects.")


def _send(
    method: str,
    url: str,
    body: bytes | None,
    headers: dict[str, str],
    deadline: float,
    max_bytes: int,
    *,
    truncate: bool,
) -> Response:
    scheme, host, port = check_url(url)
    address = resolve(host, port)
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    name = f"[{host}]" if ":" in host else host  # an IPv6 literal
    default_port = port == (443 if scheme == "https" else 80)
    host_header = name if default_port else f"{name}:{port}"
    remaining = max(0.1, deadline - time.monotonic())
    timeout = urllib3.Timeout(connect=min(remaining, 10.0), read=remaining)
    pool: urllib3.HTTPConnectionPool
    if scheme == "https":
        # Connect to the checked address; verify the certificate for the name.
        pool = urllib3.HTTPSConnectionPool(
            address,
            port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            server_hostname=host,
            assert_hostname=host,
        )
    else:
        pool = urllib3.HTTPConnectionPool(
            address, port, timeout=timeout, retries=False, maxsize=1
        )
    try:
        reply = pool.urlopen(
            method,
            path,
            body=body,
            headers={**headers, "Host": host_header},
            redirect=False,
            preload_content=False,
            assert_same_host=False,
        )
        content = _read_capped(
            iter(lambda: reply.read1(READ_SIZE), b""),
            deadline,
            max_bytes,
            truncate=truncate,
        )
        reply.release_conn()
    except Urllib3Error as error:
        raise FetchError(f"{host} could not be reached: {_reason(error)}") from error
    finally:
        pool.close()
    return Response(
        reply.status,
        {name.lower(): value for name, value in reply.headers.items()},
        content,
        url,
    )


def _read_capped(
    chunks: Iterable[bytes], deadline: float, max_bytes: int, *, truncate: bool
) -> bytes:
    received = bytearray()
    for chunk in chunks:
        received += chunk
        if len(received) > max_bytes:
            if truncate:
                return bytes(received[:max_bytes])
            raise FetchError(f"The response is larger than {max_bytes} bytes.")
        if time.monotonic() > deadline:
            raise FetchError("The response took too long to arrive.")
    return bytes(received)


def _reason(error: Urllib3Error) -> str:
    reason = getattr(error, "reason", None) or error
    return str(reason).split(": ", 1)[-1] or type(error).__name__
