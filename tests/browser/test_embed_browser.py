"""The embed's two-way channel with its host page, in Chromium.

The host is the example ticket form of ``docs/embed-host/``, served from a second local
origin: ``http://127.0.0.1:8765`` is allowed to frame the embed (tests/settings.py), a
server on any other port is not. The JS module of the protocol
(``static/js/embed-protocol.js``) is unit-tested here too, through ``page.evaluate``.
"""

from __future__ import annotations

import functools
import json
import re
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from playwright.sync_api import Frame, Page, expect

from supportscope.core.engine import resolve
from supportscope.core.vocabulary import MAX_TICKET_CHARS
from supportscope.policy import embed_messages
from supportscope.policy.snapshot import get_snapshot
from tests.browser.conftest import format_violations, html_page, serve

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOST_DIR = Path(__file__).resolve().parents[2] / "docs" / "embed-host"
ALLOWED_PORT = 8765  # tests/settings.py: SUPPORTSCOPE_EMBED_ORIGINS=http://127.0.0.1:8765
ALLOWED = f"http://127.0.0.1:{ALLOWED_PORT}"
TICKET = (
    "Since yesterday's cluster upgrade, every service behind our ingress returns 502. "
    "We installed ingress-nginx ourselves with its Helm chart last year."
)
SECRET_WORDS = "Helm chart last year"  # in the ticket text, nowhere in what the app says
# Every message the host page receives, recorded before any of its own scripts run.
RECORD = """
window.received = [];
window.addEventListener("message", (event) => {
  window.received.push({ origin: event.origin, data: event.data });
});
"""


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def host_pages(port: int = ALLOWED_PORT) -> Any:
    """The example ticket form of docs/embed-host/ on its own origin."""
    return serve(port, functools.partial(Quiet, directory=str(HOST_DIR)))  # type: ignore[arg-type]


def open_host(page: Page, host: str, live_server: Any, lang: str = "") -> None:
    page.add_init_script(RECORD)
    query = f"?supportscope={quote(live_server.url)}" + (f"&lang={lang}" if lang else "")
    page.goto(f"{host}/index.html{query}")


def received(page: Page, kind: str | None = None) -> list[dict[str, Any]]:
    messages = page.evaluate("window.received")
    return [m for m in messages if kind is None or m["data"].get("type") == kind]


def wait_for(page: Page, kind: str, count: int = 1) -> dict[str, Any]:
    """The ``count``-th message of type ``kind`` that the host received (its data)."""
    page.wait_for_function(
        "([kind, count]) => window.received.filter(m => m.data && m.data.type === kind)"
        ".length >= count",
        arg=[kind, count],
    )
    return received(page, kind)[count - 1]["data"]


def embed_frame(page: Page, live_server: Any) -> Frame:
    return next(f for f in page.frames if f.url.startswith(live_server.url))


def sized(page: Page, live_server: Any) -> None:
    """Wait until the host has been told the embed's current height.

    A new step changes the content's height, and the host resizes the iframe when the
    ``resize`` event arrives; until then the frame's layout is still moving. A person
    waits for the page to settle; so does a test.
    """
    # Polled from here: wait_for_function evaluates a string, which the embed's CSP forbids.
    frame = embed_frame(page, live_server)
    height = "Math.ceil(document.documentElement.getBoundingClientRect().height)"
    for _ in range(200):
        told = [m["data"]["payload"]["height"] for m in received(page, "resize")]
        if told and told[-1] == frame.evaluate(height):
            return
        page.wait_for_timeout(50)
    raise AssertionError("the host was never told the embed's height")


def choose(page: Page, label: str) -> None:
    page.frame_locator("#supportscope").get_by_role(
        "button", name=re.compile(f"^{re.escape(label)}")
    ).click()


def send(page: Page, message: Any, target: str) -> None:
    """The host page posts ``message`` to the embed, addressed to ``target`` origin."""
    page.evaluate(
        "([message, target]) => document.getElementById('supportscope')"
        ".contentWindow.postMessage(message, target)",
        [message, target],
    )


def host_message(kind: str, payload: Any) -> dict[str, Any]:
    return {"source": "supportscope-host", "version": 1, "type": kind, "payload": payload}


def ticket_text(text: Any) -> dict[str, Any]:
    return host_message("ticket-text", {"text": text})


def prefill(answers: Any) -> dict[str, Any]:
    return host_message("prefill", {"answers": answers})


def suggest_requests(page: Page) -> list[Any]:
    requests: list[Any] = []
    page.on("request", lambda r: requests.append(r) if "/triage/suggest/" in r.url else None)
    return requests


# -- events out -------------------------------------------------------------------------


def test_the_host_receives_ready_step_verdict_and_resize_with_their_payloads(
    page: Page, live_server, guard
):
    with host_pages() as host:
        open_host(page, host, live_server)
        ready = wait_for(page, "ready")
        assert ready == {
            "source": "supportscope",
            "version": 1,
            "type": "ready",
            "payload": {"policy_revision": get_snapshot().revision, "lang": "en"},
        }
        first = wait_for(page, "step")["payload"]
        assert first == {"answers": {}, "next_question": "topic"}
        sized(page, live_server)
        choose(page, "Networking fails")
        second = wait_for(page, "step", 2)["payload"]
        assert second == {"answers": {"topic": "networking"}, "next_question": "component"}
        sized(page, live_server)
        choose(page, "Ingress controller")
        third = wait_for(page, "step", 3)["payload"]
        assert third == {
            "answers": {"topic": "networking", "component": "ingress"},
            "next_question": "ingress",
        }
        sized(page, live_server)
        choose(page, "NGINX (self-managed)")
        verdict = wait_for(page, "verdict")["payload"]

        answers = {"topic": "networking", "component": "ingress", "ingress": "nginx"}
        result = resolve(get_snapshot().tree, answers).result
        assert result is not None
        assert verdict["verdict"] == "unsupported" == result.level.value
        assert verdict["answers"] == answers
        assert verdict["citations"] == list(result.citations)
        assert verdict["policy_revision"] == get_snapshot().revision
        assert "branches" not in verdict
        permalink = urlsplit(verdict["permalink"])
        assert f"{permalink.scheme}://{permalink.netloc}" == live_server.url
        assert {"fp", "res", "rev", "was"} <= dict(parse_qsl(permalink.query)).keys()
        receipt = page.frame_locator("#supportscope").locator("#receipt-text")
        assert verdict["receipt"] == receipt.input_value()
        assert verdict["receipt"].startswith("**SupportScope verdict: Unsupported**")
        assert verdict["permalink"] in verdict["receipt"]
        # The example form fills its fields from the verdict.
        expect(page.locator("#support-verdict")).to_have_value("Unsupported")
        expect(page.locator("#internal-note")).to_have_value(verdict["receipt"])

        # resize: the host sizes the iframe to the reported height, and the embed fits it.
        height = received(page, "resize")[-1]["data"]["payload"]["height"]
        assert isinstance(height, int)
        assert height > 300
        expect(page.locator("#supportscope")).to_have_attribute(
            "style", re.compile(rf"height: {height}px")
        )
        frame = embed_frame(page, live_server)
        assert frame.evaluate("document.documentElement.scrollHeight") <= height + 1

        messages = received(page)
        assert {m["origin"] for m in messages} == {live_server.url}
        assert {m["data"]["type"] for m in messages} == set(embed_messages.OUT_TYPES)
        guard.assert_clean("host page with the embed")


def test_a_depends_on_outcome_sends_a_null_verdict_with_its_branches(page: Page, live_server):
    with host_pages() as host:
        open_host(page, host, live_server)
        wait_for(page, "ready")
        answers = {"component": "ingress", "ingress": "unknown", "preview": "ga"}
        send(page, prefill(answers), live_server.url)
        verdict = wait_for(page, "verdict")["payload"]
        assert verdict["verdict"] is None
        # The group is read from the component, and reported with the answers.
        assert verdict["answers"] == {"topic": "networking", **answers}
        branches = {b["answers"]["ingress"]: b for b in verdict["branches"]}
        tree = get_snapshot().tree
        assert set(branches) == set(tree.questions["ingress"].values)
        for value, branch in branches.items():
            result = resolve(tree, {**answers, "ingress": value}).result
            assert result is not None
            assert branch["verdict"] == result.level.value
            assert branch["citations"] == list(result.citations)
            assert set(branch["citations"]) <= set(verdict["citations"])
        expect(page.locator("#support-verdict")).to_have_value("Depends: Supported / Unsupported")


# -- messages in -------------------------------------------------------------------------


def test_a_ticket_text_sent_in_leads_to_the_proposed_answers(page: Page, live_server, guard):
    requests = suggest_requests(page)
    with host_pages() as host:
        open_host(page, host, live_server)
        wait_for(page, "ready")
        page.locator("#description").fill(TICKET)
        page.get_by_role("button", name="Triage the description").click()
        frame = page.frame_locator("#supportscope")
        expect(frame.locator("h1")).to_have_text("Proposed answers")
        expect(frame.locator("#proposal-component")).to_have_value("ingress")
        expect(frame.locator("#proposal-ingress")).to_have_value("nginx")
        # The text went in the body of one POST, and in no address.
        assert [r.method for r in requests] == ["POST"]
        assert dict(parse_qsl(requests[0].post_data))["text"] == TICKET
        assert SECRET_WORDS not in requests[0].url
        inner = embed_frame(page, live_server)
        assert SECRET_WORDS not in inner.url
        assert dict(parse_qsl(urlsplit(inner.url).query))["parent_origin"] == ALLOWED

        sized(page, live_server)
        frame.get_by_role("button", name="Confirm and show the verdict").click()
        expect(frame.locator("#verdict-title")).to_be_visible()
        verdict = wait_for(page, "verdict")["payload"]
        assert verdict["answers"]["ingress"] == "nginx"
        assert dict(parse_qsl(urlsplit(embed_frame(page, live_server).url).query)) == {
            "component": "ingress",
            "ingress": "nginx",
            "embed": "1",
            "parent_origin": ALLOWED,
        }
        # Nothing the embed said to the host carries the ticket's words.
        assert SECRET_WORDS not in json.dumps(received(page))
        guard.assert_clean("ticket text sent in")


def test_prefill_sets_the_answers_and_keeps_the_carried_parameters(page: Page, live_server):
    with host_pages() as host:
        open_host(page, host, live_server, lang="ko")
        wait_for(page, "ready")
        send(page, prefill({"component": "ingress"}), live_server.url)
        step = wait_for(page, "step", 2)["payload"]
        assert step == {
            "answers": {"topic": "networking", "component": "ingress"},
            "next_question": "ingress",
        }
        query = dict(parse_qsl(urlsplit(embed_frame(page, live_server).url).query))
        assert query == {
            "component": "ingress",
            "embed": "1",
            "parent_origin": ALLOWED,
            "lang": "ko",
        }
        assert wait_for(page, "ready", 2)["payload"]["lang"] == "ko"


BAD_MESSAGES = [
    None,
    "ticket-text",
    ["ticket-text", {"text": TICKET}],
    {**ticket_text(TICKET), "source": "supportscope"},  # our own source, not the host's
    {**ticket_text(TICKET), "version": 2},
    {**ticket_text(TICKET), "version": "1"},
    {**ticket_text(TICKET), "type": "ticket_text"},
    host_message("verdict", {}),
    host_message("ticket-text", TICKET),
    ticket_text(42),
    ticket_text("  "),
    ticket_text("x" * (MAX_TICKET_CHARS + 1)),
    prefill({}),
    prefill([]),
    prefill({"component": "bogus"}),
    prefill({"colour": "red"}),
    prefill({"component": 1}),
    prefill({"__proto__": "x"}),
    {"type": "prefill", "payload": {"answers": {"component": "ingress"}}},  # no envelope
]


def test_bad_messages_are_ignored_without_a_reply(page: Page, live_server, guard):
    requests = suggest_requests(page)
    with host_pages() as host:
        open_host(page, host, live_server)
        wait_for(page, "ready")
        page.wait_for_timeout(300)  # the first resize settles
        frame = embed_frame(page, live_server)
        url, before = frame.url, len(received(page))
        for message in BAD_MESSAGES:
            send(page, message, live_server.url)
        page.wait_for_timeout(600)
        assert len(received(page)) == before, received(page)[before:]
        assert requests == []
        assert frame.url == url
        expect(page.frame_locator("#supportscope").locator("#question-title")).to_have_text(
            "What is the ticket mainly about?"
        )
        guard.assert_clean("bad messages")
        # The channel still works: a good message is taken.
        send(page, prefill({"component": "ingress"}), live_server.url)
        assert wait_for(page, "step", 2)["payload"]["answers"] == {
            "topic": "networking",
            "component": "ingress",
        }


def test_another_frame_on_the_host_page_cannot_send_text_in(page: Page, live_server):
    """A frame from another origin on the same host page is neither the parent nor on
    its origin: its message is ignored even when it names the embed's origin."""
    sender = (
        "<!doctype html><title>Other widget</title><script>"
        "parent.frames[0].postMessage({source: 'supportscope-host', version: 1,"
        f" type: 'ticket-text', payload: {{text: {json.dumps(TICKET)}}}}}, '*');"
        "parent.postMessage({sibling: 'sent'}, '*');</script>"
    )
    requests = suggest_requests(page)
    with host_pages() as host, serve(0, html_page(sender)) as other:
        open_host(page, host, live_server)
        wait_for(page, "ready")
        page.evaluate(
            "(src) => { const f = document.createElement('iframe'); f.src = src;"
            " f.title = 'Other widget'; document.body.append(f); }",
            f"{other}/widget",
        )
        page.wait_for_function("window.received.some(m => m.data && m.data.sibling)")
        page.wait_for_timeout(500)
        assert requests == []
        expect(page.frame_locator("#supportscope").locator("#question-title")).to_have_text(
            "What is the ticket mainly about?"
        )


def test_a_host_on_another_origin_cannot_frame_the_embed_receives_nothing_nor_sends_text(
    page: Page, live_server
):
    requests = suggest_requests(page)
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text))
    with host_pages(port=0) as host:
        open_host(page, host, live_server)
        page.wait_for_load_state("load")
        page.wait_for_timeout(500)
        # Its own origin is not allowed: the embed answers 400, which frame-ancestors refuses.
        expect(page.frame_locator("#supportscope").locator("#triage")).to_have_count(0)
        assert any("frame-ancestors" in text for text in refused), refused
        expect(page.get_by_role("button", name="Triage the description")).to_be_disabled()
        send(page, ticket_text(TICKET), live_server.url)
        send(page, ticket_text(TICKET), "*")
        page.wait_for_timeout(500)
        assert received(page) == []
        assert requests == []


def test_a_host_on_another_origin_naming_an_allowed_one_is_still_refused(page: Page, live_server):
    src = f"{live_server.url}/triage/?embed=1&parent_origin={quote(ALLOWED, safe='')}"
    body = f'<!doctype html><title>Ticket</title><iframe id="supportscope" src="{src}"></iframe>'
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text))
    requests = suggest_requests(page)
    page.add_init_script(RECORD)
    with serve(0, html_page(body)) as other:
        page.goto(f"{other}/ticket")
        page.wait_for_load_state("load")
        page.wait_for_timeout(500)
        expect(page.frame_locator("#supportscope").locator("#triage")).to_have_count(0)
        assert any("frame-ancestors" in text for text in refused), refused
        send(page, ticket_text(TICKET), live_server.url)
        page.wait_for_timeout(500)
        assert received(page) == []
        assert requests == []


def test_without_javascript_the_listening_embed_is_plain_links_and_forms(browser, live_server):
    src = f"{live_server.url}/triage/?embed=1&parent_origin={quote(ALLOWED, safe='')}"
    body = f'<!doctype html><title>Ticket</title><iframe id="supportscope" src="{src}"></iframe>'
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    with serve(ALLOWED_PORT, html_page(body)) as host:
        page.goto(f"{host}/ticket")
        choose(page, "Networking fails")
        choose(page, "Ingress controller")
        choose(page, "NGINX (self-managed)")
        frame = page.frame_locator("#supportscope")
        expect(frame.locator("#verdict-title .badge-unsupported")).to_be_visible()
        assert dict(parse_qsl(urlsplit(embed_frame(page, live_server).url).query)) == {
            "topic": "networking",
            "component": "ingress",
            "ingress": "nginx",
            "embed": "1",
            "parent_origin": ALLOWED,
        }
    context.close()


def test_a_parent_origin_that_is_not_allowed_gets_a_400(page: Page, live_server):
    bad = "http://127.0.0.1:9"
    response = page.goto(f"{live_server.url}/triage/?embed=1&parent_origin={quote(bad, safe='')}")
    assert response is not None
    assert response.status == 400
    expect(page.locator(".bad-value")).to_have_text(bad)
    expect(page.locator(".allowed-values code")).to_have_text([ALLOWED])


# -- the protocol module, unit by unit -----------------------------------------------------


@pytest.fixture
def protocol(page: Page, live_server) -> Page:
    """A page with embed-protocol.js loaded (the embed, not framed: embed.js stays idle)."""
    page.goto(f"{live_server.url}/triage/?embed=1&parent_origin={quote(ALLOWED, safe='')}")
    page.wait_for_function("window.SupportScopeProtocol !== undefined")
    return page


LIMITS = {"maxChars": 20, "questions": {"component": ["ingress", "etcd"], "ingress": ["nginx"]}}


@pytest.mark.parametrize(
    ("data", "accepted"),
    [
        (
            ticket_text("502 on ingress"),
            {"type": "ticket-text", "payload": {"text": "502 on ingress"}},
        ),
        (
            {**prefill({"component": "ingress", "ingress": "nginx"}), "extra": 1},
            {
                "type": "prefill",
                "payload": {"answers": {"component": "ingress", "ingress": "nginx"}},
            },
        ),
        (ticket_text("x" * 21), None),  # over maxChars
        (ticket_text(""), None),
        (prefill({"ingress": "kong"}), None),  # not an allowed value
        (prefill({"toString": "x"}), None),  # inherited, not a question
        (host_message("toString", {}), None),
        ({**prefill({"component": "etcd"}), "payload": None}, None),
        ({**prefill({"component": "etcd"}), "source": "supportscope"}, None),
        ({"version": 1, "type": "prefill", "payload": {"answers": {"component": "etcd"}}}, None),
        (None, None),
        (7, None),
    ],
)
def test_the_protocol_reads_only_well_formed_host_messages(protocol: Page, data, accepted):
    got = protocol.evaluate(
        "([data, limits]) => window.SupportScopeProtocol.readHostMessage(data, limits)",
        [data, LIMITS],
    )
    assert got == accepted


def test_the_protocol_accepts_only_the_parent_window_on_the_given_origin(protocol: Page):
    checks = protocol.evaluate(
        """() => {
          const P = window.SupportScopeProtocol;
          const parent = {}, other = {};
          const o = "http://127.0.0.1:8765";
          return [
            P.fromHost({origin: o, source: parent}, o, parent),
            P.fromHost({origin: "http://127.0.0.1:9", source: parent}, o, parent),
            P.fromHost({origin: o, source: other}, o, parent),
            P.fromHost({origin: "*", source: parent}, "*", parent),
            P.fromHost({origin: "null", source: parent}, "null", parent),
            P.fromHost({origin: o, source: null}, o, null),
          ];
        }"""
    )
    assert checks == [True, False, False, False, False, False]


def test_the_protocol_wraps_events_in_the_versioned_envelope(protocol: Page):
    envelope = protocol.evaluate(
        "() => window.SupportScopeProtocol.envelope('resize', {height: 480})"
    )
    assert envelope == {
        "source": embed_messages.SOURCE,
        "version": embed_messages.VERSION,
        "type": "resize",
        "payload": {"height": 480},
    }
    error = protocol.evaluate(
        "() => { try { window.SupportScopeProtocol.envelope('ticket-text', {}); }"
        " catch (e) { return e.message; } }"
    )
    assert error == "unknown event type: ticket-text"


def test_the_js_protocol_and_the_python_module_name_the_same_things(protocol: Page):
    names = protocol.evaluate(
        "() => { const P = window.SupportScopeProtocol; return [P.SOURCE, P.HOST_SOURCE,"
        " P.VERSION, [...P.OUT_TYPES], [...P.IN_TYPES]]; }"
    )
    assert names == [
        embed_messages.SOURCE,
        embed_messages.HOST_SOURCE,
        embed_messages.VERSION,
        list(embed_messages.OUT_TYPES),
        list(embed_messages.IN_TYPES),
    ]


# -- accessibility ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_listening_embed_and_the_example_host_have_no_axe_violations(
    page: Page, live_server, axe_audit, lang
):
    with host_pages() as host:
        open_host(page, host, live_server, lang=lang)
        wait_for(page, "ready")
        violations = axe_audit(page)
        assert violations == [], format_violations(violations)
        page.get_by_role("button", name="Triage the description").click()
        frame = page.frame_locator("#supportscope")
        expect(frame.locator("#proposal-component")).to_be_visible()
        embed = embed_frame(page, live_server)
        # axe runs in the embed's own document: the same page, framed.
        page.goto(embed.url)
        violations = axe_audit(page)
        assert violations == [], format_violations(violations)
