"""Structured logs: the request_id filter, the task signal hooks, Celery's logging."""

import json
import logging
import logging.config
from types import SimpleNamespace
from typing import Any

import pytest
from celery import signals
from django.conf import settings

from config import celery as celery_config
from config import log_context
from inference import tasks

LOGGING: dict[str, Any] = settings.LOGGING

PIPELINE = {
    task.name: task
    for task in (tasks.prepare_audio, tasks.score_chunks, tasks.finalize_detection)
}


@pytest.fixture(autouse=True)
def _no_bound_id() -> None:
    """Each test starts with no request_id bound."""
    log_context.clear_request_id()


def record(message: str = "hello") -> logging.LogRecord:
    return logging.LogRecord("ops", logging.INFO, __file__, 1, message, None, None)


def formatted(format_name: str) -> str:
    """A record through the settings' handler config with the given formatter."""
    config = {**LOGGING["formatters"][format_name]}
    factory = config.pop("()", None)
    if factory:
        formatter = logging.config.DictConfigurator({}).configure_custom(
            {"()": factory, **config}
        )
    else:
        formatter = logging.Formatter(config["format"])
    log_filter = log_context.RequestIdFilter(
        default=None if format_name == "json" else "-"
    )
    entry = record()
    log_filter.filter(entry)
    return formatter.format(entry)


def test_filter_adds_the_bound_request_id() -> None:
    """Bound, the id is on every record; unbound, the default is."""
    log_filter = log_context.RequestIdFilter(default="-")
    entry = record()
    log_filter.filter(entry)
    assert entry.request_id == "-"  # type: ignore[attr-defined]
    log_context.bind_request_id("7a0c9ad4-2b42-4a0a-9d0e-0f4f0c6f2f10")
    entry = record()
    assert log_filter.filter(entry) is True
    assert entry.request_id == "7a0c9ad4-2b42-4a0a-9d0e-0f4f0c6f2f10"  # type: ignore[attr-defined]


def test_json_lines_carry_request_id_field() -> None:
    """LOG_FORMAT=json: one JSON object per line with request_id (null when unbound)."""
    assert json.loads(formatted("json"))["request_id"] is None
    log_context.bind_request_id("abc")
    line = json.loads(formatted("json"))
    assert line["request_id"] == "abc"
    assert {"asctime", "levelname", "name", "message"} <= set(line)


def test_text_lines_show_request_id() -> None:
    """LOG_FORMAT=text shows the id in brackets, or a dash."""
    assert "[-] hello" in formatted("text")
    log_context.bind_request_id("abc")
    assert "[abc] hello" in formatted("text")


def test_console_handler_has_the_filter() -> None:
    """The one handler of settings.LOGGING applies the request_id filter."""
    assert LOGGING["handlers"]["console"]["filters"] == ["request_id"]
    assert (
        LOGGING["filters"]["request_id"]["()"] == "config.log_context.RequestIdFilter"
    )


@pytest.mark.parametrize("task_name", sorted(celery_config.PIPELINE_TASKS))
def test_pipeline_task_binds_its_request_id_for_its_run(task_name: str) -> None:
    """task_prerun binds the first argument; task_postrun restores the context."""
    task = PIPELINE[task_name]
    signals.task_prerun.send(
        sender=task, task_id="t-1", task=task, args=("rid-1", [0, 1]), kwargs={}
    )
    assert log_context.current_request_id() == "rid-1"
    signals.task_postrun.send(sender=task, task_id="t-1", task=task, args=(), kwargs={})
    assert log_context.current_request_id() is None


def test_keyword_request_id_is_bound_too() -> None:
    """A task called with request_id= binds it as well."""
    task = SimpleNamespace(name=celery_config.FINALIZE_DETECTION_TASK)
    log_context.bind_task_request_id(
        celery_config.PIPELINE_TASKS,
        task_id="t-2",
        task=task,
        args=(),
        kwargs={"request_id": "rid-2"},
    )
    assert log_context.current_request_id() == "rid-2"
    log_context.unbind_task_request_id(task_id="t-2")
    assert log_context.current_request_id() is None


def test_other_tasks_do_not_bind() -> None:
    """The sweeper's argument-less run (and any other task) binds nothing."""
    task = SimpleNamespace(name=celery_config.SWEEP_DETECTIONS_TASK)
    log_context.bind_task_request_id(
        celery_config.PIPELINE_TASKS, task_id="t-3", task=task, args=(), kwargs={}
    )
    assert log_context.current_request_id() is None


def test_celery_uses_the_django_logging_config() -> None:
    """A setup_logging receiver exists, so Celery installs no handler or format of its own."""
    receivers = [receiver() for _, receiver in signals.setup_logging.receivers]
    assert celery_config.use_django_logging in receivers


def test_pipeline_task_names_are_the_real_ones() -> None:
    """config.celery names exactly the pipeline's tasks (a rename would drop the ids)."""
    assert set(PIPELINE) == celery_config.PIPELINE_TASKS
