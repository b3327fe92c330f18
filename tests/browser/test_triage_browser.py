"""The triage page in Chromium: with and without JavaScript, by keyboard, and in an iframe."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from supportscope.core.content import read_policy
from tests.browser.conftest import html_page, serve

ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMBED_ORIGIN_PORT = 8765  # tests/settings.py allows http://127.0.0.1:8765 to frame embed pages
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def choose(page: Page, label: str) -> None:
    """Press the choice whose visible label is ``label`` (its description follows it)."""
    page.locator("button.choice").filter(
        has=page.locator(".choice-label", has_text=re.compile(rf"^{re.escape(label)}$"))
    ).click()


def at(page: Page, path: str = "/triage/", **answers: str) -> None:
    """Wait until the address bar shows ``path`` with exactly these query parameters."""
    page.wait_for_url(lambda url: urlsplit(url).path == path and query(url) == answers)


def heading(page: Page):
    return page.locator("#triage h1")


def policy_tree() -> dict[str, Any]:
    return read_policy(ROOT / "policy_content").tree


def first_question() -> dict[str, Any]:
    """The first question of the flow (``topic``: one choice per group of components)."""
    question: dict[str, Any] = policy_tree()["questions"][0]
    return question


def components_in(group: str) -> list[str]:
    """The values of the ``component`` choices that the group ``group`` offers."""
    component = next(q for q in policy_tree()["questions"] if q["key"] == "component")
    return [c["value"] for c in component["choices"] if c.get("group") == group]


def assert_accessible(page: Page) -> None:
    results = Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()


# -- with JavaScript ------------------------------------------------------------


def test_each_step_is_swapped_in_and_the_address_bar_follows(page: Page, live_server):
    page.goto(f"{live_server.url}/triage/")
    page.evaluate("window.sameDocument = true")
    choose(page, "Networking fails")
    at(page, topic="networking")
    expect(heading(page)).to_have_text("Which one does the ticket fit?")
    choose(page, "Network policy")
    at(page, topic="networking", component="network-policy")
    expect(heading(page)).to_have_text(re.compile("policy engine"))
    choose(page, "Microsoft-managed policy engine")
    at(page, topic="networking", component="network-policy", netpol="managed")
    choose(page, "Azure CNI")
    at(page, topic="networking", component="network-policy", netpol="managed", cni="azure-cni")
    choose(page, "AKS preview feature or feature flag")
    at(
        page,
        topic="networking",
        component="network-policy",
        netpol="managed",
        cni="azure-cni",
        preview="preview",
    )
    expect(page.locator("#verdict-title .badge-best_effort")).to_be_visible()
    expect(page).to_have_title(re.compile("^Verdict: Best effort"))
    assert page.evaluate("window.sameDocument") is True  # no page load: htmx swapped every step
    # The language links follow the address bar.
    korean = page.locator(".lang-switch a[hreflang=ko]")
    assert query(korean.get_attribute("href"))["preview"] == "preview"


def test_the_first_step_is_a_group_then_its_choice_or_a_search_across_the_groups(
    page: Page, live_server
):
    page.goto(f"{live_server.url}/triage/")
    expect(heading(page)).to_have_text("What is the ticket mainly about?")
    choose(page, "Nodes or storage fail")
    at(page, topic="nodes")
    expect(heading(page)).to_have_text("Which one does the ticket fit?")
    expect(page.locator("button.choice[name=component]")).to_have_count(len(components_in("nodes")))
    choose(page, "Persistent volume")
    # The address bar carries the group and the choice in it.
    at(page, topic="nodes", component="persistent-volume")
    expect(page.locator("#verdict-title .badge-supported")).to_be_visible()

    # The search box of the first page searches every group's choices.
    page.goto(f"{live_server.url}/triage/")
    page.get_by_label("Search the choices").fill("nginx")
    match = page.locator("ul.choice-matches button.choice[value=ingress]")
    expect(match).to_have_attribute("name", "component")
    expect(match.locator("mark").first).to_have_text(re.compile("nginx", re.I))
    match.click()
    at(page, component="ingress")
    expect(heading(page)).to_have_text("Which ingress controller is involved?")


def test_back_and_forward_walk_the_steps(page: Page, live_server):
    page.goto(f"{live_server.url}/triage/")
    choose(page, "Networking fails")
    at(page, topic="networking")
    choose(page, "Ingress controller")
    at(page, topic="networking", component="ingress")
    choose(page, "NGINX (self-managed)")
    expect(page.locator("#verdict-title .badge-unsupported")).to_be_visible()
    page.go_back()
    at(page, topic="networking", component="ingress")
    expect(heading(page)).to_have_text("Which ingress controller is involved?")
    page.go_back()
    at(page, topic="networking")
    expect(heading(page)).to_have_text("Which one does the ticket fit?")
    page.go_back()
    at(page)
    expect(heading(page)).to_have_text("What is the ticket mainly about?")
    page.go_forward()
    at(page, topic="networking")
    expect(heading(page)).to_have_text("Which one does the ticket fit?")
    page.go_forward()
    at(page, topic="networking", component="ingress")
    expect(heading(page)).to_have_text("Which ingress controller is involved?")
    # The restored step still works.
    choose(page, "Application routing add-on")
    at(page, topic="networking", component="ingress", ingress="app-routing")


def test_change_keeps_the_answers_that_still_apply(page: Page, live_server):
    page.goto(
        f"{live_server.url}/triage/?topic=networking&component=cluster-networking"
        "&appliance=none&cni=kubenet&preview=ga"
    )
    expect(page.locator("#verdict-title .badge-supported")).to_be_visible()
    # Changing the component keeps the group and every other answer.
    page.get_by_role("link", name=re.compile("^Change.*Which one does the ticket fit")).click()
    at(page, topic="networking", appliance="none", cni="kubenet", preview="ga")
    expect(heading(page)).to_have_text("Which one does the ticket fit?")
    choose(page, "kube-proxy")
    expect(page.locator("#verdict-title .badge-supported")).to_be_visible()
    assert query(page.url) == {
        "topic": "networking",
        "appliance": "none",
        "cni": "kubenet",
        "preview": "ga",
        "component": "kube-proxy",
    }
    # Changing the group drops the component with it, and keeps the rest.
    page.get_by_role("link", name=re.compile("^Change.*What is the ticket mainly about")).click()
    at(page, appliance="none", cni="kubenet", preview="ga")
    expect(heading(page)).to_have_text("What is the ticket mainly about?")
    choose(page, "Networking fails")
    choose(page, "Cluster networking")
    expect(page.locator("#verdict-title .badge-supported")).to_be_visible()
    assert query(page.url) == {
        "appliance": "none",
        "cni": "kubenet",
        "preview": "ga",
        "topic": "networking",
        "component": "cluster-networking",
    }
    page.get_by_role("link", name="Start over").click()
    at(page)


def test_search_ranks_by_terms_as_you_type_and_shows_the_matched_word(page: Page, live_server):
    page.goto(f"{live_server.url}/triage/")
    page.evaluate("window.sameDocument = true")
    box = page.get_by_label("Search the choices")
    expect(box).to_be_visible()
    box.fill("Kong")  # a product name that appears only as an answer to a later question
    first = page.locator("ul.choice-matches button.choice").first
    expect(first).to_have_attribute("value", "ingress")
    expect(first.locator("mark").first).to_have_text(re.compile("kong", re.I))
    expect(page.locator("#filter-status")).to_have_text(re.compile("match(es)? “Kong”"))
    box.fill("로드밸런서에")  # an everyday Korean word with a particle attached
    first = page.locator("ul.choice-matches button.choice").first
    expect(first).to_have_attribute("value", "load-balancer")
    expect(first.locator("mark").first).to_have_text("로드밸런서")
    box.fill("zzzz")
    expect(page.locator("#filter-status")).to_have_text(re.compile("No choice matches"))
    # A failed search offers the first question's choices: the groups.
    groups = [c["value"] for c in first_question()["choices"]]
    expect(page.locator("button.choice")).to_have_count(len(groups))
    offered = page.locator("button.choice").all()
    assert [(b.get_attribute("name"), b.get_attribute("value")) for b in offered] == [
        ("topic", value) for value in groups
    ]
    box.fill("cert-manager")
    expect(page.locator("ul.choice-matches button.choice").first).to_have_attribute(
        "value", "app-certificate"
    )
    expect(box).to_be_focused()  # the swap replaced the list, not the box
    assert page.evaluate("window.sameDocument") is True
    page.locator("ul.choice-matches button.choice").first.click()
    at(page, component="app-certificate")  # straight to the choice, across the groups
    expect(heading(page)).to_have_text("What about the certificate?")
    choose(page, "Issuing, renewing or managing the certificate")
    expect(page.locator("#verdict-title .badge-unsupported")).to_be_visible()


def paste_and_propose(page: Page, text: str) -> None:
    page.locator("#ticket-text").fill(text)
    page.locator("form.paste-box button[type=submit]").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/triage/suggest/")


@pytest.mark.parametrize(
    ("lang", "text", "answers", "badge"),
    [
        (
            "en",
            "After the 1.30 upgrade the ingress-nginx controller we installed with Helm "
            "returns 404 for every host. Can you fix our controller?",
            {"component": "ingress", "ingress": "nginx"},
            "unsupported",
        ),
        (
            "ko",
            "애드온으로 켠 Istio 기반 서비스 메시에서 사이드카 주입이 안 됩니다. "
            "Istio를 따로 설치한 적은 없어요.",
            {"component": "managed-addon", "preview": "ga"},
            "supported",
        ),
    ],
)
def test_paste_a_ticket_confirm_the_proposals_and_get_the_verdict(
    page: Page, live_server, guard, lang, text, answers, badge
):
    page.goto(f"{live_server.url}/triage/?lang={lang}")
    paste_and_propose(page, text)
    assert "text=" not in page.url
    form = page.locator("form.proposals-form")
    for key, value in answers.items():
        expect(form.locator(f"select[name={key}]")).to_have_value(value)
    expect(page.locator(".proposal-why mark").first).to_be_visible()
    assert_accessible(page)
    page.locator("form.proposals-form button[type=submit]").click()
    at(page, **answers, lang=lang)
    expect(page.locator(f"#verdict-title .badge-{badge}")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    guard.assert_clean("paste flow")


def test_changing_a_proposal_changes_the_verdict(page: Page, live_server):
    page.goto(f"{live_server.url}/triage/")
    paste_and_propose(page, "Our Kong ingress returns 502 since the upgrade")
    page.locator("select[name=ingress]").select_option("app-routing")
    page.locator("form.proposals-form button[type=submit]").click()
    at(page, component="ingress", ingress="app-routing")
    expect(heading(page)).to_have_text(re.compile("preview"))  # the managed add-on asks it


def test_an_ambiguous_paste_offers_ranked_candidates(page: Page, live_server):
    page.goto(f"{live_server.url}/triage/")
    paste_and_propose(page, "Pods on our cluster with Cilium stay in ContainerCreating")
    radios = page.locator("fieldset.proposal-open input[type=radio]")
    expect(radios.first).to_be_visible()
    page.locator("fieldset.proposal-open label", has_text="Bring your own CNI").click()
    page.locator("form.proposals-form button[type=submit]").click()
    at(page, component="cni-plugin", cni="byocni")
    expect(page.locator("#verdict-title .badge-unsupported")).to_be_visible()


def test_copy_for_ticket_puts_the_receipt_on_the_clipboard(page: Page, live_server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{live_server.url}/triage/?component=ingress&ingress=nginx")
    page.get_by_role("button", name="Copy for ticket").click()
    expect(page.locator(".copy-status")).to_have_text("Copied to the clipboard.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#receipt-text").input_value()
    assert copied.startswith("**SupportScope verdict: Unsupported**")
    assert "&rev=" in copied
    assert "&was=unsupported" in copied


def test_bad_link_shows_the_400_page_and_its_links_lead_on(page: Page, live_server):
    response = page.goto(f"{live_server.url}/triage/?component=ingress&ingress=haproxy")
    assert response.status == 400
    expect(page.locator(".bad-value")).to_have_text("haproxy")
    page.get_by_role("link", name=re.compile("^nginx")).click()
    at(page, component="ingress", ingress="nginx")
    expect(page.locator("#verdict-title .badge-unsupported")).to_be_visible()


def test_language_survives_every_step(page: Page, live_server):
    page.goto(f"{live_server.url}/triage/?lang=ko")
    expect(heading(page)).to_have_text("티켓의 주된 내용은 무엇입니까?")
    choose(page, "네트워킹 문제")
    at(page, topic="networking", lang="ko")
    expect(heading(page)).to_have_text("티켓에 맞는 항목은 어느 것입니까?")
    choose(page, "인그레스(수신) 컨트롤러")
    at(page, topic="networking", component="ingress", lang="ko")
    expect(heading(page)).to_have_text("어떤 인그레스(수신) 컨트롤러를 사용합니까?")
    choose(page, "모름")
    at(page, topic="networking", component="ingress", ingress="unknown", lang="ko")
    expect(heading(page)).to_have_text("미리 보기 기능이나 업스트림 알파·베타 기능을 사용합니까?")
    choose(page, "아니요: 정식 출시(GA) 기능(대부분의 경우)")
    at(page, topic="networking", component="ingress", ingress="unknown", preview="ga", lang="ko")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator("table.depends")).to_be_visible()


# -- without JavaScript ---------------------------------------------------------


def test_the_flow_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/triage/")
    expect(page.get_by_label("Search the choices")).to_be_visible()
    every = len(first_question()["choices"])
    expect(page.locator("[data-choice]")).to_have_count(every)
    choose(page, "An add-on, another tool or the application")
    at(page, topic="addons")
    # One step later, the group's choices.
    expect(page.locator("[data-choice]")).to_have_count(len(components_in("addons")))
    offered = page.locator("[data-choice] button").all()
    assert [(b.get_attribute("name"), b.get_attribute("value")) for b in offered] == [
        ("component", value) for value in components_in("addons")
    ]
    choose(page, "Open source the customer installed")
    at(page, topic="addons", component="third-party-oss")
    choose(page, "Helm")
    # Helm is outside support like Istio and Envoy: no release status can lower that.
    at(page, topic="addons", component="third-party-oss", oss="helm")
    expect(page.locator("#verdict-title .badge-unsupported")).to_be_visible()
    expect(page.locator("#receipt-text")).to_be_visible()
    expect(page.get_by_role("button", name="Copy for ticket")).to_be_hidden()
    page.get_by_role("link", name=re.compile("^Change.*Which open-source project")).click()
    at(page, topic="addons", component="third-party-oss")
    choose(page, "Istio, installed by the customer")
    expect(page.locator("#verdict-title .badge-unsupported")).to_be_visible()
    context.close()


def test_the_search_and_the_paste_box_work_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/triage/?lang=ko")
    box = page.locator("#choice-filter")
    box.fill("취약점")
    box.press("Enter")  # submits the search form of its own, not the first choice
    page.wait_for_url(lambda url: query(url) == {"lang": "ko", "q": "취약점"})
    first = page.locator("ul.choice-matches button.choice").first
    expect(first).to_have_attribute("value", "cve")
    expect(first.locator("mark").first).to_have_text("취약점")
    first.click()
    at(page, component="cve", lang="ko")
    page.goto(f"{live_server.url}/triage/?lang=ko")
    page.locator("#ticket-text").fill("로드밸런서에 공용 IP가 안 붙고 EXTERNAL-IP가 pending 입니다")
    page.locator("form.paste-box button[type=submit]").click()
    expect(page.locator("select[name=component]")).to_have_value("load-balancer")
    page.locator("form.proposals-form button[type=submit]").click()
    at(page, component="load-balancer", lang="ko")
    expect(page.locator("#verdict-title .badge-supported")).to_be_visible()
    context.close()


# -- keyboard only --------------------------------------------------------------


def tab_to(page: Page, selector: str, limit: int = 60, back: bool = False) -> None:
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"{selector} never got the focus")


def test_keyboard_only(page: Page, live_server):
    page.goto(f"{live_server.url}/triage/")
    tab_to(page, "#choice-filter")
    page.keyboard.type("kubelet")
    expect(page.locator("ul.choice-matches button.choice").first).to_have_attribute(
        "value", "kubelet"
    )
    tab_to(page, "ul.choice-matches button.choice")
    page.keyboard.press("Enter")
    at(page, component="kubelet")  # the match leads straight to the choice
    # kubelet asks one fact more: the question's heading has the focus.
    expect(page.locator("#question-title")).to_be_focused()
    expect(page.locator("#question-title")).to_have_text(re.compile("Ready node"))
    tab_to(page, "button[value=yes]")
    page.keyboard.press("Enter")
    at(page, topic="nodes", component="kubelet", ready_nodes="yes")
    # kubelet with a Ready node asks nothing more: the verdict's heading has the focus.
    expect(page.locator("#verdict-title")).to_be_focused()
    tab_to(page, "a.change-link[href='/triage/?ready_nodes=yes']", back=True)  # change the group
    page.keyboard.press("Enter")
    expect(page.locator("#question-title")).to_be_focused()
    tab_to(page, "button[value=networking]")
    page.keyboard.press("Space")
    at(page, topic="networking", ready_nodes="yes")
    expect(page.locator("#question-title")).to_be_focused()
    tab_to(page, "button[value=ingress]")
    page.keyboard.press("Space")
    at(page, topic="networking", component="ingress", ready_nodes="yes")


@pytest.mark.parametrize(
    "path",
    [
        "/triage/",
        "/triage/?component=ingress&cni=azure-cni",
        "/triage/?component=ingress&ingress=nginx",
        "/triage/?component=cni-plugin&cni=unknown&preview=unknown",
        "/triage/?component=api-server&preview=ga&rev=0&was=unsupported",
        "/triage/?q=kong",
        "/triage/?q=인그레스&lang=ko",
        "/triage/?component=system-metadata",
        "/triage/?component=aks-operations-advice&preview=ga",
        "/triage/?component=kubelet&lang=ko",
        "/triage/?component=bogus",
        "/triage/?component=ingress&embed=1",
        "/triage/map/",
        "/triage/?lang=ko&component=ingress&ingress=unknown&preview=ga",
    ],
)
def test_pages_pass_axe_wcag_21_aa(page: Page, live_server, path):
    page.goto(f"{live_server.url}{path}")
    assert_accessible(page)


@pytest.mark.parametrize(
    "path",
    [
        "/triage/",
        "/triage/?component=ingress&ingress=nginx",
        "/triage/?component=cni-plugin&cni=unknown&preview=unknown",
        "/triage/?component=network-policy&netpol=managed&cni=unknown&preview=unknown",
        "/triage/?q=cert-manager",
        "/triage/?component=bogus",
        "/triage/?component=ingress&embed=1",
        "/triage/map/",
    ],
)
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_nothing_overflows_a_phone_screen(browser, live_server, path, lang):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}{path}{'&' if '?' in path else '?'}lang={lang}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


# -- framed by a ticket form ----------------------------------------------------


@contextmanager
def ticket_form(port: int, frame_src: str) -> Iterator[str]:
    """A tiny page on another origin with our triage page in an iframe."""
    body = (
        "<!doctype html><title>Ticket form</title><h1>Ticket 1234</h1>"
        f'<iframe id="triage" title="SupportScope" src="{frame_src}" width="600" height="700">'
        "</iframe>"
    )
    with serve(port, html_page(body)) as origin:
        yield f"{origin}/ticket"


def test_embed_page_works_inside_a_ticket_form_on_an_allowed_origin(page: Page, live_server):
    src = f"{live_server.url}/triage/?component=ingress&embed=1"
    with ticket_form(EMBED_ORIGIN_PORT, src) as url:
        page.goto(url)
        frame = page.frame_locator("#triage")
        expect(frame.locator("#question-title")).to_have_text(
            "Which ingress controller is involved?"
        )
        expect(frame.locator(".site-nav")).to_have_count(0)
        frame.get_by_role("button", name=re.compile("^Application routing add-on")).click()
        frame.get_by_role("button", name=re.compile("^AKS preview feature or feature flag")).click()
        expect(frame.locator("#verdict-title .badge-best_effort")).to_be_visible()
        inner = next(f for f in page.frames if f.url.startswith(live_server.url))
        assert query(inner.url) == {
            "topic": "networking",
            "component": "ingress",
            "embed": "1",
            "ingress": "app-routing",
            "preview": "preview",
        }


@pytest.mark.parametrize(
    ("port", "path"),
    [
        (0, "/triage/?component=ingress&embed=1"),  # an origin that is not allowed
        (EMBED_ORIGIN_PORT, "/triage/?component=ingress"),  # not an embed page
        (EMBED_ORIGIN_PORT, "/triage/map/"),
    ],
)
def test_frames_are_refused_elsewhere(page: Page, live_server, port, path):
    with ticket_form(port, f"{live_server.url}{path}") as url:
        refused = []
        page.on("console", lambda message: refused.append(message.text))
        page.goto(url)
        page.wait_for_load_state("load")
        frame = page.frame_locator("#triage")
        expect(frame.locator("#triage")).to_have_count(0)
        assert any("frame" in text and "ancestor" in text.lower() for text in refused), refused
