"""Log lines that carry the request's id, as readable text or as one JSON object a line.

`ANSWERABLE_LOG_FORMAT=json` (config/settings/base.py) picks JSON for a log collector; the
development console keeps text. Only named fields are written, never the request or its body,
and e-mail addresses are masked wherever they appear, so a database error quoting a row or a
message naming a person does not carry personal data into the logs.
"""

import contextvars
import datetime
import json
import logging
import re

# Set by RequestObservationMiddleware for the length of a request; "-" outside one.
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Fields a log call may add with `extra=` that are safe to write out.
EXTRA_FIELDS = ("method", "view", "status", "duration_ms")


def request_id_clear(**kwargs: object) -> None:
    """Once the response is sent, later lines belong to no request."""
    request_id.set("-")


def redact(text: str) -> str:
    return _EMAIL.sub("[email]", text)


class RequestIdFilter(logging.Filter):
    """Give every record the current request's id, so text and JSON formats can show it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class ExpectedRefusalFilter(logging.Filter):
    """A 403 is the permission rules working, not a fault: log its one line, no traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "django.request" and getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True


class TextFormatter(logging.Formatter):
    """The development console's format, with e-mail addresses masked as in JSON."""

    def __init__(self) -> None:
        super().__init__("%(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        record.request_id = getattr(record, "request_id", "-")
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request id, chosen extras."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": getattr(record, "request_id", "-"),
        }
        for name in EXTRA_FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(line, default=str)
