"""The home page and the policy page, in English and Korean."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from supportscope.policy.models import Clause
from supportscope.policy.store import record_revision
from tests.test_content import SLUGS

pytestmark = pytest.mark.django_db

HANGUL = re.compile("[가-힣]")


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "code"}:
            self._skip += 1
        for name, value in attrs:
            if name == "id":
                self.ids.append(value)

    def handle_endtag(self, tag):
        if tag in {"script", "style", "code"}:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.text.append(data.strip())


def parse(response) -> _Ids:
    parser = _Ids()
    parser.feed(response.content.decode())
    return parser


def test_policy_page_has_all_17_sections_in_order_with_their_anchors(client):
    ids = parse(client.get("/policy/", HTTP_ACCEPT_LANGUAGE="en")).ids
    sections = [i for i in ids if i in SLUGS]
    assert sections == SLUGS


def test_every_live_clause_has_its_own_anchor_on_the_policy_page(client):
    ids = set(parse(client.get("/policy/")).ids)
    for clause in Clause.objects.filter(retired=False).select_related("section"):
        assert clause.anchor in ids


def test_policy_page_links_to_the_official_page_and_each_official_section(client):
    html = client.get("/policy/").content.decode()
    assert 'href="https://learn.microsoft.com/azure/aks/support-policies"' in html
    for slug in SLUGS:
        assert f'href="https://learn.microsoft.com/azure/aks/support-policies#{slug}"' in html


def test_policy_page_is_english_with_accept_language_en(client):
    response = client.get("/policy/", HTTP_ACCEPT_LANGUAGE="en")
    page = parse(response)
    assert '<html lang="en">' in response.content.decode()
    korean = [text for text in page.text if HANGUL.search(text) and text != "한국어"]
    assert korean == []


def test_policy_page_is_korean_throughout_with_accept_language_ko(client):
    response = client.get("/policy/", HTTP_ACCEPT_LANGUAGE="ko")
    assert '<html lang="ko">' in response.content.decode()
    texts = parse(response).text
    # Every piece of text is Korean, except names that stay as they are.
    allowed_latin = re.compile(
        r"^[#\W\d]*$|^[a-z0-9_*.-]+$|^(English|SupportScope|AKS|etcd|CoreDNS|kube-proxy|Kubelet|kubelet|containerd|"
        r"Kube-proxy|Azure CNI|kubenet|BYOCNI|DaemonSet|Helm|Istio|Envoy|nginx|kong|traefik)$"
    )
    english = [text for text in texts if not HANGUL.search(text) and not allowed_latin.match(text)]
    assert english == [], english[:10]


def test_lang_parameter_switches_the_language_and_is_remembered(client):
    response = client.get("/policy/?lang=ko", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="ko">' in response.content.decode()
    assert response.cookies["django_language"].value == "ko"
    assert '<html lang="ko">' in client.get("/policy/").content.decode()


def test_language_switch_links_keep_the_other_parameters(client):
    html = client.get("/?lang=en&x=1").content.decode()
    assert 'href="/?lang=ko&amp;x=1"' in html or 'href="/?x=1&amp;lang=ko"' in html


def test_retired_clauses_are_not_shown(client):
    clause = Clause.objects.get(section__slug="service-updates-and-releases", key="scope")
    clause.retired = True
    clause.save()
    record_revision(None, "retire", [])
    assert clause.anchor not in parse(client.get("/policy/")).ids


def test_an_edit_shows_on_the_policy_page_at_once(client):
    client.get("/policy/")
    clause = Clause.objects.get(
        section__slug="node-maintenance-and-access", key="login-discouraged"
    )
    clause.body_en = "Freshly **edited** text."
    clause.save()
    record_revision(None, "edit", [])
    assert "Freshly <strong>edited</strong> text." in client.get("/policy/").content.decode()


def test_clause_markup_is_sanitized_on_the_policy_page(client):
    clause = Clause.objects.get(
        section__slug="node-maintenance-and-access", key="login-discouraged"
    )
    clause.body_en = '<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror="a()">'
    clause.save()
    record_revision(None, "hostile", [])
    html = client.get("/policy/").content.decode()
    assert "<script>alert(1)" not in html
    assert "javascript:" not in html
    assert "<img" not in html


def test_home_page_links_to_triage_policy_and_api(client):
    html = client.get("/").content.decode()
    for url in ("/triage/", "/policy/", "/api/v1/openapi.json"):
        assert f'href="{url}"' in html


def test_the_policy_page_costs_one_query_once_warm(client, django_assert_max_num_queries):
    client.get("/policy/")
    with django_assert_max_num_queries(1):
        client.get("/policy/")
