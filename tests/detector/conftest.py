"""Detector fixtures: a broker that is down, and outbound rules that allow loopback."""

from collections.abc import Iterator

import pytest
from kombu import pools

from config.celery import app as celery_app


def _use_broker(url: str) -> None:
    celery_app.conf.broker_url = url
    celery_app.pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    pools.reset()  # kombu's global pools still hold the closed connection


@pytest.fixture
def dead_broker() -> Iterator[None]:
    """Point the Celery client at a port where no broker listens."""
    original = celery_app.conf.broker_url
    _use_broker("redis://127.0.0.1:1/0")
    yield
    _use_broker(original)


@pytest.fixture
def loopback_allowed(settings) -> None:
    """As a developer's machine may configure it: http, and loopback allowed."""
    settings.DETECTOR_OUTBOUND_ALLOW_HTTP = True
    settings.DETECTOR_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8"]
