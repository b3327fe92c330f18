"""The sign-in lockout page and the failed sign-ins list in a real browser, both languages.

Set SUPPORTSCOPE_SCREENSHOTS=<dir> to keep screenshots of both at desktop and phone width.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import Client

from tests.browser.conftest import format_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SUPPORTSCOPE_SCREENSHOTS")
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
PASSWORD = "browser-admin-pw-42"
LOCKED = {"en": "Too many failed sign-in attempts", "ko": "로그인 실패가 너무 많아"}


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def fail_five_times(username: str) -> None:
    """Five wrong passwords from the browser's address (the live server sees 127.0.0.1)."""
    client = Client()
    for _ in range(5):
        form = {"username": username, "password": "guess"}
        client.post("/admin/login/", form, REMOTE_ADDR="127.0.0.1")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_lockout_page_is_readable_accessible_and_clean(
    page, live_server, django_user_model, axe_audit, guard, lang, size
):
    django_user_model.objects.create_superuser("ann", "ann@example.com", PASSWORD)
    fail_five_times("ann")
    page.set_viewport_size(SIZES[size])
    page.set_extra_http_headers({"Accept-Language": lang})
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "ann")
    page.fill("#id_password", PASSWORD)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.click("input[type=submit]")
    assert posted.value.status == 429
    assert LOCKED[lang] in page.locator(".errornote").inner_text()
    assert page.locator("html").get_attribute("lang") == lang
    violations = axe_audit(page)
    assert violations == [], format_violations(violations)
    guard.assert_clean(f"lockout page ({lang}, {size})")
    shot(page, f"signin-locked-{lang}-{size}")
    page.click("#content-main a")  # back to the form
    assert page.locator("#id_username").is_visible()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_failed_sign_ins_list_shows_the_lock(
    page, live_server, superuser, axe_audit, guard, lang, size
):
    fail_five_times("ann")
    log_in(page.context, live_server, superuser)
    page.set_viewport_size(SIZES[size])
    page.set_extra_http_headers({"Accept-Language": lang})
    page.goto(f"{live_server.url}/admin/signin/failedsignin/")
    row = page.locator("#result_list tbody tr")
    assert row.count() == 1
    assert row.locator("td.field-locked img").get_attribute("alt") == "True"
    violations = axe_audit(page)
    assert violations == [], format_violations(violations)
    guard.assert_clean(f"failed sign-ins ({lang}, {size})")
    shot(page, f"signin-list-{lang}-{size}")
