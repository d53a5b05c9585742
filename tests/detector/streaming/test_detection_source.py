"""Every detection names how its audio arrived: upload, url, batch or stream."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from detector import recovery
from detector import services
from detector.models import Batch
from detector.models import Detection
from detector.streaming.protocol import parse_start
from detector.streaming.records import open_stream
from inference.tasks import STREAM_LOST
from inference.tasks import prepare_audio
from tests.audio_fixtures import wav_bytes
from tests.detector.streaming.sockets import START

pytestmark = pytest.mark.django_db


def upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("call.wav", wav_bytes())


def test_submissions_record_their_source(alice: User) -> None:
    """A file is an upload, a link is url, a batch member is batch."""
    by_file = services.submit_upload(alice, upload(), "audio/wav")
    by_link = services.submit_url(alice, "https://example.com/call.wav", "call.wav")
    batch = Batch.objects.create(owner=alice)
    in_batch = services.submit_upload(alice, upload(), "audio/wav", batch=batch)
    assert [by_file.source, by_link.source, in_batch.source] == [
        Detection.Source.UPLOAD,
        Detection.Source.URL,
        Detection.Source.BATCH,
    ]


def test_stream_lost_with_its_web_process_fails_when_restarted(alice: User) -> None:
    """A stream the sweeper restarts without stored audio fails with a reason, not a fetch."""
    detection = open_stream(alice, parse_start(START))
    assert recovery.restart_run(str(detection.request_id), detection.generation)
    prepare_audio.apply(args=[str(detection.request_id), detection.generation + 1])
    detection.refresh_from_db()
    assert detection.status == Detection.Status.FAILED
    assert detection.error_message == STREAM_LOST
