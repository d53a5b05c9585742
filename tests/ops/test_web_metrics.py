"""The web's /metrics: django-prometheus behind a token or an allowed network."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from config.settings import env_networks
from tests.ops.scrape import delta
from tests.ops.scrape import parse

REQUESTS_BY_VIEW = "django_http_requests_total_by_view_transport_method_total"


def test_metrics_open_to_loopback(client: Client) -> None:
    """Prometheus on the same host reads the request counters without a token."""
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert REQUESTS_BY_VIEW.encode() in response.content


def test_metrics_open_to_ipv6_loopback(client: Client) -> None:
    """::1 and IPv4-mapped loopback addresses count as loopback."""
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="::ffff:127.0.0.1").status_code == 200


def test_metrics_refused_to_other_networks(client: Client) -> None:
    """A client elsewhere without a token gets 403, even with a forged forwarded header."""
    response = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="127.0.0.1"
    )
    assert response.status_code == 403
    assert REQUESTS_BY_VIEW.encode() not in response.content


def test_metrics_accept_the_configured_token(client: Client, settings) -> None:
    """With DETECTOR_METRICS_TOKEN as a bearer token any address may read."""
    settings.DETECTOR_METRICS_TOKEN = "s3cret-metrics-token"
    response = client.get(
        "/metrics",
        REMOTE_ADDR="203.0.113.7",
        HTTP_AUTHORIZATION="Bearer s3cret-metrics-token",
    )
    assert response.status_code == 200
    assert REQUESTS_BY_VIEW.encode() in response.content


@pytest.mark.parametrize(
    "header",
    ["Bearer wrong-token", "Basic s3cret-metrics-token", "Bearer", ""],
    ids=["wrong", "other-scheme", "empty-bearer", "none"],
)
def test_metrics_refuse_a_wrong_token(client: Client, settings, header: str) -> None:
    """A wrong token, another scheme or no token from outside gets 403."""
    settings.DETECTOR_METRICS_TOKEN = "s3cret-metrics-token"
    response = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION=header
    )
    assert response.status_code == 403


def test_metrics_without_configured_token_refuse_any_token(
    client: Client, settings
) -> None:
    """An empty DETECTOR_METRICS_TOKEN never matches, not even an empty bearer."""
    settings.DETECTOR_METRICS_TOKEN = ""
    response = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION="Bearer "
    )
    assert response.status_code == 403


def test_metrics_open_to_configured_networks(client: Client, settings) -> None:
    """DETECTOR_METRICS_ALLOWED_NETWORKS replaces the loopback default."""
    settings.DETECTOR_METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8", "fd00::/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.20.30.40").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="fd00::5").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


def test_metrics_answer_get_only(client: Client) -> None:
    """The endpoint is read-only."""
    assert client.post("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 405


def test_metrics_count_requests_by_view(client: Client) -> None:
    """A request to a view shows up in the per-view counter on the next scrape."""
    before = parse(client.get("/metrics").content)
    assert client.get("/api/v1/users/me").status_code == 401
    after = parse(client.get("/metrics").content)
    labels = {"view": "accounts:me", "transport": "http", "method": "GET"}
    assert delta(before, after, REQUESTS_BY_VIEW, **labels) == 1
    assert (
        delta(
            before,
            after,
            "django_http_responses_total_by_status_view_method_total",
            status="401",
            view="accounts:me",
            method="GET",
        )
        == 1
    )


def test_cache_backend_counts_gets(client: Client) -> None:
    """The Redis cache is django-prometheus's wrapper of django-redis: gets are counted."""
    before = parse(client.get("/metrics").content)
    cache.set("ops-metrics-probe", "x", 30)
    assert cache.get("ops-metrics-probe") == "x"
    assert cache.get("ops-metrics-absent") is None
    after = parse(client.get("/metrics").content)
    assert delta(before, after, "django_cache_get_total", backend="redis") == 2
    assert delta(before, after, "django_cache_get_hits_total", backend="redis") == 1
    assert delta(before, after, "django_cache_get_misses_total", backend="redis") == 1


def test_allowed_networks_setting_rejects_malformed_cidr(monkeypatch) -> None:
    """A malformed network stops start-up with a message naming the setting."""
    monkeypatch.setenv("DETECTOR_METRICS_ALLOWED_NETWORKS", "10.0.0.0/8,not-a-net")
    with pytest.raises(ImproperlyConfigured, match="DETECTOR_METRICS_ALLOWED_NETWORKS"):
        env_networks("DETECTOR_METRICS_ALLOWED_NETWORKS", [])
    monkeypatch.setenv("DETECTOR_METRICS_ALLOWED_NETWORKS", "10.0.0.0/8, ::1/128")
    assert env_networks("DETECTOR_METRICS_ALLOWED_NETWORKS", []) == [
        "10.0.0.0/8",
        "::1/128",
    ]


WEB_SCRIPT = """
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
from config.asgi import application
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families
body = Client().get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
loaded = [m for m in ("inference.metrics", "inference.worker_metrics") if m in sys.modules]
families = {f.name for f in text_string_to_metric_families(body)}
ours = [n for n in families if n.startswith("detector_") and not n.endswith("_created")]
print(repr(loaded), sorted(ours))
"""
# The live stream socket runs in the web process, so its series are the web's.
WEB_DETECTOR_FAMILIES = [
    "detector_stream_window_latency_seconds",
    "detector_stream_windows",
    "detector_streams_active",
    "detector_streams_ended",
]


def test_web_process_leaves_worker_metrics_out() -> None:
    """The web imports no worker metrics; its only detector_* series are the stream socket's."""
    result = subprocess.run(
        [sys.executable, "-c", WEB_SCRIPT],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == f"[] {WEB_DETECTOR_FAMILIES}"
