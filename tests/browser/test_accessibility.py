"""axe-core audit (WCAG 2.1 A and AA) of every kind of page, in English and in Korean.

The result must be 0 violations. axe-core ships inside axe-playwright-python, so the
audit needs no download at run time. A failure lists each violated rule with its
impact and the CSS target of every offending node.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import format_violations
from tests.pages import PAGES

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("kind", PAGES, ids=[kind.name for kind in PAGES])
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_page_has_no_accessibility_violations(request, live_server, axe_audit, kind, lang):
    page = request.getfixturevalue("admin_page" if kind.needs_login else "page")
    page.set_extra_http_headers({"Accept-Language": lang})
    response = page.goto(live_server.url + kind.path_for())
    violations = axe_audit(page)
    assert violations == [], f"{kind.path} ({lang}):\n{format_violations(violations)}"
    assert response is not None
    assert response.status == kind.status, kind.path
    assert page.locator("html").get_attribute("lang") == lang


def test_audit_reports_violations_it_is_shown(page, live_server, axe_audit):
    """The audit is not a no-op: a page with a known fault fails it."""
    page.goto(f"{live_server.url}/policy/")
    # An image without alternative text and a link without a name (DevTools, not the page,
    # adds them, so the CSP does not apply).
    page.evaluate(
        "() => { const img = document.createElement('img'); img.src = '/static/favicon.svg';"
        " document.querySelector('main').append(img);"
        " const a = document.createElement('a'); a.href = '/';"
        " document.querySelector('main').append(a); }"
    )
    violations = axe_audit(page)
    assert {violation["id"] for violation in violations} >= {"image-alt", "link-name"}
    report = format_violations(violations)
    assert "image-alt (critical)" in report
    assert '#main > a[href="/"]: ' in report
