"""Structured logging: every record of a request carries its request id (and a Celery task's
record its task id), and LOG_FORMAT=json writes one JSON object per line for log collectors.

Standard library only, so that logging keeps working whatever else is broken."""

import contextvars
import json
import logging
from datetime import UTC, datetime

# The id of the request being served in this thread (or asyncio task); None outside a request.
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)

# LogRecord's own attributes: anything else on a record came from `extra=` and is logged too.
_RECORD_ATTRIBUTES = frozenset(
    logging.LogRecord("", 0, "", 0, "", (), None).__dict__
) | {"message", "asctime", "request_id", "task_id", "context"}


def _current_task_id() -> str | None:
    try:
        from celery import current_task
    except ImportError:  # pragma: no cover - celery is a dependency
        return None
    task = current_task
    request = getattr(task, "request", None) if task else None
    return getattr(request, "id", None)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (the current request's, or None) and `task_id` (the running Celery
    task's, or None) to every record, so both formats can print them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        if not hasattr(record, "task_id"):
            record.task_id = _current_task_id()
        return True


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, the request or
    task id when there is one, any `extra=` fields, and the traceback as one string."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("request_id", "task_id"):
            value = getattr(record, key, None)
            if value:
                entry[key] = value
        for key, value in record.__dict__.items():
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # default=str: a stray non-JSON value (a Path, a datetime) must never lose the line.
        return json.dumps(entry, default=str, ensure_ascii=False)


class PlainFormatter(logging.Formatter):
    """The human-readable format for development: the request or task id, when there is one,
    goes in brackets after the logger's name."""

    def format(self, record: logging.LogRecord) -> str:
        ids = [getattr(record, key, None) for key in ("request_id", "task_id")]
        record.context = "".join(f" [{value}]" for value in ids if value)
        return super().format(record)
