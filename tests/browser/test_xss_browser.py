"""The XSS corpus in Chromium: no payload runs, on any page, in either language.

A payload that ran would set ``window.__xss`` or open a dialog. Each test runs twice:
with the app's Content-Security-Policy, where any blocked attempt shows up as a CSP
violation in the console (so injected markup is caught even though CSP stopped it),
and with CSP bypassed, which proves the markup itself is inert.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest

from tests.browser.conftest import PageGuard, attach_guard, log_in
from tests.hostile import PAYLOADS, QUERY_PAYLOADS, seed_all_payloads
from tests.pages import PAGES

pytestmark = pytest.mark.browser

QUERY_PATHS = ["/", "/policy/", "/triage/", "/triage/map/"]


@pytest.fixture(params=["csp", "csp-bypassed"])
def hostile_page(request, browser, live_server, superuser) -> Any:
    context = browser.new_context(bypass_csp=request.param == "csp-bypassed")
    log_in(context, live_server, superuser)
    page = context.new_page()
    yield page, attach_guard(page)
    context.close()


def assert_nothing_ran(page: Any, guard: PageGuard, where: str) -> None:
    for frame in page.frames:
        assert frame.evaluate("() => window.__xss") is None, f"{where}: a payload ran"
    guard.assert_clean(where)


def test_no_edited_text_runs_script_on_any_page(hostile_page, live_server):
    page, guard = hostile_page
    seed_all_payloads()
    for lang in ("en", "ko"):
        page.set_extra_http_headers({"Accept-Language": lang})
        for kind in PAGES:
            page.goto(live_server.url + kind.path_for())
            # Give focus-based payloads (autofocus onfocus) their chance.
            page.keyboard.press("Tab")
            assert_nothing_ran(page, guard, f"{kind.path} ({lang})")


def test_the_corpus_is_on_the_policy_page_as_text(page, live_server):
    """The browser test above is not vacuous: the payloads reach the page."""
    seed_all_payloads()
    page.goto(f"{live_server.url}/policy/")
    text = page.locator("main").inner_text()
    shown = [payload for payload in PAYLOADS if payload.startswith("<") and payload in text]
    assert len(shown) >= 10, shown


@pytest.mark.parametrize("payload", QUERY_PAYLOADS)
def test_no_query_parameter_runs_script(hostile_page, live_server, payload):
    page, guard = hostile_page
    query = urlencode(
        {"component": payload, "lang": payload, "embed": payload, "rev": payload, payload: "1"}
    )
    for path in QUERY_PATHS:
        page.goto(f"{live_server.url}{path}?{query}")
        page.keyboard.press("Tab")
        assert_nothing_ran(page, guard, f"{path}?{query}")


def test_the_guard_sees_a_payload_that_runs(page, live_server):
    """The checks can fail: script run through DevTools is seen, and so is a dialog."""
    guard = attach_guard(page)
    page.goto(f"{live_server.url}/policy/")
    page.evaluate("() => { window.__xss = 1; alert('xss'); }")
    assert page.evaluate("() => window.__xss") == 1
    assert guard.dialogs == ["alert: xss"]


def test_the_guard_sees_a_csp_violation(page, live_server):
    guard = attach_guard(page)
    page.goto(f"{live_server.url}/policy/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__xss = 1'; document.body.append(s); }"
    )
    assert page.evaluate("() => window.__xss") is None  # blocked by the CSP
    page.wait_for_function("() => true")
    assert guard.csp_violations, "the blocked inline script is reported"
