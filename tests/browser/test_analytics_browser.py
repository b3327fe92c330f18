"""The feedback question on a verdict page and the usage dashboard, in Chromium: with and
without JavaScript, at phone and desktop width, in both languages, axe-clean, CSP-clean.

Set SUPPORTSCOPE_SCREENSHOTS=<dir> to keep screenshots of both.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from supportscope.analytics.models import Counter
from supportscope.analytics.tally import flusher, tally, today, write
from tests.browser.conftest import attach_guard, format_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SUPPORTSCOPE_SCREENSHOTS")
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
NGINX = "/triage/?component=ingress&ingress=nginx"
THANKS = {"en": "Thank you", "ko": "고맙습니다"}
TITLE = {"en": "Usage dashboard", "ko": "사용 현황 대시보드"}


@pytest.fixture(autouse=True)
def _empty_tally():
    tally.take()
    yield
    tally.take()


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def no_sideways_scroll(page, size: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SIZES[size]["width"] + 1, f"the page scrolls sideways ({width}px)"


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_feedback_question_takes_one_click_and_thanks(page, live_server, axe_audit, lang, size):
    guard = attach_guard(page)
    page.set_viewport_size(SIZES[size])
    page.goto(f"{live_server.url}{NGINX}&lang={lang}")
    form = page.locator(".feedback-form")
    form.scroll_into_view_if_needed()
    violations = axe_audit(page)
    assert violations == [], format_violations(violations)
    no_sideways_scroll(page, size)
    shot(page, f"feedback-{lang}-{size}")
    form.locator("button[value=no]").click()
    page.locator(".feedback [role=status]").wait_for()
    assert THANKS[lang] in page.locator(".feedback").inner_text()
    assert "feedback=sent" in page.url
    assert page.locator(".feedback-form").count() == 0
    violations = axe_audit(page)
    assert violations == [], format_violations(violations)
    shot(page, f"feedback-thanks-{lang}-{size}")
    guard.assert_clean(page.url)
    assert flusher.flush()
    row = Counter.objects.get(kind="feedback")
    assert (row.subject, row.value, row.n) == ("unmanaged-ingress-unsupported", "no", 1)
    cookies = {cookie["name"] for cookie in page.context.cookies()}
    assert "csrftoken" not in cookies
    assert "sessionid" not in cookies


def test_the_feedback_question_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}{NGINX}")
        page.locator(".feedback-form button[value=yes]").click()
        page.locator(".feedback [role=status]").wait_for()
        assert "feedback=sent" in page.url
    finally:
        context.close()
    assert flusher.flush()
    assert Counter.objects.get(kind="feedback", value="yes").n == 1


def seed() -> None:
    day = today()
    counts = {}
    for back in range(30):
        d = day - timedelta(days=back)
        starts = 20 + (back * 7) % 13
        counts[(d, 1, "start", "", "")] = starts * 3 // 2
        counts[(d, 1, "shown", "component", "")] = starts * 3 // 2
        counts[(d, 1, "answer", "component", "ingress")] = starts // 2
        counts[(d, 1, "answer", "component", "app-certificate")] = starts // 3
        counts[(d, 1, "shown", "ingress", "")] = starts // 2
        counts[(d, 1, "answer", "ingress", "nginx")] = starts // 4
        counts[(d, 1, "answer", "ingress", "app-routing")] = starts // 6
        counts[(d, 1, "verdict", "managed-ingress-supported", "supported")] = starts // 6
        counts[(d, 1, "answer", "component", "api-server")] = starts // 5
        counts[(d, 1, "verdict", "control-plane-supported", "supported")] = starts // 5
        counts[(d, 1, "answer", "component", "third-party-oss")] = starts // 7
        counts[(d, 1, "answer", "oss", "helm")] = starts // 7
        counts[(d, 1, "verdict", "oss-helm-best-effort", "best_effort")] = starts // 7
        counts[(d, 1, "feedback", "oss-helm-best-effort", "no")] = 1
        counts[(d, 1, "feedback", "control-plane-supported", "yes")] = 2
        counts[(d, 1, "answer", "ingress", "unknown")] = starts // 8
        counts[(d, 1, "verdict", "unmanaged-ingress-unsupported", "unsupported")] = starts // 4
        counts[(d, 1, "verdict", "app-certificate-unsupported", "unsupported")] = starts // 3
        counts[(d, 1, "depends", "ingress", "")] = starts // 8
        counts[(d, 1, "feedback", "unmanaged-ingress-unsupported", "yes")] = 2
        counts[(d, 1, "feedback", "unmanaged-ingress-unsupported", "no")] = 1
        counts[(d, 1, "feedback", "app-certificate-unsupported", "yes")] = 3
        counts[(d, 1, "change", "ingress", "")] = 1
        counts[(d, 1, "proposal", "component", "accepted")] = 2
        counts[(d, 1, "proposal", "ingress", "changed")] = 1
    write(counts)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_dashboard_is_readable_accessible_and_clean(
    page, live_server, axe_audit, django_user_model, lang, size
):
    seed()
    staff = django_user_model.objects.create_user("reader", password="x-x-x-x", is_staff=True)
    log_in(page.context, live_server, staff)  # staff, without any permission
    guard = attach_guard(page)
    page.set_viewport_size(SIZES[size])
    page.set_extra_http_headers({"Accept-Language": lang})
    page.goto(f"{live_server.url}/admin/")
    page.locator('a[href="/admin/analytics/counter/"]').first.click()
    page.locator("h1").filter(has_text=TITLE[lang]).wait_for()
    assert page.locator(".usage-chart rect.bar-start").count() == 30
    assert page.locator(".heat-tree .heat-4").count() >= 1
    page.select_option("#usage-days", "7")
    page.locator(".usage-pick button[type=submit]").click()
    page.wait_for_url("**days=7**")
    assert page.locator(".usage-chart rect.bar-start").count() == 7
    violations = axe_audit(page)
    assert violations == [], format_violations(violations)
    no_sideways_scroll(page, size)
    shot(page, f"dashboard-{lang}-{size}")
    guard.assert_clean(page.url)
