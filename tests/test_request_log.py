"""One structured log line per request, without secrets."""

import json
import logging
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.db import OperationalError, connection

from supportscope.policy.snapshot import cache, get_snapshot
from supportscope.web.requestlog import MAX_QUERY, looks_secret, safe_query
from tests.jsonlog import configured_formatter

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_lines(caplog):
    """The parsed request log lines written so far."""
    caplog.set_level(logging.INFO, logger="supportscope.request")

    def lines():
        return [
            record.request for record in caplog.records if record.name == "supportscope.request"
        ]

    return lines


def test_each_request_writes_one_line_with_method_path_status_duration_and_revision(
    client, request_lines
):
    client.get("/policy/", {"lang": "ko"})
    [line] = request_lines()
    assert line["method"] == "GET"
    assert line["path"] == "/policy/"
    assert line["query"] == "lang=ko"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    assert line["duration_ms"] > 0
    assert line["revision"] == get_snapshot().revision
    assert line["stale"] is False


def test_requests_that_do_not_use_the_policy_log_no_revision(client, request_lines):
    client.get("/admin/login/")
    client.get("/no-such-page/")
    lines = request_lines()
    assert [(line["path"], line["status"], line["revision"]) for line in lines] == [
        ("/admin/login/", 200, None),
        ("/no-such-page/", 404, None),
    ]


def test_refused_hosts_are_logged_with_their_status(client, request_lines):
    client.get("/policy/", HTTP_HOST="evil.example.com")
    [line] = request_lines()
    assert line["status"] == 400


def test_a_stale_answer_is_logged_as_stale(client, request_lines, monkeypatch):
    monkeypatch.setattr(cache, "retry_base", 0.0)
    client.get("/policy/")

    def refuse(*args):
        raise OperationalError("connection refused")

    with connection.execute_wrapper(refuse):
        client.get("/policy/")
    assert [line["stale"] for line in request_lines()] == [False, True]


def test_successful_probes_are_not_logged_and_failing_ones_are(client, request_lines):
    client.get("/healthz")
    client.get("/readyz")
    assert request_lines() == []

    def refuse(*args):
        raise OperationalError("connection refused")

    with connection.execute_wrapper(refuse):
        client.get("/readyz")
    [line] = request_lines()
    assert (line["path"], line["status"]) == ("/readyz", 503)


def test_cookies_session_authorization_and_bodies_are_never_logged(admin_user, client, caplog):
    caplog.set_level(logging.DEBUG)
    client.force_login(admin_user)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.cookies["custom"] = "cookie-secret-value"
    client.get("/policy/", HTTP_AUTHORIZATION="Bearer header-secret-value")
    client.post("/admin/logout/", {"password": "body-secret-value"})
    formatter = configured_formatter()
    logged = "\n".join(formatter.format(record) for record in caplog.records)
    assert "/admin/logout/" in logged
    for secret in (session_key, "cookie-secret-value", "header-secret-value", "body-secret-value"):
        assert secret not in logged


def test_credential_like_query_values_are_masked(client, request_lines):
    client.get("/policy/", {"component": "ingress", "api_key": "k-123", "token": "t-456"})
    [line] = request_lines()
    assert line["query"] == "component=ingress&api_key=%2A%2A%2A&token=%2A%2A%2A"
    assert "k-123" not in line["query"]
    assert "t-456" not in line["query"]


@pytest.mark.parametrize(
    ("key", "secret"),
    [
        ("password", True),
        ("client_secret", True),
        ("api-key", True),
        ("X.Auth", True),
        ("csrfmiddlewaretoken", True),
        ("component", False),
        ("monkey", False),
        ("design", False),
        ("sample_kind", False),
    ],
)
def test_secret_keys_are_recognised_by_whole_words(key, secret):
    assert looks_secret(key) is secret


def test_answers_are_logged_as_sent_and_long_queries_are_cut():
    assert safe_query("component=ingress&ingress=nginx") == "component=ingress&ingress=nginx"
    assert safe_query("") == ""
    assert safe_query("monkey=1&design=2") == "monkey=1&design=2"  # words, not substrings
    assert len(safe_query("a=" + "x" * 5000)) == MAX_QUERY


def test_the_configured_format_writes_each_request_as_one_json_line_with_its_fields(client, caplog):
    caplog.set_level(logging.INFO, logger="supportscope.request")
    client.get("/policy/", {"lang": "ko", "component": "ingress"})
    [record] = [r for r in caplog.records if r.name == "supportscope.request"]
    line = configured_formatter().format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["logger"] == "supportscope.request"
    assert parsed["level"] == "INFO"
    assert parsed["message"] == "GET /policy/ 200"
    assert parsed["request"] == {
        "method": "GET",
        "path": "/policy/",
        "query": "lang=ko&component=ingress",
        "status": 200,
        "duration_ms": record.request["duration_ms"],
        "revision": get_snapshot().revision,
        "stale": False,
    }
    assert datetime.fromisoformat(parsed["time"]).utcoffset() == timedelta(0)
