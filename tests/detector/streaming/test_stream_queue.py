"""Stream windows reach the inference workers ahead of uploads' chunks."""

from config.celery import app


def test_stream_tasks_go_to_the_stream_queue() -> None:
    """Window scoring and the stream's end are routed to "stream", not behind uploads."""
    router = app.amqp.router
    for task in ("inference.score_stream_window", "inference.finish_stream"):
        assert router.route({}, task)["queue"].name == "stream"


def test_workers_poll_their_queues_in_the_order_given() -> None:
    """With -Q stream,inference a waiting window is taken before a waiting upload chunk."""
    assert app.conf.broker_transport_options["queue_order_strategy"] == "priority"
