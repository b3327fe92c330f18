"""Every log line is one JSON object with an ISO 8601 UTC time, tracebacks included."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime, timedelta

import pytest

from supportscope.web.logformat import json_formatter
from tests.jsonlog import configured_formatter, parse_lines
from tests.production import run_python


def record(message: str, *args: object, exc_info=None, **extra: object) -> logging.LogRecord:
    made = logging.LogRecord(
        "supportscope.test", logging.ERROR, __file__, 1, message, args, exc_info
    )
    made.__dict__.update(extra)
    return made


def test_settings_give_every_handler_the_json_formatter():
    from django.conf import settings

    handlers = settings.LOGGING["handlers"]
    assert {handler["formatter"] for handler in handlers.values()} == {"json"}
    assert settings.LOGGING["formatters"]["json"] == json_formatter()


def test_a_record_with_a_traceback_is_one_json_line_with_the_traceback_inside():
    try:
        {}["missing"]
    except KeyError:
        failed = record("lookup failed for %s", "x", exc_info=sys.exc_info())
    line = configured_formatter().format(failed)
    assert "\n" not in line
    [parsed] = parse_lines(line)
    assert parsed["message"] == "lookup failed for x"
    assert parsed["level"] == "ERROR"
    assert parsed["logger"] == "supportscope.test"
    assert parsed["exc_info"].startswith("Traceback (most recent call last):\n")
    assert "KeyError: 'missing'" in parsed["exc_info"]


def test_the_time_is_iso_8601_in_utc():
    made = record("hello")
    made.created = datetime(2026, 11, 30, 21, 40, 0, 250000, tzinfo=UTC).timestamp()
    [parsed] = parse_lines(configured_formatter().format(made))
    when = datetime.fromisoformat(parsed["time"])
    assert when.utcoffset() == timedelta(0)
    assert when.isoformat() == "2026-11-30T21:40:00.250000+00:00"


def test_quotes_newlines_and_korean_in_a_message_stay_inside_one_line():
    line = configured_formatter().format(record('a "quoted"\nsecond line 정책', path="C:\\x"))
    assert "\n" not in line
    assert "정책" in line  # readable, not \\u-escaped
    [parsed] = parse_lines(line)
    assert parsed["message"] == 'a "quoted"\nsecond line 정책'
    assert parsed["path"] == "C:\\x"


def test_a_value_json_cannot_encode_is_written_as_text():
    [parsed] = parse_lines(configured_formatter().format(record("odd", thing=object())))
    assert parsed["thing"].startswith("<object object at")


@pytest.mark.django_db
def test_every_line_of_a_production_run_with_an_exception_is_json(tmp_path):
    """A real process: Django's own loggers, ours and an uncaught exception in a view."""
    script = """
import django, logging
django.setup()
from django.test import Client
from django.urls import path
import supportscope.urls as urls

def boom(request):
    raise RuntimeError("the view failed\\non two lines")

urls.urlpatterns.append(path("boom/", boom))
client = Client(raise_request_exception=False)
client.get("/boom/", HTTP_HOST="supportscope.example.com", HTTP_X_FORWARDED_PROTO="https")
client.get("/no-such-page/?token=s3cr3t-value", HTTP_HOST="supportscope.example.com",
           HTTP_X_FORWARDED_PROTO="https")
logging.getLogger("supportscope.snapshot").warning("plain warning")
"""
    completed = run_python("-c", script, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert completed.returncode == 0, completed.stderr
    lines = parse_lines(completed.stderr)
    by_logger = {}
    for line in lines:
        by_logger.setdefault(line["logger"], []).append(line)
        assert datetime.fromisoformat(line["time"]).utcoffset() == timedelta(0)
    [error] = by_logger["django.request"][:1]
    assert error["level"] == "ERROR"
    assert "RuntimeError: the view failed\non two lines" in error["exc_info"]
    statuses = [line["request"]["status"] for line in by_logger["supportscope.request"]]
    assert statuses == [500, 404]
    assert by_logger["supportscope.snapshot"][-1]["message"] == "plain warning"
    # Django's 404 warning passes the request object; its raw query must not be written.
    assert [line["message"] for line in by_logger["django.request"]][1] == (
        "Not Found: /no-such-page/"
    )
    assert "s3cr3t-value" not in completed.stderr
    assert by_logger["supportscope.request"][1]["request"]["query"] == "token=%2A%2A%2A"


def test_a_request_line_takes_the_direct_path_to_the_same_json_as_the_library():
    from pythonjsonlogger.json import JsonFormatter as LibraryFormatter

    formatter = configured_formatter()
    made = logging.LogRecord(
        "supportscope.request", logging.INFO, __file__, 1, "%s %s %s", ("GET", "/정책/", 200), None
    )
    made.request = {
        "method": "GET", "path": "/정책/", "query": 'q="x"', "status": 200,
        "duration_ms": 1.25, "revision": 3, "stale": False,
    }  # fmt: skip
    direct = formatter.format(made)
    assert direct == LibraryFormatter.format(formatter, made)
    assert json.loads(direct)["request"]["path"] == "/정책/"
