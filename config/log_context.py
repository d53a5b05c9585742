"""Log context: the detection's request_id on every log line, from the upload to its last task.

A context variable holds the id; ``RequestIdFilter`` (on the log handler)
copies it onto each record. The web process binds it when an upload creates
its detection (a ``post_save`` receiver, so the upload code needs no logging
hooks) and clears it when the next request starts; workers bind it from the
pipeline task's first argument around each run. Standard library only:
settings and ``config.celery`` import this module in every process.
"""

import logging
import logging.config
from collections.abc import Collection
from contextvars import ContextVar
from contextvars import Token
from typing import Any

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_task_tokens: dict[str, Token[str | None]] = {}


def bind_request_id(request_id: object) -> Token[str | None]:
    return _request_id.set(str(request_id))


def current_request_id() -> str | None:
    return _request_id.get()


def clear_request_id(**kwargs: Any) -> None:
    """Forget the id; a new HTTP request on a reused thread must not inherit it."""
    _request_id.set(None)


def configure(config: dict[str, Any]) -> None:
    """settings.LOGGING_CONFIG: apply LOGGING, and log warnings instead of printing them."""
    logging.config.dictConfig(config)
    logging.captureWarnings(capture=True)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``default`` when none is bound)."""

    def __init__(self, default: str | None = None) -> None:
        super().__init__()
        self.default = default

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get() or self.default
        return True


# --- Django signals (connected by detector.apps.DetectorConfig.ready)


def bind_created_detection(
    sender: type, *, instance: Any, created: bool, **kwargs: Any
) -> None:
    """A new detection (the upload) tags the rest of its request's log lines."""
    if created:
        bind_request_id(instance.request_id)


def connect_django_signals() -> None:
    from django.core.signals import request_started
    from django.db.models.signals import post_save

    post_save.connect(
        bind_created_detection,
        sender="detector.Detection",
        dispatch_uid="config.log_context.bind_created_detection",
    )
    request_started.connect(
        clear_request_id, dispatch_uid="config.log_context.clear_request_id"
    )


# --- Celery signals (connected in config.celery, which names the pipeline tasks)


def bind_task_request_id(
    pipeline_tasks: Collection[str],
    task_id: str | None = None,
    task: Any = None,
    args: tuple[Any, ...] | list[Any] | None = None,
    kwargs: dict[str, Any] | None = None,
    **extra: Any,
) -> None:
    """task_prerun: a pipeline task logs under its detection's request_id."""
    if task is None or task.name not in pipeline_tasks or task_id is None:
        return
    request_id = (kwargs or {}).get("request_id") or (args[0] if args else None)
    if request_id:
        _task_tokens[task_id] = bind_request_id(request_id)


def unbind_task_request_id(task_id: str | None = None, **extra: Any) -> None:
    """task_postrun: restore the context the task found."""
    token = _task_tokens.pop(task_id, None) if task_id else None
    if token is not None:
        try:
            _request_id.reset(token)
        except ValueError:  # set in another context (a thread handed over)
            _request_id.set(None)
