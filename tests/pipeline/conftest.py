"""Real Celery workers on the test Redis: embedded in the test process, or one per queue."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.test import override_settings

from config.celery import QUEUES
from config.celery import app
from inference.model import get_detector
from inference.offline_model import save_random_checkpoint
from tests.pipeline.processes import Service
from tests.pipeline.processes import pipeline_environment
from tests.pipeline.processes import start_worker_process


@pytest.fixture(scope="session")
def demo_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny untrained WavLM checkpoint, built offline."""
    return save_random_checkpoint(tmp_path_factory.mktemp("model") / "demo", "tiny")


@pytest.fixture(scope="module")
def celery_worker(
    django_db_setup: None, django_db_blocker, demo_model: Path
) -> Iterator[None]:
    """A worker thread consuming every queue, scoring with the demo model one chunk a batch."""
    with (
        django_db_blocker.unblock(),
        override_settings(DETECTOR_MODEL=str(demo_model), DETECTOR_BATCH_SIZE=1),
    ):
        get_detector.cache_clear()
        with start_worker(
            app,
            pool="solo",
            perform_ping_check=False,
            queues=list(QUEUES),
            loglevel="WARNING",
            shutdown_timeout=30,
        ):
            yield
        get_detector.cache_clear()


@pytest.fixture
def worker_processes(
    django_db_setup: None, tmp_path: Path, demo_model: Path
) -> Iterator[dict[str, Service]]:
    """One worker process per queue, as `manage.py serve` starts them, on the test database."""
    environment = pipeline_environment(demo_model)
    workers: dict[str, Service] = {}
    try:
        for queue in QUEUES:
            workers[queue] = start_worker_process([queue], environment, tmp_path)
        yield workers
    finally:
        for worker in workers.values():
            worker.stop()
