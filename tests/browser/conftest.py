"""Shared fixtures for the browser tests.

* ``guard``: records what a page must never do (a Content-Security-Policy violation,
  a JavaScript dialog, an uncaught error) so a test can assert the page stayed clean;
* ``axe_audit``: runs axe-core (shipped inside axe-playwright-python, no download) with
  the WCAG 2.1 A and AA rules and returns the violations, ready to print;
* ``admin_page`` (and ``log_in``): a browser page logged in as a superuser;
* ``serve`` (with ``html_page``): a second local origin, for pages that frame ours.

The Chromium launch arguments and the skip when Chromium is missing live in
``tests/conftest.py``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    "resultTypes": ["violations"],
}


@dataclass
class PageGuard:
    """What went wrong on a page: CSP violations, dialogs (alert, confirm...) and errors."""

    csp_violations: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def on_console(self, message: Any) -> None:
        if "Content Security Policy" in message.text:
            self.csp_violations.append(f"{message.type}: {message.text}")

    def on_dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def on_page_error(self, error: Any) -> None:
        self.errors.append(str(error))

    def problems(self) -> list[str]:
        return [
            *(f"CSP violation: {text}" for text in self.csp_violations),
            *(f"dialog opened: {text}" for text in self.dialogs),
            *(f"page error: {text}" for text in self.errors),
        ]

    def assert_clean(self, where: str = "") -> None:
        problems = self.problems()
        assert not problems, f"{where}: " + "\n".join(problems)


def attach_guard(page: Any) -> PageGuard:
    guard = PageGuard()
    page.on("console", guard.on_console)
    page.on("dialog", guard.on_dialog)
    page.on("pageerror", guard.on_page_error)
    return guard


@pytest.fixture
def guard(page: Any) -> PageGuard:
    return attach_guard(page)


def format_violations(violations: list[dict[str, Any]]) -> str:
    """One block per violated rule: id, impact, help, then each node's target and why."""
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            checks = [*node.get("any", []), *node.get("all", []), *node.get("none", [])]
            why = "; ".join(check["message"] for check in checks)
            lines.append(f"    {' '.join(node['target'])}: {why}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


@pytest.fixture
def axe_audit(axe: Axe) -> Callable[[Any], list[dict[str, Any]]]:
    """``axe_audit(page)`` -> the WCAG 2.1 A/AA violations on the page as it is now."""

    def audit(page: Any) -> list[dict[str, Any]]:
        results = axe.run(page, options=AXE_OPTIONS)
        return list(results.response["violations"])

    return audit


@pytest.fixture
def superuser(django_user_model: Any) -> Any:
    return django_user_model.objects.create_superuser(
        "policy-owner", "owner@example.com", "not-a-real-password"
    )


def log_in(context: Any, live_server: Any, user: Any) -> None:
    """Give a browser context the session cookie of ``user`` (no login form involved)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


@pytest.fixture
def admin_page(page: Any, live_server: Any, superuser: Any) -> Any:
    """The ``page`` of pytest-playwright, logged in as a superuser."""
    log_in(page.context, live_server, superuser)
    return page


@contextmanager
def serve(port: int, handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Another origin, ``http://127.0.0.1:<port>``, for as long as the block runs.

    ``port`` 0 picks a free one, which no setting allows to frame our pages.
    """
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def html_page(body: str) -> type[BaseHTTPRequestHandler]:
    """A handler that answers every GET with ``body`` (a page of the test's, no CSP)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: object) -> None:
            pass

    return Handler


# -- a faster reset between live-server tests ------------------------------------------------
#
# Live-server tests are transactional: afterwards the database is flushed, and the flush's
# post-migrate hook reloads the shipped policy from ``policy_content/`` (a second or more
# per test). Instead, the database as it was after ``migrate`` is copied once, the flush
# is told to skip the reload (Django does so under serialized rollback when the copy is
# on the connection), and the copy is written back after the test's teardown. Every test
# that follows, browser or not, finds the shipped policy as before.

_AFTER_MIGRATE: dict[str, str] = {}
_RESTORE = pytest.StashKey[Any]()


@pytest.fixture(autouse=True)
def _restore_policy_quickly(
    request: pytest.FixtureRequest, django_db_serialized_rollback: None, django_db_blocker: Any
) -> None:
    from django.db import connection

    if "default" not in _AFTER_MIGRATE:
        _AFTER_MIGRATE["default"] = connection.creation.serialize_db_to_string()
    connection._test_serialized_contents = _AFTER_MIGRATE["default"]
    request.node.stash[_RESTORE] = django_db_blocker


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    result = yield  # every fixture is torn down now, the database flushed
    blocker = item.stash.get(_RESTORE, None)
    if blocker is not None:
        from django.contrib.contenttypes.models import ContentType
        from django.db import connection

        with blocker.unblock():
            # Empty unless the flush ran the post-migrate hooks after all (see below).
            if not ContentType.objects.exists():
                connection.creation.deserialize_db_from_string(_AFTER_MIGRATE["default"])
        # Playwright runs the tests in another context (a greenlet) than pytest-django's
        # setup, with its own connection objects; drop the copy from this one so the next
        # test does not restore it a second time at its start.
        if hasattr(connection, "_test_serialized_contents"):
            del connection._test_serialized_contents
    return result
