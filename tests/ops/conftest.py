"""The operations suite reuses the pipeline suite's embedded worker and demo model."""

from tests.pipeline.conftest import celery_worker  # noqa: F401 - shared fixture
from tests.pipeline.conftest import demo_model  # noqa: F401 - shared fixture
