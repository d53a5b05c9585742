"""A file the pipeline cannot use is the uploader's problem: logged at INFO, no traceback."""

import logging
import time

import numpy as np
import pytest
from rest_framework.test import APIClient

from detector.models import Detection
from tests.audio_fixtures import encode_wav
from tests.support import submit
from tests.support import wait_for

pytestmark = [
    pytest.mark.pipeline,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("celery_worker"),
]


def outcome_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Celery's "Task inference.prepare_audio[...] raised ..." lines."""
    return [
        record
        for record in caplog.records
        if record.name == "celery.app.trace"
        and "inference.prepare_audio" in record.getMessage()
        and "raised" in record.getMessage()
    ]


@pytest.mark.parametrize(
    "content",
    [
        b"fLaC" + np.random.default_rng(0).bytes(4000),
        encode_wav(np.zeros(8000, dtype=np.float32)),
    ],
    ids=["corrupt-flac", "too-short"],
)
def test_user_input_failures_log_as_expected_without_traceback(
    alice_client: APIClient, caplog: pytest.LogCaptureFixture, content: bytes
) -> None:
    """Celery says "raised expected" at INFO instead of "raised unexpected" at ERROR."""
    caplog.set_level(logging.INFO, logger="celery.app.trace")
    detection = wait_for(submit(alice_client, content))
    assert detection.status == Detection.Status.FAILED
    # Celery logs the outcome just after the failure handler wrote the row.
    deadline = time.monotonic() + 10
    while not (expected := outcome_records(caplog)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [
        (record.levelno, "raised expected" in record.getMessage(), record.exc_info)
        for record in expected
    ] == [(logging.INFO, True, None)]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
