"""A real Celery worker, embedded in the test process, on the test Redis."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.test import override_settings

from config.celery import INFERENCE_QUEUE
from config.celery import PREPROCESS_QUEUE
from config.celery import app
from inference.model import get_detector
from inference.offline_model import save_random_checkpoint


@pytest.fixture(scope="session")
def demo_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny untrained WavLM checkpoint, built offline."""
    return save_random_checkpoint(tmp_path_factory.mktemp("model") / "demo", "tiny")


@pytest.fixture(scope="module")
def celery_worker(
    django_db_setup: None, django_db_blocker, demo_model: Path
) -> Iterator[None]:
    """A worker thread consuming both queues, scoring with the demo model one chunk a batch."""
    with (
        django_db_blocker.unblock(),
        override_settings(DETECTOR_MODEL=str(demo_model), DETECTOR_BATCH_SIZE=1),
    ):
        get_detector.cache_clear()
        with start_worker(
            app,
            pool="solo",
            perform_ping_check=False,
            queues=[PREPROCESS_QUEUE, INFERENCE_QUEUE],
            loglevel="WARNING",
            shutdown_timeout=30,
        ):
            yield
        get_detector.cache_clear()
