"""The OpenAPI schema, the docs page and the health endpoint."""

import logging
import threading
import time

import pytest
from rest_framework.test import APIClient

from detector import health

pytestmark = pytest.mark.django_db


def test_openapi_schema_describes_upload_and_status(api_client: APIClient) -> None:
    """The schema renders and documents the upload's 202 body and the status body."""
    response = api_client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    upload = schema["paths"]["/api/v1/audio/upload"]["post"]
    assert {"202", "400", "413", "415", "429"} <= set(upload["responses"])
    assert "multipart/form-data" in upload["requestBody"]["content"]
    status_schema = schema["components"]["schemas"]["Detection"]["properties"]
    assert {"chunk_predictions", "progress", "overall_assessment", "model"} <= set(
        status_schema
    )


def test_swagger_ui_is_served(api_client: APIClient) -> None:
    """The docs page loads."""
    response = api_client.get("/api/v1/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def test_health_reports_each_component(api_client: APIClient) -> None:
    """Database and Redis are up here; with no worker running the answer is 503 naming it."""
    response = api_client.get("/api/v1/health")
    body = response.json()
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"] == "ok"
    assert body["checks"]["inference_workers"].startswith(
        "no inference worker answered"
    )
    assert response.status_code == 503
    assert body["status"] == "unavailable"


def test_health_is_200_when_everything_answers(
    api_client: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When every check passes the endpoint answers 200."""
    monkeypatch.setitem(health.CHECKS, "inference_workers", lambda: None)
    response = api_client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "redis": "ok",
            "inference_workers": "ok",
            "models": "ok",
        },
    }


def test_health_names_redis_when_it_is_down(
    api_client: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unreachable Redis is reported by name."""
    import redis

    dead = redis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    monkeypatch.setattr(health, "redis_client", lambda: dead)
    monkeypatch.setitem(health.CHECKS, "inference_workers", lambda: None)
    response = api_client.get("/api/v1/health")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"].startswith("redis unreachable")


def test_an_unhealthy_answer_is_logged_as_a_warning_naming_the_check(
    api_client: APIClient,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Probes during an outage log a WARNING with what is down, never an ERROR."""
    monkeypatch.setitem(health.CHECKS, "inference_workers", lambda: "no worker here")
    with caplog.at_level(logging.INFO, logger="django.request"):
        assert api_client.get("/api/v1/health").status_code == 503
    records = [r for r in caplog.records if r.name == "django.request"]
    assert [(r.levelname, r.getMessage()) for r in records] == [
        ("WARNING", "Health unavailable: inference_workers: no worker here")
    ]


def test_health_reuses_a_result_within_the_cache_time(
    api_client: APIClient, monkeypatch: pytest.MonkeyPatch, settings: object
) -> None:
    """Calls within DETECTOR_HEALTH_CACHE_SECONDS share one round of checks."""
    settings.DETECTOR_HEALTH_CACHE_SECONDS = 60  # type: ignore[attr-defined]
    monkeypatch.setattr(health, "_rounds", health.Rounds())
    calls: list[int] = []
    monkeypatch.setitem(health.CHECKS, "inference_workers", lambda: calls.append(1))
    for _ in range(5):
        assert api_client.get("/api/v1/health").status_code == 200
    assert calls == [1]


def test_health_answers_within_its_timeout_when_a_check_hangs(
    api_client: APIClient, monkeypatch: pytest.MonkeyPatch, settings: object
) -> None:
    """A check that never returns is reported as such once the timeout passes."""
    settings.DETECTOR_HEALTH_TIMEOUT_SECONDS = 0.2  # type: ignore[attr-defined]
    release = threading.Event()
    monkeypatch.setitem(health.CHECKS, "database", lambda: release.wait(10) and None)
    monkeypatch.setitem(health.CHECKS, "inference_workers", lambda: None)
    try:
        started = time.monotonic()
        response = api_client.get("/api/v1/health")
        elapsed = time.monotonic() - started
    finally:
        release.set()
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "no answer within 0.2 s"
    assert elapsed < 2
