"""State transitions: claims, scores, completion, failures and re-queues."""

import pytest
from django.utils import timezone

from detector import services
from detector.models import Detection
from inference import chunk_store
from inference.chunking import ChunkSpan
from tests.factories import ChunkFactory
from tests.factories import DetectionFactory

pytestmark = pytest.mark.django_db

Status = Detection.Status


def test_claim_moves_pending_to_processing_once() -> None:
    """The first claim wins; another task's claim of the same row does nothing."""
    detection = DetectionFactory()
    claimed = services.claim_for_processing(str(detection.request_id), 0, "task-1")
    assert claimed is not None
    assert claimed.status == Status.PROCESSING
    assert claimed.attempts == 1
    assert services.claim_for_processing(str(detection.request_id), 0, "task-2") is None


def test_claim_lets_the_same_task_resume_and_counts_attempts() -> None:
    """A redelivered message (same task id) resumes, counting one more attempt."""
    detection = DetectionFactory()
    services.claim_for_processing(str(detection.request_id), 0, "task-1")
    again = services.claim_for_processing(str(detection.request_id), 0, "task-1")
    assert again is not None
    assert again.attempts == 2


def test_claim_refuses_past_max_attempts(settings) -> None:
    """A message that keeps crashing its worker stops at the limit instead of looping."""
    settings.DETECTOR_MAX_ATTEMPTS = 2
    detection = DetectionFactory()
    request_id = str(detection.request_id)
    for _ in range(2):
        assert services.claim_for_processing(request_id, 0, "task-1") is not None
    with pytest.raises(services.AttemptsExhaustedError, match="stopped 2 times"):
        services.claim_for_processing(request_id, 0, "task-1")


def test_fail_detection_records_reason_and_deletes_keys() -> None:
    """Failing writes the reason and removes every Redis key of the detection."""
    detection = DetectionFactory(status=Status.PROCESSING)
    request_id = str(detection.request_id)
    chunk_store.put_chunks(request_id, 0, [b"\x00\x00" * 10, b"\x00\x00" * 10])
    chunk_store.count_attempt(request_id, 0, 0)
    services.fail_detection(request_id, "The file is broken.", 0)
    detection.refresh_from_db()
    assert detection.status == Status.FAILED
    assert detection.error_message == "The file is broken."
    assert detection.results["error_message"] == "The file is broken."
    assert chunk_store.client().keys(f"*{request_id}*") == []


def test_fail_detection_leaves_completed_alone() -> None:
    """A completed detection cannot be failed afterwards."""
    detection = DetectionFactory(status=Status.COMPLETED)
    assert services.fail_detection(str(detection.request_id), "late") is None
    detection.refresh_from_db()
    assert detection.status == Status.COMPLETED


def test_complete_detection_writes_map_and_verdict_once() -> None:
    """Completion assembles the map and verdict; a second call changes nothing."""
    detection = DetectionFactory(status=Status.PROCESSING, started_at=timezone.now())
    request_id = str(detection.request_id)
    services.record_chunk_plan(
        request_id,
        0,
        [ChunkSpan(0, 0, 64000), ChunkSpan(1, 64000, 96000)],
        [0.9, 0.8],
        [-20.0, -22.0],
    )
    model = services.ScoringModel("m", "1", True, None)
    services.record_scores(request_id, 0, {0: 0.1, 1: 0.95}, model)
    done = services.complete_detection(request_id, 0)
    assert done is not None
    assert done.overall_assessment == "fake"
    assert done.results["chunk_predictions"]["chunk_1"] == {
        "score": 0.95,
        "start": 4.0,
        "end": 6.0,
        "speech": True,
        "speech_ratio": 0.8,
        "silent": False,
    }
    assert done.inconclusive_reason == ""
    assert done.verdict_policy == {
        "likely_fake_threshold": 0.5,
        "fake_threshold": 0.8,
        "min_speech_seconds": 1.0,
    }
    assert done.model_name == "m"
    assert services.complete_detection(request_id, 0) is None


def test_complete_detection_refuses_unscored_chunks() -> None:
    """Finalizing before every chunk is scored is an error, not a partial verdict."""
    detection = DetectionFactory(status=Status.PROCESSING)
    services.record_chunk_plan(
        str(detection.request_id), 0, [ChunkSpan(0, 0, 64000)], [1.0], [-20.0]
    )
    with pytest.raises(services.IncompleteScoresError):
        services.complete_detection(str(detection.request_id), 0)


@pytest.mark.parametrize(
    ("ratios", "levels", "reason"),
    [
        ([0.0, 0.0], [-120.0, -70.0], "no_speech"),
        ([0.0, 0.01], [-120.0, -20.0], "not_speech_like"),
        ([0.0, 0.3], [-20.0, -20.0], "too_short"),  # 0.6 s of speech in 2 s
    ],
    ids=["silence", "sound-without-speech", "too-little-speech"],
)
def test_complete_detection_records_why_it_is_inconclusive(
    ratios: list[float], levels: list[float], reason: str
) -> None:
    """Chunk levels and speech ratios decide the inconclusive reason."""
    detection = DetectionFactory(status=Status.PROCESSING, started_at=timezone.now())
    request_id = str(detection.request_id)
    spans = [ChunkSpan(0, 0, 64000), ChunkSpan(1, 64000, 96000)]
    services.record_chunk_plan(request_id, 0, spans, ratios, levels)
    model = services.ScoringModel("m", "1", True, None)
    services.record_scores(request_id, 0, {0: 0.9, 1: 0.9}, model)
    done = services.complete_detection(request_id, 0)
    assert done is not None
    assert (done.overall_assessment, done.overall_confidence) == ("inconclusive", 0.0)
    assert done.inconclusive_reason == reason
    assert done.inconclusive_message


def test_complete_detection_keeps_the_recorded_speech_minimum(settings) -> None:
    """The minimum recorded with the scores judges, even if the setting changed."""
    detection = DetectionFactory(status=Status.PROCESSING, started_at=timezone.now())
    request_id = str(detection.request_id)
    services.record_chunk_plan(request_id, 0, [ChunkSpan(0, 0, 64000)], [0.5], [-20.0])
    model = services.ScoringModel("m", "1", True, None)
    services.record_scores(request_id, 0, {0: 0.1}, model)
    settings.DETECTOR_MIN_SPEECH_SECONDS = 3.0
    done = services.complete_detection(request_id, 0)
    assert done is not None
    assert done.overall_assessment == "real"  # 2 s of speech against the recorded 1 s
    assert done.verdict_policy["min_speech_seconds"] == 1.0


def test_record_scores_ignores_finished_detection() -> None:
    """Scores arriving after a failure are dropped."""
    detection = DetectionFactory(status=Status.FAILED)
    model = services.ScoringModel("m", "1", True, None)
    assert services.record_scores(str(detection.request_id), 0, {0: 0.5}, model) is None


def test_requeue_restarts_failed_detection() -> None:
    """The operator's re-queue resets a failed detection to pending."""
    detection = DetectionFactory(status=Status.FAILED, error_message="boom", attempts=3)
    ChunkFactory(detection=detection)
    assert services.requeue_detection(detection)
    detection.refresh_from_db()
    assert (detection.status, detection.attempts, detection.error_message) == (
        Status.PENDING,
        0,
        "",
    )
    assert not detection.chunks.exists()


def put_run_chunks(request_id: str, generation: int) -> None:
    chunk_store.put_chunks(request_id, generation, [b"\x00\x00" * 10] * 2)
    chunk_store.count_attempt(request_id, generation, 0)


def run_keys(request_id: str, generation: int) -> list[bytes]:
    return sorted(chunk_store.client().keys(f"*:{request_id}:{generation}:*"))


def test_claim_ignores_a_task_of_an_older_run() -> None:
    """A prepare_audio of a run that was re-queued claims nothing."""
    detection = DetectionFactory(generation=1)
    assert services.claim_for_processing(str(detection.request_id), 0, "old") is None
    detection.refresh_from_db()
    assert (detection.status, detection.attempts) == (Status.PENDING, 0)


def test_older_run_changes_nothing_and_drops_only_its_own_keys() -> None:
    """Every step of a stale run is a no-op that removes its keys, never the new run's."""
    detection = DetectionFactory(status=Status.PROCESSING, generation=1)
    request_id = str(detection.request_id)
    services.record_chunk_plan(request_id, 1, [ChunkSpan(0, 0, 64000)], [1.0], [-9.0])
    put_run_chunks(request_id, 1)
    model = services.ScoringModel("m", "1", True, None)

    put_run_chunks(request_id, 0)
    assert services.record_chunk_plan(request_id, 0, [], [], []) is None
    assert run_keys(request_id, 0) == []
    put_run_chunks(request_id, 0)
    assert services.record_scores(request_id, 0, {0: 0.9}, model) is None
    assert services.complete_detection(request_id, 0) is None
    assert run_keys(request_id, 0) == []
    put_run_chunks(request_id, 0)
    assert services.fail_detection(request_id, "old run failed", 0) is None
    assert run_keys(request_id, 0) == []

    detection.refresh_from_db()
    assert detection.status == Status.PROCESSING
    assert detection.chunks.get().score is None
    assert len(run_keys(request_id, 1)) == 3  # two chunks and the attempts counter


def test_requeue_starts_a_new_run_while_the_old_one_scores(
    django_capture_on_commit_callbacks,
) -> None:
    """Re-queueing a processing detection drops the old run's keys and queues run 1."""
    detection = DetectionFactory(status=Status.PROCESSING, task_id="t", attempts=1)
    request_id = str(detection.request_id)
    put_run_chunks(request_id, 0)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requeue_detection(detection)
    detection.refresh_from_db()
    assert (detection.status, detection.generation, detection.attempts) == (
        Status.PENDING,
        1,
        0,
    )
    assert run_keys(request_id, 0) == []
    (message,) = chunk_store.client().lrange("preprocess", 0, -1)
    assert f"['{request_id}', 1]".encode() in message


def test_requeue_leaves_completed_and_pending_alone() -> None:
    """Only failed or processing detections are re-queued; a result stays the result."""
    for status in (Status.COMPLETED, Status.PENDING):
        detection = DetectionFactory(status=status)
        assert not services.requeue_detection(detection)
        detection.refresh_from_db()
        assert (detection.status, detection.generation) == (status, 0)


def test_operator_failure_fails_the_current_run() -> None:
    """Without a run, fail_detection fails whatever run is current and drops its keys."""
    detection = DetectionFactory(status=Status.PROCESSING, generation=2)
    request_id = str(detection.request_id)
    put_run_chunks(request_id, 2)
    assert services.fail_detection(request_id, "Stopped by an operator.") is not None
    assert run_keys(request_id, 2) == []
