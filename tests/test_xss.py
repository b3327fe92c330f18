"""The XSS corpus through every text an admin edits and every query parameter.

Whatever the input, no page may carry markup that runs script or loads foreign
content (see ``tests.hostile.dangerous_markup``), and the API returns the text as JSON
data, never as HTML.
"""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

import pytest
from django.utils.html import escape

from supportscope.policy.snapshot import get_snapshot
from tests.hostile import PAYLOADS, QUERY_PAYLOADS, dangerous_markup, seed_everywhere
from tests.pages import PAGES

pytestmark = pytest.mark.django_db

# The public query vocabulary (docs/api.md), each with the answers that make it relevant.
QUERY_KEYS = {
    "topic": {},
    "component": {"topic": "networking"},
    "cni": {"component": "cluster-networking", "appliance": "none"},
    "ingress": {"component": "ingress"},
    "netpol": {"component": "network-policy"},
    "appliance": {"component": "egress-appliance"},
    "oss": {"component": "third-party-oss"},
    "cve_fix_age": {"component": "cve"},
    "cve_source": {"component": "cve", "cve_fix_age": "over-30-days"},
    "sample_kind": {"component": "code-sample"},
    "stop_method": {"component": "cluster-stop"},
    "subscription_state": {"component": "subscription"},
    "nsg_scope": {"component": "nsg"},
    "not_ready_for": {"component": "cluster-stop", "stop_method": "not-stopped"},
    "howto_about": {"component": "how-to"},
    "ready_nodes": {"component": "kubelet"},
    "installed_by": {"component": "upstream-bug"},
    "cert_problem": {"component": "app-certificate"},
    "version_issue": {"component": "kubernetes-version"},
    "change_directed": {"component": "node-login"},
    "preview": {"component": "control-plane-customization"},
    "advice": {"component": "api-server"},
    "q": {},
    "lang": {},
    "rev": {"component": "api-server", "preview": "ga"},
    "embed": {},
    "not-a-question": {"component": "api-server"},
}
QUERY_PATHS = ["/", "/policy/", "/triage/", "/triage/map/"]
API_PATH = "/api/v1/verdict"


def test_query_keys_cover_every_question_of_the_tree():
    assert set(get_snapshot().tree.questions) <= set(QUERY_KEYS)


def assert_safe(html: str, where: str, payload: str | None = None) -> None:
    problems = dangerous_markup(html, payload)
    assert not problems, f"{where}:\n" + "\n".join(problems)


def assert_api_json(response, where: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code in {200, 400}, where
    assert response["Content-Type"] == "application/json", where
    assert response["X-Content-Type-Options"] == "nosniff", where
    body = json.loads(response.content)
    if response.status_code == 400:
        assert {"error", "field", "value", "allowed", "message"} <= set(body), where
    return body


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_every_editable_text_never_becomes_markup(payload, client, admin_client):
    seed_everywhere(payload)
    for page in PAGES:
        path = page.path_for()
        response = (admin_client if page.needs_login else client).get(path)
        assert response.status_code < 500, path
        assert_safe(response.content.decode(), f"{path} with {payload!r}", payload)

    # The payload did reach the pages: section titles are plain text, shown escaped in
    # the contents and in the headings of the policy page.
    for lang in ("en", "ko"):
        html = client.get(f"/policy/?lang={lang}").content.decode()
        assert html.count(escape(payload)) >= 2 * 17, lang
        assert_safe(html, f"/policy/?lang={lang}", payload)

    # The API hands the texts over as JSON data.
    for lang in ("en", "ko"):
        start = assert_api_json(client.get(f"{API_PATH}?lang={lang}"), "start")
        question = start["next_question"]
        assert question["text"] == payload
        assert {choice["label"] for choice in question["choices"]} == {payload}
        done = assert_api_json(client.get(f"{API_PATH}?component=restore&lang={lang}"), "verdict")
        assert done["rationale"] == payload
        assert done["make_supported"] in {payload, None}
        assert {citation["quote"] for citation in done["citations"]} == {payload}
        assert {citation["title"] for citation in done["citations"]} == {payload}
    spec = json.loads(client.get("/api/v1/openapi.json").content)
    parameters = spec["paths"][API_PATH]["get"]["parameters"]
    assert payload in {parameter["description"] for parameter in parameters}


@pytest.mark.parametrize("key", QUERY_KEYS)
def test_hostile_query_values_never_become_markup(key, client):
    for payload in QUERY_PAYLOADS:
        query = urlencode({**QUERY_KEYS[key], key: payload})
        for path in QUERY_PATHS:
            response = client.get(f"{path}?{query}")
            where = f"{path}?{query}"
            assert response.status_code < 500, where
            assert_safe(response.content.decode(), where, payload)
        assert_api_json(client.get(f"{API_PATH}?{query}"), f"{API_PATH}?{query}")


@pytest.mark.parametrize("payload", QUERY_PAYLOADS)
def test_hostile_query_keys_never_become_markup(payload, client):
    query = f"{quote(payload, safe='')}=1&component=api-server"
    for path in QUERY_PATHS:
        response = client.get(f"{path}?{query}")
        assert response.status_code < 500, path
        assert_safe(response.content.decode(), f"{path}?{query}", payload)
    assert_api_json(client.get(f"{API_PATH}?{query}"), API_PATH)


def test_a_bad_value_is_named_escaped_in_the_400_page(client):
    payload = PAYLOADS[0]
    response = client.get("/triage/", {"component": payload})
    assert response.status_code == 400
    html = response.content.decode()
    assert escape(payload) in html
    assert_safe(html, "400 page", payload)


class TestInspector:
    """The checker itself must catch what it is meant to catch."""

    @pytest.mark.parametrize(
        "html",
        [
            "<script>x()</script>",
            '<script src="https://cdn.example/x.js"></script>',
            '<script src="//cdn.example/x.js"></script>',
            "<script></script>",
            '<img src="x" onerror="x()">',
            '<a href=" jAvA&#x09;ScRiPt:x()">a</a>',
            '<a href="data:text/html,x">a</a>',
            '<div style="color:red">a</div>',
            '<iframe src="/"></iframe>',
            '<iframe srcdoc="x"></iframe>',
            '<meta http-equiv="refresh" content="0;url=/">',
            "<style>*{}</style>",
            '<form action="https://evil.example/"></form>',
            '<div hx-on::load="x()"></div>',
            '<div hx-vals="js:{a: x()}"></div>',
            '<svg><animate attributeName="href" values="javascript:x()"/></svg>',
            '<script type="application/json"><b></script>',
        ],
    )
    def test_flags_dangerous_markup(self, html):
        assert dangerous_markup(html)

    @pytest.mark.parametrize(
        "html",
        [
            '<script src="/static/js/app.js" defer></script>',
            '<script src="/admin/jsi18n/"></script>',
            '<script type="application/json" id="d">{"a": "\\u003Cb\\u003E"}</script>',
            '<a href="https://learn.microsoft.com/azure/aks/support-policies">x</a>',
            '<a href="/policy/#unsupported-scenarios">x</a>',
            '<form action="/triage/" method="get"></form>',
            '<p title="javascript:x()">&lt;script&gt;x()&lt;/script&gt;</p>',
        ],
    )
    def test_passes_safe_markup(self, html):
        assert dangerous_markup(html) == []

    def test_flags_a_payload_left_unescaped(self):
        assert dangerous_markup("<p><b>x</b></p>", "<b>x</b>")
