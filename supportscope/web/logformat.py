"""The log format: every record is one JSON object on one line.

``{"level": "INFO", "logger": "supportscope.request", "message": "GET /triage/ 200",
"request": {...}, "time": "2026-11-30T12:00:00.123456+00:00"}``

python-json-logger does the encoding: fields passed with ``extra`` become keys, a
traceback becomes the ``exc_info`` string (its newlines escaped, so the record stays on
one line), and ``time`` is the record's creation time in ISO 8601, in UTC. Django's
``LOGGING`` (settings.py) and gunicorn's own loggers (gunicorn_conf.py) both use it.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _LibraryFormatter

REQUEST_LOGGER = "supportscope.request"  # requestlog.py


class JsonFormatter(_LibraryFormatter):
    """python-json-logger's formatter, without Django's request objects.

    Django's loggers (``django.request``, ``django.security``) pass the ``HttpRequest`` as
    ``request``; written as text it carries the raw query string, which would bypass the
    request log's masking of credential-like values. Only a ``request`` that is a dict
    (the request log's own fields) is written.
    """

    def format(self, record: logging.LogRecord) -> str:
        """The request log's lines (one per request) take a direct path to the same JSON:
        the library's general one costs more than the rest of a warm request together."""
        request = record.__dict__.get("request")
        if (
            type(request) is dict
            and record.name == REQUEST_LOGGER
            and not record.exc_info
            and not record.stack_info
        ):
            return json.dumps(
                {
                    "level": record.levelname,
                    "logger": record.name,
                    "message": record.getMessage(),
                    "request": request,
                    "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
                },
                ensure_ascii=False,
            )
        return super().format(record)

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(log_data.get("request"), dict):
            log_data.pop("request", None)
        return super().process_log_record(log_data)


def json_formatter() -> dict[str, Any]:
    """A ``logging.config.dictConfig`` formatter entry (a fresh dict: dictConfig consumes it)."""
    return {
        "()": "supportscope.web.logformat.JsonFormatter",
        "fmt": ["levelname", "name", "message"],
        "rename_fields": {"levelname": "level", "name": "logger"},
        "timestamp": "time",
        "json_ensure_ascii": False,
    }
