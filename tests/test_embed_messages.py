"""The embed's channel to its host page, on the server: ``parent_origin`` (checked against
SUPPORTSCOPE_EMBED_ORIGINS and carried everywhere), the channel JSON and each step's event.

The browser side (posting, receiving, the JS validation) is in
tests/browser/test_embed_browser.py.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.test import Client, override_settings

from supportscope.core.engine import resolve
from supportscope.core.vocabulary import MAX_TICKET_CHARS
from supportscope.policy import embed_messages
from supportscope.policy.snapshot import get_snapshot
from tests.triage_html import parse

pytestmark = pytest.mark.django_db

ALLOWED = "http://127.0.0.1:8765"  # tests/settings.py
LISTENING = f"embed=1&parent_origin={quote(ALLOWED, safe='')}"
TICKET = "Our self-installed ingress-nginx answers 502 since Tuesday's upgrade of the cluster."


def get(client: Client, query: str):
    return client.get(f"/triage/?{query}")


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def channel_of(html: str) -> dict:
    script = parse(html).find_all("script", id="embed-channel")
    assert len(script) == 1, "one channel element"
    return json.loads(script[0].text)


def event_of(html: str) -> dict:
    return json.loads(parse(html).find_all("div", id="triage")[0].attrs["data-embed-event"])


# -- parent_origin ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad", ["https://evil.example", "http://127.0.0.1:8766", "*", "null", f"{ALLOWED}/"]
)
def test_a_parent_origin_outside_the_allowed_list_is_a_400_naming_it(client, bad):
    response = get(client, f"embed=1&component=ingress&parent_origin={quote(bad, safe='')}")
    assert response.status_code == 400
    doc = parse(response.content)
    assert doc.find_all("code", class_="bad-value")[0].text == bad
    offered = [
        query_of(a.attrs["href"])
        for a in doc.find_all("ul", class_="allowed-values")[0].find_all("a")
    ]
    assert offered == [{"embed": "1", "component": "ingress", "parent_origin": ALLOWED}]
    assert "embed-channel" not in response.content.decode()


@override_settings(SUPPORTSCOPE_EMBED_ORIGINS=[])
def test_with_no_allowed_origin_every_parent_origin_is_a_400(client):
    assert get(client, LISTENING).status_code == 400


def test_parent_origin_is_kept_on_every_link_and_form_of_a_step(client):
    doc = parse(get(client, f"{LISTENING}&component=ingress&lang=ko").content)
    hidden = {i.attrs["name"]: i.attrs["value"] for i in doc.find_all("input", type="hidden")}
    assert hidden == {
        "topic": "networking",
        "component": "ingress",
        "embed": "1",
        "parent_origin": ALLOWED,
        "lang": "ko",
    }
    in_frame = [
        a.attrs["href"]
        for a in doc.find_all("a")
        if a.attrs["href"].startswith("/triage/") and a.attrs.get("target") != "_blank"
    ]
    assert len(in_frame) >= 3  # the language links and "Show all choices" at least
    for href in in_frame:
        assert query_of(href)["parent_origin"] == ALLOWED, href
    # The full page in a new tab is not embedded: neither embed nor parent_origin.
    opened = doc.find_all("a", class_="embed-open")[0].attrs["href"]
    assert query_of(opened) == {"component": "ingress", "lang": "ko"}


def test_the_paste_box_and_the_proposals_keep_parent_origin(client):
    doc = parse(get(client, LISTENING).content)
    action = doc.find_all("form", class_="paste-box")[0].attrs["action"]
    assert query_of(action) == {"embed": "1", "parent_origin": ALLOWED}
    doc = parse(client.post(action, {"text": TICKET}).content)
    form = doc.find_all("form", class_="proposals-form")[0]
    hidden = {i.attrs["name"]: i.attrs["value"] for i in form.find_all("input", type="hidden")}
    assert hidden.pop("proposed")  # what was proposed, counted by /triage/proposed/
    assert hidden == {"embed": "1", "parent_origin": ALLOWED}
    # Confirming goes through the counter, which keeps the carried parameters.
    confirm = client.get(form.attrs["action"], {**hidden, "component": "ingress"})
    assert confirm.status_code == 303
    assert query_of(confirm["Location"])["parent_origin"] == ALLOWED


def test_the_proposals_drop_a_parent_origin_that_is_not_allowed(client):
    response = client.post(
        "/triage/suggest/?embed=1&parent_origin=https://evil.example", {"text": TICKET}
    )
    assert response.status_code == 200
    doc = parse(response.content)
    form = doc.find_all("form", class_="proposals-form")[0]
    hidden = {i.attrs["name"]: i.attrs["value"] for i in form.find_all("input", type="hidden")}
    assert hidden.pop("proposed")
    assert hidden == {"embed": "1"}
    assert "embed-channel" not in response.content.decode()


def test_the_permalink_leaves_parent_origin_out(client):
    event = event_of(get(client, f"{LISTENING}&component=ingress&ingress=nginx").content.decode())
    assert "parent_origin" not in query_of(event["payload"]["permalink"])
    assert "embed" not in query_of(event["payload"]["permalink"])


# -- the channel ---------------------------------------------------------------------------


def test_a_listening_embed_carries_its_channel(client):
    html = get(client, LISTENING).content.decode()
    snapshot = get_snapshot()
    channel = channel_of(html)
    assert channel == {
        "parent_origin": ALLOWED,
        "policy_revision": snapshot.revision,
        "lang": "en",
        "carry": {"embed": "1", "parent_origin": ALLOWED},
        "suggest_url": f"/triage/suggest/?{LISTENING}",
        "triage_url": "/triage/",
        "max_chars": MAX_TICKET_CHARS,
        "questions": {key: list(q.allowed) for key, q in snapshot.tree.questions.items()},
    }
    assert '<script src="/static/js/embed.js" defer></script>' in html


@pytest.mark.parametrize(
    "query",
    ["embed=1", f"parent_origin={quote(ALLOWED, safe='')}", f"embed=0&parent_origin={ALLOWED}"],
)
def test_without_embed_and_parent_origin_together_there_is_no_channel(client, query):
    html = get(client, f"{query}&component=ingress").content.decode()
    assert get(client, f"{query}&component=ingress").status_code == 200
    assert "embed-channel" not in html
    assert "embed.js" not in html
    assert "data-embed-event" not in html


def test_the_channel_is_on_the_400_page_and_the_proposals_too(client):
    assert channel_of(get(client, f"{LISTENING}&component=bogus").content.decode())
    assert channel_of(
        client.post(f"/triage/suggest/?{LISTENING}", {"text": TICKET}).content.decode()
    )


def test_an_htmx_step_has_the_event_but_not_the_channel(client):
    response = client.get(f"/triage/?{LISTENING}&component=ingress", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "embed-channel" not in html
    assert event_of(html)["type"] == "step"


# -- the events ----------------------------------------------------------------------------


def test_a_question_sends_step_with_the_answers_used_and_the_next_key(client):
    # cni is in the link but not used on the ingress path: only used answers are sent.
    html = get(client, f"{LISTENING}&component=ingress&cni=kubenet").content.decode()
    assert event_of(html) == {
        "type": "step",
        "payload": {
            "answers": {"topic": "networking", "component": "ingress"},
            "next_question": "ingress",
        },
    }


def test_a_verdict_sends_level_answers_citations_permalink_and_the_receipt(client):
    html = get(client, f"{LISTENING}&component=ingress&ingress=nginx&lang=ko").content.decode()
    event = event_of(html)
    snapshot = get_snapshot()
    result = resolve(snapshot.tree, {"component": "ingress", "ingress": "nginx"}).result
    assert result is not None
    payload = event["payload"]
    assert event["type"] == "verdict"
    assert payload["verdict"] == "unsupported"
    assert payload["answers"] == {"topic": "networking", "component": "ingress", "ingress": "nginx"}
    assert payload["citations"] == list(result.citations)
    assert payload["policy_revision"] == snapshot.revision
    assert payload["permalink"].startswith("http://testserver/triage/?")
    assert query_of(payload["permalink"])["fp"] == snapshot.fingerprint
    receipt = parse(html).find_all("textarea", id="receipt-text")[0].text
    assert payload["receipt"] == receipt
    assert payload["receipt"].startswith("**SupportScope 판정: 지원되지 않음**")
    assert "branches" not in payload


def test_a_depends_on_outcome_sends_a_null_verdict_and_one_branch_per_combination(client):
    answers = {"component": "ingress", "ingress": "unknown", "preview": "unknown"}
    query = "&".join(f"{k}={v}" for k, v in answers.items())
    payload = event_of(get(client, f"{LISTENING}&{query}").content.decode())["payload"]
    tree = get_snapshot().tree
    assert payload["verdict"] is None
    assert payload["answers"] == {"topic": "networking", **answers}
    # Every controller has a branch (the managed ones one per release status).
    chosen = {branch["answers"]["ingress"] for branch in payload["branches"]}
    assert chosen == set(tree.questions["ingress"].values)
    assert len(payload["branches"]) > len(chosen)
    for branch in payload["branches"]:
        result = resolve(tree, {**answers, **branch["answers"]}).result
        assert result is not None
        assert branch["verdict"] == result.level.value
        assert branch["citations"] == list(result.citations)
    cited = {c for branch in payload["branches"] for c in branch["citations"]}
    assert set(payload["citations"]) == cited


def test_the_event_helpers_build_the_documented_shapes():
    assert embed_messages.step_event({"component": "cve"}, "cve_fix_age") == {
        "type": "step",
        "payload": {"answers": {"component": "cve"}, "next_question": "cve_fix_age"},
    }
    event = embed_messages.verdict_event(
        verdict=None,
        answers={"cni": "unknown"},
        citations=["a--b"],
        revision=3,
        permalink="https://x.example/triage/?cni=unknown",
        receipt="**r**",
        branches=[({"cni": "kubenet"}, "supported", ("a--b",))],
    )
    assert event["payload"]["branches"] == [
        {"answers": {"cni": "kubenet"}, "verdict": "supported", "citations": ["a--b"]}
    ]
    assert set(event["payload"]) == {
        "verdict", "answers", "citations", "policy_revision", "permalink", "receipt", "branches"
    }  # fmt: skip


def test_listening_needs_embed_and_parent_origin():
    assert embed_messages.listening({"embed": "1", "parent_origin": ALLOWED})
    assert not embed_messages.listening({"embed": "1"})
    assert not embed_messages.listening({"parent_origin": ALLOWED})


def test_the_ticket_text_of_the_embed_is_neither_logged_nor_in_the_page(client, caplog):
    with caplog.at_level(logging.DEBUG):
        response = client.post(f"/triage/suggest/?{LISTENING}", {"text": TICKET})
    assert response.status_code == 200
    assert "Tuesday" not in caplog.text
    assert "Tuesday" not in response.content.decode()
