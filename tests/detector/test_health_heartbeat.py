"""Health learns of inference workers from their heartbeats in Redis, not from the broker."""

import pytest
from rest_framework.test import APIClient

from config.celery import app as celery_app
from inference import chunk_store
from inference import heartbeat
from inference import model_status

pytestmark = pytest.mark.django_db

HEALTH = "/api/v1/health"


def test_every_worker_runs_the_heartbeat_step() -> None:
    """The bootstep is part of every worker this app starts."""
    assert heartbeat.Heartbeat in celery_app.steps["worker"]


def test_health_follows_an_inference_workers_heartbeat(api_client: APIClient) -> None:
    """200 while an inference worker beats; 503 at once when it stops."""
    heart = heartbeat.Heart("inference0@test", ["inference"])
    heart.start()
    try:
        response = api_client.get(HEALTH)
        assert response.json()["checks"]["inference_workers"] == "ok"
        assert response.status_code == 200
    finally:
        heart.stop()
    assert api_client.get(HEALTH).status_code == 503
    assert heartbeat.live_workers(chunk_store.client()) == {}


def test_preprocess_workers_do_not_count(api_client: APIClient) -> None:
    """A worker beating for other queues is no inference worker."""
    heart = heartbeat.Heart("preprocess@test", ["preprocess"])
    heart.start()
    try:
        assert api_client.get(HEALTH).json()["checks"]["inference_workers"] != "ok"
    finally:
        heart.stop()


def test_expired_heartbeats_are_forgotten() -> None:
    """A worker that stopped beating drops out after its TTL."""
    client = chunk_store.client()
    client.set(f"{heartbeat.KIND}:gone@test", '{"queues": ["inference"]}', ex=60)
    client.sadd(heartbeat.KIND, "gone@test")
    assert heartbeat.live_workers(client) == {"gone@test": ["inference"]}
    client.delete(f"{heartbeat.KIND}:gone@test")  # what the TTL does
    assert heartbeat.live_workers(client) == {}
    assert client.smembers(heartbeat.KIND) == set()


def test_health_reports_a_refused_model(api_client: APIClient) -> None:
    """A worker whose model failed its self-test makes health 503, saying why."""
    model_status.record("refused", "scores are constant", model="broken")
    checks = api_client.get(HEALTH).json()["checks"]
    assert "scores are constant" in checks["models"]
