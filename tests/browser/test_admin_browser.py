"""The admin in a real browser: live preview while typing, saving, the conflict page, CSP.

Set SUPPORTSCOPE_SCREENSHOTS=<dir> to keep screenshots of the change form with its
preview, the history diff and the conflict page, at desktop and phone width, in English
and Korean.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.test import Client

from supportscope.policy.models import Clause
from tests.adminforms import post_change

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SUPPORTSCOPE_SCREENSHOTS")
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
PASSWORD = "browser-admin-pw-42"


@pytest.fixture
def admin_user_pw(django_user_model):
    return django_user_model.objects.create_superuser("ann", "ann@example.com", PASSWORD)


@pytest.fixture
def csp_errors(page):
    """Every console message about a Content-Security-Policy violation."""
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    return found


def sign_in(page, base: str, lang: str = "en") -> None:
    page.goto(f"{base}/admin/login/?lang={lang}")
    page.fill("#id_username", "ann")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/$"))


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def ingress_clause() -> Clause:
    return Clause.objects.get(section__slug="unsupported-scenarios", key="unmanaged-ingress")


def test_the_preview_follows_typing_and_the_saved_text_goes_live(
    page, live_server, admin_user_pw, csp_errors
):
    sign_in(page, live_server.url)
    clause = ingress_clause()
    page.goto(f"{live_server.url}/admin/policy/clause/{clause.pk}/change/")
    preview = page.locator("#preview-id_body_en")
    assert "ingress" in preview.inner_text()

    page.fill("#id_body_en", "Typed **live** text <script>alert(1)</script>.")
    page.locator("#preview-id_body_en strong").wait_for()
    assert preview.locator("strong").inner_text() == "live"
    assert "<script>alert(1)</script>" in preview.inner_text()  # shown as text, not run
    assert preview.locator("script").count() == 0

    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r".*/admin/policy/clause/$"))
    page.goto(f"{live_server.url}/policy/")
    assert "live" in page.locator(f"#{clause.anchor} strong").inner_text()
    assert csp_errors == []


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_admin_pages_render_under_the_csp_at_every_width(
    page, live_server, admin_user_pw, csp_errors, lang, size
):
    page.set_viewport_size(SIZES[size])
    sign_in(page, live_server.url, lang)
    clause = ingress_clause()
    url = f"{live_server.url}/admin/policy/clause/{clause.pk}/change/"
    page.goto(url)
    page.fill(f"#id_body_{lang}", "미리 **보기** / *preview*")
    page.locator(f"#preview-id_body_{lang} strong").wait_for()
    shot(page, f"change-form-{lang}-{size}")
    assert page.locator(".md-preview-box").first.is_visible()

    # Another admin saves while this one types: the save is refused with both texts.
    other = Client()
    other.force_login(admin_user_pw)
    post_change(
        other, f"/admin/policy/clause/{clause.pk}/change/", {f"body_{lang}": "Saved first."}
    )
    page.click("input[name=_save]")
    page.locator(".policy-conflict").wait_for()
    assert "Saved first." in page.locator(".policy-conflict").inner_text()
    shot(page, f"conflict-{lang}-{size}")

    page.goto(f"{live_server.url}/admin/policy/revision/?lang={lang}")
    page.click(".policy-compare-form button")
    page.locator(".object-diff").first.wait_for()
    shot(page, f"history-diff-{lang}-{size}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SIZES[size]["width"] + 1, "the diff page scrolls sideways"
    assert csp_errors == []
