"""The effective Celery settings: misspelled settings are silently ignored otherwise."""

from config.celery import app


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


def test_celery_routes_each_stage_to_its_queue() -> None:
    """Scoring to inference; finalizing and the sweeper never behind decoding."""
    router = app.amqp.router
    assert router.route({}, "inference.score_chunks")["queue"].name == "inference"
    assert router.route({}, "inference.prepare_audio")["queue"].name == "preprocess"
    assert router.route({}, "inference.finalize_detection")["queue"].name == "finalize"
    assert router.route({}, "detector.sweep_detections")["queue"].name == "finalize"
    assert router.route({}, "detector.deliver_webhook")["queue"].name == "webhooks"
    assert router.route({}, "detector.dispatch_webhooks")["queue"].name == "webhooks"


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
    assert entry["task"] == "detector.sweep_detections"
    assert entry["schedule"] == settings.DETECTOR_SWEEP_INTERVAL_SECONDS
    dispatcher = app.conf.beat_schedule["dispatch due webhooks"]
    assert dispatcher["task"] == "detector.dispatch_webhooks"
    assert dispatcher["schedule"] == settings.DETECTOR_WEBHOOK_DISPATCH_INTERVAL_SECONDS
