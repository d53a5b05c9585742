"""Property-based API test: schemathesis against the schema the API serves.

Every operation gets generated requests, valid and invalid, sent in-process
to the WSGI application on the test database. No answer may be a server
error, and each must match the schema: a declared status code, content type
and body. Each example runs as a fresh session of a fresh user who owns a
pending and a completed detection, so an example that ends its session
(logout) or deletes what it finds cannot disturb the next one, and valid
examples address those detections instead of ids that cannot exist.
"""

import itertools
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.signals import request_finished
from django.core.signals import request_started
from django.db import close_old_connections
from django.db import transaction
from hypothesis import HealthCheck
from hypothesis import settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance
from schemathesis.specs.openapi.checks import response_schema_conformance
from schemathesis.specs.openapi.checks import status_code_conformance

from accounts.models import User
from accounts.tokens import start_session
from config.wsgi import application
from detector import health
from detector.models import Detection
from tests.factories import AudioFileFactory
from tests.factories import DetectionFactory
from tests.factories import UserFactory

EXAMPLES_PER_OPERATION = 8
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"max-examples": EXAMPLES_PER_OPERATION},
        # Only the examples and the randomized fuzzing phases, so the run stays short.
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    }
)
COMPLETED_MAP = {
    "chunk_0": {
        "score": 0.12,
        "start": 0.0,
        "end": 4.0,
        "speech": True,
        "speech_ratio": 0.9,
        "silent": False,
    }
}
_users = itertools.count()


# Loaded at collection (the lazy fixture loader does not support this pytest), so
# each operation is a test of its own: "test_...[GET /api/v1/audio/history]".
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/schema/?format=json", application, config=CONFIG
)


@pytest.fixture(autouse=True)
def _requests_in_test_transaction(db: None) -> Iterator[None]:
    """In-process requests share the test's transaction, as with Django's test client."""
    # Django's WSGI handler closes "old" connections around each request, which
    # would close the test's transaction; its test client disconnects them too.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _healthy_platform(monkeypatch: pytest.MonkeyPatch) -> None:
    """An inference worker answers, so health's documented 503 is no server error here."""
    monkeypatch.setitem(health.CHECKS, "inference_workers", lambda: None)


def owner_with_detections() -> tuple[User, list[Detection]]:
    """A new user with a recording pending and one completed."""
    name = f"fuzz{next(_users)}"
    user = UserFactory(username=name)
    detections = []
    for status, extra in (
        (Detection.Status.PENDING, {}),
        (
            Detection.Status.COMPLETED,
            {
                "results": {"chunk_predictions": COMPLETED_MAP},
                "overall_assessment": Detection.Assessment.REAL,
                "overall_confidence": 0.88,
                "verdict_policy": {
                    "likely_fake_threshold": 0.5,
                    "fake_threshold": 0.8,
                    "min_speech_seconds": 1.0,
                },
                "chunk_count": 1,
            },
        ),
    ):
        audio = AudioFileFactory(user=user)
        default_storage.save(audio.storage_path, ContentFile(b"RIFF....WAVE"))
        detections.append(DetectionFactory(audio_file=audio, status=status, **extra))
    return user, detections


def aim_valid_case(case: Any, refresh: str, detections: list[Detection]) -> None:
    """Point a valid example at what exists: a real detection id, a live refresh token."""
    if not case.meta or not case.meta.generation.mode.is_positive:
        return
    if case.path_parameters and "request_id" in case.path_parameters:
        chosen = detections[len(str(case.path_parameters["request_id"])) % 2]
        case.path_parameters["request_id"] = str(chosen.request_id)
    if isinstance(case.body, dict) and "refresh" in case.body:
        case.body["refresh"] = refresh


@pytest.mark.timeout(180)
@schema.parametrize()
@settings(
    deadline=timedelta(seconds=10),
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_as_its_schema_says(case: Any) -> None:
    """No generated request gets a 5xx or an answer that the schema does not describe."""
    # Its own savepoint, as each request has its own transaction in production:
    # one example's database error cannot break the ones after it.
    with transaction.atomic():
        user, detections = owner_with_detections()
        session = start_session(user)
        aim_valid_case(case, str(session), detections)
        case.call_and_validate(
            headers={"Authorization": f"Bearer {session.access_token}"}, checks=CHECKS
        )
        transaction.set_rollback(True)
