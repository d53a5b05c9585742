"""The effective Celery settings: misspelled settings are silently ignored otherwise."""

from config import celery as celery_config
from config.celery import app

# Queued messages carry these names: renaming one strands every message in flight.
WIRE_NAMES = {
    "PREPARE_AUDIO_TASK": "inference.prepare_audio",
    "SCORE_CHUNKS_TASK": "inference.score_chunks",
    "FINALIZE_DETECTION_TASK": "inference.finalize_detection",
    "SCORE_STREAM_WINDOW_TASK": "inference.score_stream_window",
    "FINISH_STREAM_TASK": "inference.finish_stream",
    "SWEEP_DETECTIONS_TASK": "detector.sweep_detections",
    "APPLY_RETENTION_TASK": "detector.apply_retention",
    "DELIVER_WEBHOOK_TASK": "detector.deliver_webhook",
    "DISPATCH_WEBHOOKS_TASK": "detector.dispatch_webhooks",
}
# Each queue's Redis list is named after it: renaming one strands its messages.
QUEUE_WIRE_NAMES = ("preprocess", "inference", "finalize", "webhooks", "stream")


def test_celery_pipeline_settings_are_effective() -> None:
    """Late acks, prefetch 1, time limits and a visibility timeout above them."""
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_soft_time_limit < conf.task_time_limit
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit
    assert conf.worker_cancel_long_running_tasks_on_connection_loss is True


def test_celery_task_names_keep_their_wire_names() -> None:
    """config.celery names every registered task and queue, each with its unchanged wire name."""
    declared = {
        constant: getattr(celery_config, constant)
        for constant in dir(celery_config)
        if constant.endswith("_TASK")
    }
    assert declared == WIRE_NAMES
    assert celery_config.QUEUES == QUEUE_WIRE_NAMES
    app.loader.import_default_modules()  # what a worker imports: autodiscovery
    registered = {name for name in app.tasks if not name.startswith("celery.")}
    assert registered == set(WIRE_NAMES.values())


def test_celery_routes_each_stage_to_its_queue() -> None:
    """Scoring to inference, live streams to stream; results and webhooks never behind decoding."""
    expected = {
        celery_config.PREPARE_AUDIO_TASK: celery_config.PREPROCESS_QUEUE,
        celery_config.SCORE_CHUNKS_TASK: celery_config.INFERENCE_QUEUE,
        celery_config.FINALIZE_DETECTION_TASK: celery_config.FINALIZE_QUEUE,
        celery_config.SCORE_STREAM_WINDOW_TASK: celery_config.STREAM_QUEUE,
        celery_config.FINISH_STREAM_TASK: celery_config.STREAM_QUEUE,
        celery_config.SWEEP_DETECTIONS_TASK: celery_config.FINALIZE_QUEUE,
        celery_config.APPLY_RETENTION_TASK: celery_config.FINALIZE_QUEUE,
        celery_config.DELIVER_WEBHOOK_TASK: celery_config.WEBHOOKS_QUEUE,
        celery_config.DISPATCH_WEBHOOKS_TASK: celery_config.WEBHOOKS_QUEUE,
    }
    router = app.amqp.router
    assert {task: router.route({}, task)["queue"].name for task in expected} == expected
    assert set(expected) == set(WIRE_NAMES.values())


def test_celery_retries_span_at_least_a_minute_and_fit_the_visibility_timeout(
    settings,
) -> None:
    """With the defaults, a task's retries wait 2-4 minutes in all, each under 60 s."""
    from inference.tasks import backoff_seconds
    from inference.tasks import prepare_audio

    retries = range(settings.DETECTOR_TASK_MAX_RETRIES)
    nominal = [
        min(
            settings.DETECTOR_RETRY_MAX_DELAY_SECONDS,
            settings.DETECTOR_RETRY_DELAY_SECONDS * 2**retry,
        )
        for retry in retries
    ]
    assert sum(nominal) / 2 >= 60  # equal jitter keeps at least half of each delay
    for _ in range(200):
        waits = [backoff_seconds(retry) for retry in retries]
        assert all(n / 2 <= w <= n for n, w in zip(nominal, waits, strict=True))
        assert 120 <= sum(waits) <= 242
    assert prepare_audio.max_retries == settings.DETECTOR_TASK_MAX_RETRIES
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert visibility > settings.DETECTOR_RETRY_MAX_DELAY_SECONDS


def test_celery_beat_runs_the_sweeper_periodically(settings) -> None:
    """The scheduler sends detector.sweep_detections every sweep interval."""
    app.finalize()
    entry = app.conf.beat_schedule["sweep stuck detections"]
    assert entry["task"] == celery_config.SWEEP_DETECTIONS_TASK
    assert entry["schedule"] == settings.DETECTOR_SWEEP_INTERVAL_SECONDS
    dispatcher = app.conf.beat_schedule["dispatch due webhooks"]
    assert dispatcher["task"] == celery_config.DISPATCH_WEBHOOKS_TASK
    assert dispatcher["schedule"] == settings.DETECTOR_WEBHOOK_DISPATCH_INTERVAL_SECONDS
