"""The policy page in Chromium: clause anchors, both languages, the switch, and a clean
console (no Content-Security-Policy violation) on every page."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from supportscope.policy.models import Clause
from tests.browser.conftest import attach_guard
from tests.pages import PAGES
from tests.test_content import SLUGS

pytestmark = pytest.mark.browser

CLAUSE = "unsupported-scenarios--unmanaged-ingress"
HIGHLIGHT = "rgb(255, 244, 214)"  # --warn-bg in app.css
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def test_opening_a_clause_link_targets_and_highlights_the_clause(page, live_server, guard):
    page.goto(f"{live_server.url}/policy/#{CLAUSE}")
    target = page.locator(":target")
    assert target.get_attribute("id") == CLAUSE
    assert "clause" in (target.get_attribute("class") or "").split()
    style = target.evaluate(
        "el => ({background: getComputedStyle(el).backgroundColor,"
        " shadow: getComputedStyle(el).boxShadow})"
    )
    assert style["background"] == HIGHLIGHT
    assert style["shadow"] != "none"
    # The clause is scrolled into view.
    box = target.bounding_box()
    assert box is not None
    assert 0 <= box["y"] < page.viewport_size["height"]
    # Other clauses are not highlighted.
    other = page.locator("#unsupported-scenarios--kubernetes-howto")
    assert other.evaluate("el => getComputedStyle(el).backgroundColor") != HIGHLIGHT
    guard.assert_clean("/policy/")


def test_every_section_has_its_anchor_and_a_contents_link(page, live_server, guard):
    page.goto(f"{live_server.url}/policy/")
    ids = page.eval_on_selector_all("section.policy-section", "els => els.map(e => e.id)")
    assert ids == SLUGS
    toc = page.eval_on_selector_all(".toc a", "els => els.map(e => e.getAttribute('href'))")
    assert toc == [f"#{slug}" for slug in SLUGS]
    for slug in SLUGS:
        official = page.locator(f"#{slug} .official a")
        assert official.get_attribute("href") == (
            f"https://learn.microsoft.com/azure/aks/support-policies#{slug}"
        )
    guard.assert_clean("/policy/")


def test_contents_link_moves_to_the_section(page, live_server):
    page.goto(f"{live_server.url}/policy/")
    page.locator(".toc a[href='#upstream-bugs-and-issues']").click()
    page.wait_for_url("**/policy/#upstream-bugs-and-issues")
    assert page.locator(":target").get_attribute("id") == "upstream-bugs-and-issues"


def test_every_clause_has_a_unique_anchor_and_its_own_link(page, live_server):
    page.goto(f"{live_server.url}/policy/")
    anchors = page.eval_on_selector_all(".clause", "els => els.map(e => e.id)")
    live = {clause.anchor for clause in Clause.objects.filter(retired=False)}
    assert len(anchors) == len(set(anchors))
    assert set(anchors) == live
    links = page.eval_on_selector_all(
        ".clause", "els => els.map(e => e.querySelector(':scope > .clause-link').hash)"
    )
    assert links == [f"#{anchor}" for anchor in anchors]


def test_korean_browser_gets_the_korean_page(browser, live_server):
    context = browser.new_context(locale="ko-KR")
    page = context.new_page()
    guard = attach_guard(page)
    page.goto(f"{live_server.url}/policy/")
    assert page.locator("html").get_attribute("lang") == "ko"
    titles = page.eval_on_selector_all(".toc a", "els => els.map(e => e.textContent)")
    assert len(titles) == len(SLUGS)
    assert all(HANGUL.search(title) for title in titles)
    # The page is Korean throughout: the interface strings too, not only the content.
    for selector in ("h1", "#toc-title", ".lead", ".skip-link", ".site-footer"):
        assert HANGUL.search(page.locator(selector).first.inner_text()), selector
    guard.assert_clean("/policy/ in Korean")
    context.close()


def korean_font_families() -> set[str]:
    if not shutil.which("fc-list"):
        return set()
    listing = subprocess.run(
        ["fc-list", ":lang=ko", "family"], capture_output=True, text=True, check=False
    ).stdout
    return {family.strip() for line in listing.splitlines() for family in line.split(",")}


def test_korean_text_is_drawn_with_a_font_that_has_hangul(page, live_server):
    families = korean_font_families()
    if not families:
        pytest.skip("no font with Hangul is installed (fc-list :lang=ko); .ci/run installs one")
    page.goto(f"{live_server.url}/policy/?lang=ko")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "#unsupported-scenarios"})
    heading = cdp.send(
        "DOM.querySelector", {"nodeId": node["nodeId"], "selector": "#unsupported-scenarios-title"}
    )
    used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": heading["nodeId"]})["fonts"]
    assert {font["familyName"] for font in used} & families, used


def test_language_switch_changes_language_and_remembers_it(page, live_server, guard):
    page.set_extra_http_headers({"Accept-Language": "en"})
    page.goto(f"{live_server.url}/policy/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator(".lang-switch a[hreflang='ko']").click()
    page.wait_for_url("**/policy/?lang=ko")
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.locator(".lang-switch a[hreflang='ko']").get_attribute("aria-current") == "true"
    assert HANGUL.search(page.locator("#unsupported-scenarios-title").inner_text())
    # The choice survives a page without the parameter.
    page.goto(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "ko"
    page.locator(".lang-switch a[hreflang='en']").click()
    page.wait_for_url("**/?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    guard.assert_clean("language switch")


def test_language_switch_keeps_the_other_query_parameters(page, live_server):
    page.goto(f"{live_server.url}/policy/?component=ingress&lang=en")
    href = page.locator(".lang-switch a[hreflang='ko']").get_attribute("href")
    assert href == "/policy/?component=ingress&lang=ko"


@pytest.mark.parametrize("kind", PAGES, ids=[kind.name for kind in PAGES])
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_no_csp_violation_or_error_on_any_page(request, live_server, kind, lang):
    page = request.getfixturevalue("admin_page" if kind.needs_login else "page")
    guard = attach_guard(page)
    page.set_extra_http_headers({"Accept-Language": lang})
    response = page.goto(live_server.url + kind.path_for())
    assert response is not None
    assert response.status == kind.status
    # The stylesheet and the scripts loaded: the header has its colour, htmx is there.
    assert page.evaluate("typeof window.htmx") == ("object" if kind.htmx else "undefined")
    assert page.evaluate("document.styleSheets.length") >= 1
    assert page.evaluate("document.querySelectorAll('style').length") == 0  # no inline <style>
    if kind.htmx:  # htmx runs with the strict configuration
        config = page.evaluate(
            "({styles: htmx.config.includeIndicatorStyles, evals: htmx.config.allowEval,"
            " scripts: htmx.config.allowScriptTags})"
        )
        assert config == {"styles": False, "evals": False, "scripts": False}
    guard.assert_clean(kind.path)
