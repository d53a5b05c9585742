"""The web process's ``/metrics`` (django-prometheus), for Prometheus only.

Readable with ``Authorization: Bearer <DETECTOR_METRICS_TOKEN>`` or from an
address in ``DETECTOR_METRICS_ALLOWED_NETWORKS``; anyone else gets 403. The
address is the TCP peer (``REMOTE_ADDR``), never a forwarded header a client
could write; behind a reverse proxy on an allowed network, block ``/metrics``
at the proxy or rely on the token.
"""

import hmac
import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest
from django.http import HttpResponse
from django.http import HttpResponseForbidden
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_prometheus.exports import ExportToDjangoView

BEARER = "bearer"


def has_token(request: HttpRequest, token: str) -> bool:
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    return (
        bool(token)
        and scheme.lower() == BEARER
        and hmac.compare_digest(credentials.strip().encode(), token.encode())
    )


def in_networks(address: str, networks: Iterable[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(
        ip in ipaddress.ip_network(network, strict=False) for network in networks
    )


def may_read_metrics(request: HttpRequest) -> bool:
    return has_token(request, settings.DETECTOR_METRICS_TOKEN) or in_networks(
        request.META.get("REMOTE_ADDR", ""), settings.DETECTOR_METRICS_ALLOWED_NETWORKS
    )


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text exposition of requests, latencies, database and cache."""
    if not may_read_metrics(request):
        return HttpResponseForbidden(
            "Metrics need a bearer token or an allowed network.",
            content_type="text/plain",
        )
    response: HttpResponse = ExportToDjangoView(request)
    return response
