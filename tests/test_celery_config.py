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


def test_celery_routes_scoring_to_inference_queue() -> None:
    """score_chunks goes to the inference queue; everything else to preprocess."""
    router = app.amqp.router
    assert router.route({}, "inference.score_chunks")["queue"].name == "inference"
    assert router.route({}, "inference.prepare_audio")["queue"].name == "preprocess"
    assert (
        router.route({}, "inference.finalize_detection")["queue"].name == "preprocess"
    )


def test_celery_beat_runs_the_sweeper_periodically(settings) -> None:
    """The scheduler sends detector.sweep_detections every sweep interval."""
    app.finalize()
    entry = app.conf.beat_schedule["sweep stuck detections"]
    assert entry["task"] == "detector.sweep_detections"
    assert entry["schedule"] == settings.DETECTOR_SWEEP_INTERVAL_SECONDS
