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
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client

from tests.locks import port_lock

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

    ``port`` 0 picks a free one, which no setting allows to frame our pages. A fixed port
    (8765, the origin tests/settings.py allows) is held by one test process at a time:
    under pytest-xdist, a worker that wants it waits for the other to let it go.
    """
    with port_lock(port) if port else nullcontext():
        yield from _serve(port, handler)


def _serve(port: int, handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
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
