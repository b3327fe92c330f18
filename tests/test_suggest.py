"""Starting from a ticket's text: POST /api/v1/suggest, the paste box and the proposals page.

The text goes in a POST body, and nowhere else: not in a URL, a log, a cookie or the
database. The answers it settles come back with the words that led to them.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportscope.core import vocabulary
from supportscope.core.engine import Level
from supportscope.core.learned import Learned, LevelModel, words
from supportscope.core.ranking import Note, Ranked
from supportscope.core.vocabulary import MAX_TICKET_CHARS
from supportscope.core.walk import Held, Suggestion
from supportscope.policy.models import Revision
from supportscope.policy.snapshot import get_snapshot
from supportscope.policy.why import Rivals, shared_level
from tests.triage_html import parse, squash

pytestmark = pytest.mark.django_db


def page(response):
    return parse(response.content)


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


API = "/api/v1/suggest"
ERROR_KEYS = {"error", "field", "value", "allowed", "message"}
TICKET = (
    "Since the upgrade our self-installed ingress-nginx returns 502 for every host; "
    "we installed it with Helm last year."
)
KO_TICKET = (
    "직접 설치한 nginx 인그레스가 업그레이드 뒤로 502를 반환합니다. 로드밸런서는 정상입니다."
)


def suggest(client: Client, body, content_type: str = "application/json", **extra):
    data = (
        json.dumps(body)
        if content_type == "application/json" and not isinstance(body, str | bytes)
        else body
    )
    return client.post(API, data=data, content_type=content_type, **extra)


def test_a_ticket_settles_the_component_and_the_follow_up_with_the_words_behind_them(client):
    response = suggest(client, {"text": TICKET, "lang": "en"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "answers",
        "evidence",
        "why",
        "assumed",
        "alternatives",
        "candidates",
        "held",
        "outcome",
        "triage_url",
    }
    assert body["held"] is None
    assert body["answers"] == {"component": "ingress", "ingress": "nginx"}
    assert "ingress-nginx" in body["evidence"]["ingress"] or "nginx" in body["evidence"]["ingress"]
    assert body["candidates"] == []
    assert body["outcome"]["verdict"] == "unsupported"
    assert body["outcome"]["citations"][0]["clause"] == "unsupported-scenarios--unmanaged-ingress"
    assert body["triage_url"] == "/triage/?component=ingress&ingress=nginx"
    # The outcome is what the verdict API gives for those answers (which, read as
    # sent, carry no notice).
    verdict = client.get("/api/v1/verdict", {**body["answers"], "lang": "en"}).json()
    assert verdict.pop("notices") == []
    assert body["outcome"] == verdict


def test_korean_text_and_lang_give_korean_labels_and_keep_the_language_in_the_link(client):
    body = suggest(client, {"text": KO_TICKET, "lang": "ko"}).json()
    assert body["answers"] == {"component": "ingress", "ingress": "nginx"}
    assert "인그레스" in body["evidence"]["component"]
    assert body["triage_url"] == "/triage/?component=ingress&ingress=nginx&lang=ko"
    assert "지원" in body["outcome"]["rationale"] or body["outcome"]["rationale"]


def test_an_ambiguous_text_ranks_the_candidates_of_the_first_open_question(client):
    text = "Pods on our cluster (Cilium) stay in ContainerCreating: failed to allocate IP"
    body = suggest(client, {"text": text}).json()
    assert body["answers"] == {"component": "cni-plugin"}
    keys = {c["key"] for c in body["candidates"]}
    assert keys == {"cni"}
    top = body["candidates"][:2]
    assert {c["value"] for c in top} == {"byocni", "azure-cni-cilium"}
    assert all(c["score"] > 0 and c["matched"] and c["label"] for c in top)
    assert body["candidates"][0]["score"] >= body["candidates"][-1]["score"]
    assert body["outcome"]["complete"] is False
    assert body["outcome"]["next_question"]["key"] == "cni"


def test_a_form_encoded_text_works_too(client):
    response = client.post(API, {"text": TICKET})
    assert response.status_code == 200
    assert response.json()["answers"]["component"] == "ingress"


@pytest.mark.parametrize(
    ("body", "content_type", "field"),
    [
        ({"text": ""}, "application/json", "text"),
        ({"text": "   \n "}, "application/json", "text"),
        ({"text": 42}, "application/json", "text"),
        ({}, "application/json", "text"),
        ({"text": "x" * (MAX_TICKET_CHARS + 1)}, "application/json", "text"),
        ({"text": "ok", "lang": "fr"}, "application/json", "lang"),
        ({"text": "ok", "lang": None}, "application/json", "lang"),
        ({"text": "ok", "lang": ["en"]}, "application/json", "lang"),
        ("{not json", "application/json", "body"),
        ('["a list"]', "application/json", "body"),
        ("text=hello", "text/plain", "body"),
        (b"\xff\xfe", "application/json", "body"),
    ],
)
def test_bad_bodies_get_a_400_in_the_api_error_shape(client, body, content_type, field):
    response = suggest(client, body, content_type)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    error = response.json()
    assert set(error) == ERROR_KEYS
    assert error["field"] == field
    assert error["allowed"]


def test_a_too_long_text_is_not_echoed_in_the_error(client):
    secret = "customer-secret-" * 1400
    error = suggest(client, {"text": secret}).json()
    assert "customer-secret" not in json.dumps(error)
    assert error["value"] == f"{len(secret)} characters"


@pytest.mark.parametrize("form", [False, True])
def test_a_body_too_large_for_django_to_read_is_a_400_in_the_api_shape(client, form):
    text = "x" * 3_000_000
    if form:
        response = client.post(API, {"text": text})
    else:
        response = suggest(client, {"text": text})
    assert response.status_code == 400
    assert response.json()["field"] == "text"


def test_a_paste_too_large_for_django_to_read_gets_the_400_page(client):
    response = client.post("/triage/suggest/", {"text": "x" * 3_000_000})
    assert response.status_code == 400
    assert page(response).find_all("p", class_="error-text")


def test_exactly_the_maximum_length_is_read(client):
    assert suggest(client, {"text": "kubelet " + "x" * (MAX_TICKET_CHARS - 8)}).status_code == 200


def test_get_is_refused_with_405(client):
    assert client.get(API).status_code == 405


def test_it_needs_no_csrf_token_and_sets_no_cookie(client):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(API, data=json.dumps({"text": TICKET}), content_type="application/json")
    assert response.status_code == 200
    assert not response.cookies
    assert response["Cache-Control"] == "no-store"


def test_the_text_is_neither_logged_nor_stored(client, caplog):
    marker = "ZZ-private-marker-ingress-nginx"
    revisions = Revision.objects.count()
    with caplog.at_level(logging.DEBUG):
        suggest(client, {"text": marker})
        client.post("/triage/suggest/", {"text": marker})
    assert marker not in caplog.text
    assert marker.lower() not in caplog.text.lower()
    assert Revision.objects.count() == revisions


SUGGEST_FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SUGGEST_FUZZ
@given(
    text=st.text(max_size=300),
    lang=st.one_of(st.none(), st.sampled_from(["en", "ko", "", "EN", "x" * 50])),
)
def test_any_text_gets_a_200_with_an_outcome_or_a_400_in_the_error_shape(client, text, lang):
    body = {"text": text} if lang is None else {"text": text, "lang": lang}
    response = suggest(client, body)
    assert response.status_code in (200, 400)
    payload = response.json()
    if response.status_code == 400:
        assert set(payload) == ERROR_KEYS
    else:
        assert set(payload) == {
            "answers",
            "evidence",
            "why",
            "assumed",
            "alternatives",
            "candidates",
            "held",
            "outcome",
            "triage_url",
        }
        assert set(payload["evidence"]) == set(payload["answers"])
        verdict = client.get("/api/v1/verdict", payload["answers"])
        assert verdict.status_code == 200


@SUGGEST_FUZZ
@given(raw=st.binary(max_size=200))
def test_any_bytes_get_a_200_or_a_400_never_a_500(client, raw):
    response = client.post(API, data=raw, content_type="application/json")
    assert response.status_code in (200, 400)
    assert response["Content-Type"] == "application/json"


# -- the pages ------------------------------------------------------------------------


def test_the_first_step_offers_a_paste_box_that_posts_the_text(client):
    doc = page(client.get("/triage/?lang=ko"))
    form = doc.find_all("form", class_="paste-box")[0]
    assert form.attrs["method"] == "post"
    assert form.attrs["action"] == "/triage/suggest/?lang=ko"
    assert doc.find_all("textarea", id="ticket-text")[0].attrs["name"] == "text"
    assert not page(client.get("/triage/?component=ingress")).find_all("form", class_="paste-box")


def test_proposals_show_each_answer_with_its_words_and_a_get_form_of_answers_only(client):
    response = client.post("/triage/suggest/", {"text": TICKET})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "every host" not in html  # the text itself is not echoed
    doc = page(response)
    form = doc.find_all("form", class_="proposals-form")[0]
    # A GET through the proposals' counter (analytics), which redirects to /triage/.
    assert (form.attrs["method"], form.attrs["action"]) == ("get", "/triage/proposed/")
    names = [e.attrs["name"] for e in form.find_all("select")]
    assert names == ["component", "ingress"]
    assert not form.find_all("textarea")
    why = squash(doc.find_all("p", id="why-component")[0].text)
    assert "ingress" in why
    selected = [o.attrs["value"] for o in form.find_all("option") if "selected" in o.attrs]
    assert selected == ["ingress", "nginx"]


def test_confirming_the_proposals_leads_to_the_verdict(client):
    doc = page(client.get("/triage/", {"component": "ingress", "ingress": "nginx"}))
    assert (
        "badge-unsupported"
        in doc.find_all("h1", id="verdict-title")[0].find_all("span")[1].attrs["class"]
    )


def test_an_open_question_lists_the_ranked_candidates_as_radio_buttons(client):
    text = "Pods on our cluster (Cilium) stay in ContainerCreating"
    doc = page(client.post("/triage/suggest/?lang=en", {"text": text}))
    radios = doc.find_all("fieldset", class_="proposal-open")[0].find_all("input")
    assert {r.attrs["value"] for r in radios[:2]} == {"byocni", "azure-cni-cilium"}
    assert all(r.attrs["name"] == "cni" for r in radios)
    hidden = {e.attrs["name"]: e.attrs["value"] for e in doc.find_all("input", type="hidden")}
    # The proposals as key:value pairs of the tree, for the counter: never the text.
    assert hidden == {"lang": "en", "proposed": "component:cni-plugin"}


def test_an_empty_or_too_long_paste_gets_a_400_page_that_says_why(client):
    for text in ("", "y" * (MAX_TICKET_CHARS + 1)):
        response = client.post("/triage/suggest/", {"text": text})
        assert response.status_code == 400
        assert page(response).find_all("p", class_="error-text")


def test_a_paste_that_settles_nothing_says_what_is_outside_the_policy(client):
    doc = page(client.post("/triage/suggest/", {"text": "Why is our invoice so high this month?"}))
    assert doc.find_all("p", class_="notice notice-unknown")
    aside = doc.find_all("aside", class_="outside-policy")[0]
    assert "billing request" in " ".join(aside.text.split())


def test_the_proposals_page_refuses_get(client):
    assert client.get("/triage/suggest/").status_code == 405


def test_the_release_status_assumed_is_said_so(client):
    doc = page(client.post("/triage/suggest/", {"text": "The Istio service mesh add-on fails"}))
    assert "Assumed" in squash(doc.find_all("p", id="why-preview")[0].text)


def test_another_assumed_answer_is_explained_as_itself_not_as_the_release_status(client):
    # Nothing names an appliance: "none" is assumed, and said so in its own terms.
    doc = page(client.post("/triage/suggest/", {"text": PODS_CANNOT_TALK}))
    why = squash(doc.find_all("p", id="why-appliance")[0].text)
    assert why == (
        "Assumed: the text says nothing about it, and “No appliance in the path” is the usual case."
    )
    korean = page(client.post("/triage/suggest/?lang=ko", {"text": PODS_CANNOT_TALK}))
    why = squash(korean.find_all("p", id="why-appliance")[0].text)
    assert why.startswith("가정: 내용에 이에 관한 말이 없어 보통의 경우를 골랐습니다: “")
    assert "미리 보기" not in why


def test_an_assumed_cni_says_every_cni_aks_manages_leads_to_the_same_verdict(client):
    doc = page(client.post("/triage/suggest/", {"text": PODS_CANNOT_TALK}))
    why = squash(doc.find_all("p", id="why-cni")[0].text)
    assert why == (
        "Assumed: the text names no CNI of the customer's own (BYOCNI, flannel, Calico, Cilium"
        " they installed), and every CNI that AKS manages leads to the same verdict as"
        " “Azure CNI”."
    )
    korean = page(client.post("/triage/suggest/?lang=ko", {"text": PODS_CANNOT_TALK}))
    why = squash(korean.find_all("p", id="why-cni")[0].text)
    assert why.startswith("가정: 내용에 고객이 직접 설치한 CNI(")


def test_the_api_says_why_each_assumed_answer_was_taken_in_the_requests_language(client):
    body = suggest(client, {"text": PODS_CANNOT_TALK}).json()
    assert set(body["assumed"]) == {"appliance", "cni"}
    assert all(body["evidence"][key] == [] for key in body["assumed"])
    assert body["assumed"]["cni"] == (
        "Assumed: the text names no CNI of the customer's own (BYOCNI, flannel, Calico, Cilium"
        " they installed), and every CNI that AKS manages leads to the same verdict as"
        " “Azure CNI”."
    )
    korean = suggest(client, {"text": PODS_CANNOT_TALK, "lang": "ko"}).json()
    assert korean["assumed"]["appliance"].startswith("가정: ")
    named = suggest(client, {"text": PODS_CANNOT_TALK + " We run flannel as our CNI."}).json()
    assert "cni" not in named["assumed"]


def test_the_page_lists_every_answer_when_who_installed_it_is_not_assumed(client):
    doc = page(client.post("/triage/suggest/", {"text": OUR_ISTIO}))
    (fieldset,) = doc.find_all("fieldset", class_="proposal-open")
    (notice,) = fieldset.find_all("p", class_="notice notice-held")
    assert "the text names istio" in squash(notice.text)
    assert len(fieldset.find_all("ul", class_="candidates each-answer")) == 1
    assert [radio.attrs["value"] for radio in fieldset.find_all("input", type="radio")] == [
        "customer-open-source",
        "aks",
        "customer-ingress",
        "customer-closed-source",
    ]


# -- the search box -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "first", "word"),
    [
        ("Kong", "ingress", "Kong"),
        ("인그레스가", "ingress", "인그레스"),
        ("로드밸런서", "load-balancer", "로드밸런서"),
        ("cert-manager", "app-certificate", "cert-manager"),
        ("BYOCNI", None, "BYOCNI"),
        ("feature gate", "preview-feature", "feature gate"),
        ("구독", "subscription", "구독"),
    ],
)
def test_the_search_ranks_choices_by_terms_and_shows_the_matched_word(client, query, first, word):
    doc = page(client.get("/triage/", {"q": query}))
    matches = doc.find_all("ul", class_="choices choice-matches")[0].find_all("button")
    if first:
        assert matches[0].attrs["value"] == first
    words = [squash(m.text) for m in matches[0].find_all("mark")]
    assert any(w.casefold() == word.casefold() for w in words), words
    show_all = doc.find_all("p", class_="show-all")[0].find_all("a")[0]
    assert query_of(show_all.attrs["href"]) == {}


def test_a_search_with_no_match_says_so_and_shows_every_choice(client):
    doc = page(client.get("/triage/", {"q": "zzzz qqqq"}))
    assert "No choice matches" in squash(doc.find_all("p", id="filter-status")[0].text)
    assert "Pick a group below" in squash(doc.find_all("p", id="filter-status")[0].text)
    groups = [b.attrs["value"] for b in doc.find_all("button", class_="choice")]
    assert groups == list(get_snapshot().tree.questions["topic"].values)


def test_an_htmx_search_returns_the_fragment_from_the_same_template(client):
    response = client.get("/triage/", {"q": "traefik"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="choice-list"' in html
    assert 'id="filter-status"' in html


def test_an_old_value_is_read_as_the_new_one_with_a_notice(client):
    doc = page(client.get("/triage/", {"component": "system-metadata"}))
    assert doc.find_all("div", class_="notice notice-renamed")
    assert "component=aks-tags" in squash(
        doc.find_all("div", class_="notice notice-renamed")[0].text
    )
    assert (
        "badge-unsupported"
        in doc.find_all("h1", id="verdict-title")[0].find_all("span")[1].attrs["class"]
    )
    link = doc.find_all("p", class_="permalink")[0].find_all("a")[0].attrs["href"]
    assert query_of(link)["component"] == "aks-tags"


def test_a_renamed_value_is_read_before_retired_answers_are_dropped():
    from django.http import QueryDict

    from supportscope.core.vocabulary import Change
    from supportscope.policy.presenters import renamed_query
    from supportscope.policy.snapshot import get_snapshot

    tree = get_snapshot().tree
    query, changes = renamed_query(QueryDict("component=kube-system-addon&lang=ko"), tree)
    assert query["component"] == "managed-addon"
    assert query["lang"] == "ko"
    assert changes == (Change("component", "kube-system-addon", "managed-addon"),)
    same = QueryDict("component=etcd")
    assert renamed_query(same, tree) == (same, ())


def test_the_language_links_of_the_proposals_lead_to_the_proposed_answers_as_a_get_page(client):
    doc = page(client.post("/triage/suggest/", {"text": "our self-installed kong ingress fails"}))
    switch = doc.find_all("nav", class_="lang-switch")[0]
    links = {a.attrs["hreflang"]: a.attrs["href"] for a in switch.find_all("a")}
    path, _, query = links["ko"].partition("?")
    assert path == "/triage/"
    assert dict(parse_qsl(query)) == {"component": "ingress", "ingress": "kong", "lang": "ko"}
    assert client.get(links["ko"]).status_code == 200


def test_a_supported_answer_in_doubt_is_left_open_and_the_api_says_why(client):
    text = (
        "No traffic reaches our ingress on the new cluster. We installed ingress-nginx with "
        "helm, as on the old cluster. The load balancer has its public IP and the service "
        "shows the external IP, but requests time out and the health probe is unhealthy. "
        "Why is the load balancer not forwarding?"
    )
    body = suggest(client, {"text": text}).json()
    assert body["outcome"]["verdict"] is None
    assert body["held"]["key"] == "component"
    assert (body["held"]["rival"], body["held"]["reason"]) == ("ingress", "rival-installed")
    assert "installed" in body["held"]["message"]
    assert "ingress" in [c["value"] for c in body["candidates"]]
    clear = suggest(client, {"text": "kubectl cannot reach the API server since this morning."})
    assert clear.json()["held"] is None


PREVIEW_POOL_UPGRADE = (
    "(preview) az aks nodepool upgrade fails on our second node pool\n\n"
    "Our second node pool will not upgrade: az aks nodepool upgrade to 1.33.4 stops with an "
    "OperationNotAllowed error after ten minutes, while the system pool upgraded fine an hour "
    "earlier. The Kubernetes version of the cluster is 1.33.2 and the control plane upgrade "
    "finished without errors. Could you check why the node pool upgrade fails?"
)


def test_a_supported_answer_that_ignores_a_preview_the_text_names_is_left_open(client):
    # Upgrading a node pool is supported whatever its release status, so that verdict never
    # asks it; the title says a preview is involved, which the policy gives best effort.
    body = suggest(client, {"text": PREVIEW_POOL_UPGRADE}).json()
    assert body["outcome"]["verdict"] is None
    assert (body["held"]["rival"], body["held"]["reason"]) == ("preview-feature", "release")
    version, preview = body["candidates"][:2]
    assert (version["value"], preview["value"]) == ("kubernetes-version", "preview-feature")
    assert body["held"]["message"] == (
        f"Left open: the words point to “{version['label']}”, which the policy supports "
        "whatever the release status, but the text says a preview is involved; a preview "
        f"feature gets best-effort support only (“{preview['label']}”). Check what is in "
        "preview."
    )
    assert preview["why"] == [
        f"fewer or weaker words than {version['label']}, but the text says a preview is "
        "involved, which that answer never asks about"
    ]
    korean = suggest(client, {"text": PREVIEW_POOL_UPGRADE, "lang": "ko"}).json()
    assert "미리 보기 기능은 최선의 노력 지원만 받습니다" in korean["held"]["message"]


def test_the_preview_cli_extension_named_in_passing_does_not_hold_a_supported_answer(client):
    text = (
        "Since this morning az aks start has kept our QA cluster in Starting for an hour and "
        "kubectl gets connection refused. We normally stop it at night with az aks stop and "
        "start it at 8 with az aks start. Someone installed the aks-preview extension long "
        "ago for a demo; we will remove it. Please check why the cluster does not start."
    )
    body = suggest(client, {"text": text}).json()
    assert body["held"] is None or body["held"]["reason"] != "release"


def test_what_the_customer_only_says_they_run_is_told_as_run_not_installed(client):
    text = (
        "Meshed pods fail after the node image update. We run Linkerd 2.14 on the cluster; "
        "since last night's node image upgrade every meshed pod fails in linkerd-init with "
        '"iptables-restore: line 3 failed". Did the AKS node image change its iptables?'
    )
    body = suggest(client, {"text": text}).json()
    assert body["outcome"]["verdict"] is None
    assert (body["held"]["rival"], body["held"]["reason"]) == ("third-party-oss", "rival-installed")
    assert "installed or run linkerd 2.14 themselves" in body["held"]["message"]
    oss = next(c for c in body["candidates"] if c["value"] == "third-party-oss")
    assert "linkerd 2.14: run by the customer" in oss["why"]
    korean = suggest(client, {"text": text, "lang": "ko"}).json()
    assert "고객이 linkerd 2.14을(를) 직접 설치했거나 운영한다고" in korean["held"]["message"]


def test_a_daemonset_the_customer_deployed_is_named_in_the_held_message(client):
    text = (
        "Our cluster runs kubenet. Pods on the new node pool time out on every ClusterIP "
        "since yesterday. Two months "
        "ago we deployed kube-router as a DaemonSet for BGP. kube-proxy pods are Running. "
        "Is kube-proxy broken on the new nodes?"
    )
    body = suggest(client, {"text": text}).json()
    assert body["outcome"]["verdict"] is None
    assert (body["held"]["rival"], body["held"]["reason"]) == ("third-party-oss", "deployed")
    assert (
        "installed kube router, which runs on every node as a DaemonSet of their own"
        in (body["held"]["message"])
    )
    oss = next(c for c in body["candidates"] if c["value"] == "third-party-oss")
    assert "kube router: installed by the customer (DaemonSet)" in oss["why"]
    korean = suggest(client, {"text": text, "lang": "ko"}).json()
    assert "고객이 kube router을(를) 직접 설치했다고" in korean["held"]["message"]


def test_a_helm_copy_of_an_add_on_project_is_named_in_the_held_message(client):
    from tests.test_reader import KEDA_OWN_COPY

    body = suggest(client, {"text": KEDA_OWN_COPY}).json()
    assert body["outcome"]["verdict"] is None
    assert (body["held"]["rival"], body["held"]["reason"]) == ("third-party-oss", "rival-installed")
    assert "installed or run keda themselves" in body["held"]["message"]


def test_a_held_question_says_why_on_the_page_instead_of_nothing_found(client):
    text = (
        "API 서버에 kubectl 접속이 안 됩니다. Unable to connect to the server: TLS handshake "
        "timeout 오류가 납니다. 퍼블릭 클러스터이고 허용 IP 범위는 설정하지 않았습니다. "
        "지난달에 저희가 노드 리소스 그룹의 NSG 규칙을 수정한 적이 있습니다."
    )
    doc = page(client.post("/triage/suggest/?lang=ko", {"text": text}))
    fieldset = doc.find_all("fieldset", class_="proposal-open")[0]
    held = squash(fieldset.find_all("p", class_="notice notice-held")[0].text)
    assert "직접 변경" in held
    assert "node-iaas-change" in {r.attrs["value"] for r in fieldset.find_all("input")}
    assert not doc.find_all("p", class_="notice notice-unknown")


def test_candidates_that_tie_are_not_called_nothing_found(client):
    # Several components are named about equally: the page lists them, and does not say
    # that no known product or component was found.
    text = (
        "The load balancer drops traffic and the ingress returns 502 and the network "
        "policy blocks pods."
    )
    doc = page(client.post("/triage/suggest/", {"text": text}))
    fieldset = doc.find_all("fieldset", class_="proposal-open")[0]
    assert len(fieldset.find_all("input", type="radio")) >= 2
    assert not doc.find_all("p", class_="notice notice-unknown")


def test_a_close_call_settled_by_the_tie_breaker_says_so_in_both_languages(client, monkeypatch):
    model = Learned.train(
        "component",
        [
            (words("our service crashes with a segfault in our code"), ("application-code",)),
            (words("a segfault in the code we wrote crashes the pods"), ("application-code",)),
            (words("a new kernel rolled out overnight"), ("node-image",)),
            (words("the overnight rollout changed the kernel"), ("node-image",)),
        ],
    )
    monkeypatch.setattr(vocabulary, "shipped", lambda: model)
    text = "Our pods crash after the node image update; the app logs show a segfault in our code."
    body = suggest(client, {"text": text}).json()
    assert body["answers"]["component"] == "application-code"
    assert body["why"]["component"] == [
        "the words alone match other choices about as well; the ticket reads most like past "
        "tickets about this one"
    ]
    image = next(c for c in body["alternatives"]["component"] if c["value"] == "node-image")
    assert any(reason.startswith("about as close in words as") for reason in image["why"])
    korean = suggest(client, {"text": text, "lang": "ko"}).json()
    assert "지난 티켓들과 가장 비슷하게" in korean["why"]["component"][0]
    monkeypatch.setattr(vocabulary, "shipped", lambda: None)
    assert suggest(client, {"text": text}).json()["outcome"]["verdict"] is None


def test_only_the_candidates_the_tie_breaker_weighed_read_less_like_the_pick():
    lead = Ranked("restore", 2.0, ("restore",), (Note("learned", detail="how-to,etcd"),))
    rivals = Rivals(lead, "Restore")
    weighed = rivals.why(Ranked("etcd", 2.0, ("etcd",)))
    weaker = rivals.why(Ranked("persistent-volume", 0.5, ("pvc",)))
    assert weighed == [
        "about as close in words as Restore; the ticket reads more like past tickets about Restore"
    ]
    assert weaker == ["fewer or weaker words than Restore"]


def test_the_rival_a_ticket_reads_most_like_says_whether_any_word_named_it():
    lead = Ranked("coredns", 3.0, ("coredns",))
    held = Held("component", "control-plane-customization", "unlike")
    rivals = Rivals(lead, "CoreDNS", held)
    named = rivals.why(Ranked("control-plane-customization", 2.0, ("corefile",)))
    unnamed = rivals.why(Ranked("control-plane-customization", 0.0, ()))
    other = rivals.why(Ranked("cluster-networking", 1.0, ("dns",)))
    assert named == [
        "fewer or weaker words than CoreDNS, but the ticket reads most like past tickets "
        "about this one, and little like those about CoreDNS"
    ]
    assert unnamed == [
        "no word names it, but the ticket reads most like past tickets about this one, and "
        "little like those about CoreDNS"
    ]
    assert other == ["fewer or weaker words than CoreDNS"]


def test_the_rival_of_an_answer_named_only_in_passing_says_whether_any_word_named_it():
    lead = Ranked("persistent-volume", 1.0, ("csi",))
    held = Held("component", "application-code", "thin")
    rivals = Rivals(lead, "Volumes", held)
    named = rivals.why(Ranked("application-code", 0.5, ("batch",)))
    unnamed = rivals.why(Ranked("application-code", 0.0, ()))
    assert named == [
        "fewer or weaker words than Volumes, but the ticket as a whole reads likelier to be "
        "about this one"
    ]
    assert unnamed == [
        "no word names it, but the ticket as a whole reads likelier to be about this one "
        "than about Volumes"
    ]


def test_the_shared_level_is_one_both_the_lead_and_its_rival_lead_to():
    lead, rival = Ranked("coredns", 3.0, ("coredns",)), Ranked("kubelet", 1.0, ("kubelet",))

    def held(reason: str, rival_value: str, **leads: frozenset[Level]) -> Suggestion:
        return Suggestion(
            {}, {}, None, (lead, rival), held=Held("component", rival_value, reason), leads=leads
        )

    one = frozenset({Level.SUPPORTED})
    assert shared_level(held("unlike", "kubelet", coredns=one, kubelet=one)) is Level.SUPPORTED
    # another level, more than one level, the answer held against itself, or no hold: none
    other = frozenset({Level.UNSUPPORTED})
    assert shared_level(held("unlike", "kubelet", coredns=one, kubelet=other)) is None
    both = frozenset({Level.SUPPORTED, Level.UNSUPPORTED})
    assert shared_level(held("unlike", "kubelet", coredns=both, kubelet=both)) is None
    assert shared_level(held("installed", "coredns", coredns=one)) is None
    assert shared_level(replace(held("unlike", "kubelet"), held=None)) is None


ADVICE = "unsupported-scenarios--aks-operations-advice"


def advice_or_volume_model() -> Learned:
    """Past tickets: a failing volume, or a question on which setting to choose."""
    return Learned.train(
        "component",
        [
            (words("the volume fails to attach, pods stuck pending"), ("persistent-volume",)),
            (
                words("attach failed, the volume is stuck and pods are pending"),
                ("persistent-volume",),
            ),
            (words("premium or standard: which would you pick here"), ("how-to",)),
            (words("which would you pick: standard or premium"), ("how-to",)),
        ],
    )


def test_a_question_on_a_supported_part_also_cites_the_advice_clause_and_says_why(
    client, monkeypatch
):
    monkeypatch.setattr(vocabulary, "shipped", advice_or_volume_model)
    text = "Our persistent volume on Azure Disk: premium or standard, which would you pick?"
    body = suggest(client, {"text": text}).json()
    assert body["answers"] == {"component": "persistent-volume", "advice": "yes"}
    assert body["outcome"]["verdict"] == "supported"
    assert ADVICE in [c["clause"] for c in body["outcome"]["citations"]]
    assert body["why"]["advice"] == [
        "no word settles it: the ticket reads more like past tickets that ask for this than "
        "like tickets about the part it names"
    ]
    korean = suggest(client, {"text": text, "lang": "ko"}).json()
    assert "이런 요청을 한 지난 티켓들과 더 비슷함" in korean["why"]["advice"][0]


def test_a_fault_on_a_supported_part_is_not_read_as_a_request_for_advice(client, monkeypatch):
    monkeypatch.setattr(vocabulary, "shipped", advice_or_volume_model)
    text = "Our persistent volume fails to attach; the pods are stuck pending."
    body = suggest(client, {"text": text}).json()
    assert body["answers"]["component"] == "persistent-volume"
    assert "advice" not in body["answers"]
    assert ADVICE not in [c["clause"] for c in body["outcome"]["citations"]]


def test_a_how_to_question_about_a_named_part_says_why_in_both_languages(client):
    text = (
        "Our node image version is two months old on one node pool while the others got the "
        "new image version. What is the recommended way to keep node image versions current, "
        "and which auto-upgrade channel should we pick?"
    )
    body = suggest(client, {"text": text}).json()
    assert body["answers"] == {"component": "node-image", "advice": "yes"}
    assert ADVICE in [c["clause"] for c in body["outcome"]["citations"]]
    asked = next(c for c in body["alternatives"]["component"] if c["value"] == "how-to")
    assert asked["why"] == [
        "its words ask how to set up or tune it: read as a request for advice on the part proposed"
    ]
    assert body["evidence"]["advice"] == asked["matched"]
    korean = suggest(client, {"text": text, "lang": "ko"}).json()
    asked = next(c for c in korean["alternatives"]["component"] if c["value"] == "how-to")
    assert asked["why"] == [
        "구성·튜닝 방법을 묻는 표현이라, 제안한 구성 요소에 대한 조언 요청으로 읽음"
    ]


def test_an_answer_no_word_gave_says_why_without_a_list_of_words(client, monkeypatch):
    monkeypatch.setattr(vocabulary, "shipped", advice_or_volume_model)
    text = "Our persistent volume on Azure Disk: premium or standard, which would you pick?"
    doc = page(client.post("/triage/suggest/", {"text": text}))
    why = squash(doc.find_all("p", id="why-advice")[0].text)
    assert why.startswith("No word settles it: the ticket reads more like past tickets")
    assert "Because the text says" not in why
    volume = squash(doc.find_all("p", id="why-component")[0].text)
    assert volume.startswith("Because the text says")


# Past tickets about a volume that fails to attach, which several models below are taught.
FAILING_VOLUME = [
    (words("the volume fails to attach, pods stuck pending"), ("persistent-volume",)),
    (words("attach failed, the disk is stuck, pods pending"), ("persistent-volume",)),
]


def release_or_volume_model() -> Learned:
    """Past tickets: a failing volume, or the customer's own release that restarts."""
    return Learned.train(
        "component",
        [
            *FAILING_VOLUME,
            (words("since our release the service restarts, rollout stuck"), ("application-code",)),
            (words("the rollout of our release restarts the service again"), ("application-code",)),
        ],
    )


# The words settle on the volume; the report as a whole reads like the customer's release.
READS_LIKE_RELEASE = (
    "Our persistent volume on Azure Disk will not attach since Tuesday; the pvc stays "
    "Pending and the disk shows as attached to no node. Since our release on Tuesday the "
    "orders service restarts, and the rollout of that release never finishes. The release "
    "notes of our service list a new cache class. Since the release, each rollout logs the "
    "same warning, and the service restarts again. The release pipeline and the rollout "
    "look the same in every environment; the volume only fails here. We use our own code "
    "for the cache."
)


def test_a_long_report_reading_like_the_customers_code_is_left_open_in_both_languages(
    client, monkeypatch
):
    monkeypatch.setattr(vocabulary, "shipped", release_or_volume_model)
    body = suggest(client, {"text": READS_LIKE_RELEASE}).json()
    assert body["outcome"]["verdict"] is None
    assert (body["held"]["rival"], body["held"]["reason"]) == ("application-code", "reads-like")
    volume, code = body["candidates"][:2]
    assert (volume["value"], code["value"]) == ("persistent-volume", "application-code")
    assert (volume["leads_to"], code["leads_to"]) == (["supported"], ["unsupported"])
    assert body["held"]["message"] == (
        f"Left open: the words point to “{volume['label']}”, but the ticket as a whole reads "
        f"more like past tickets about “{code['label']}”, which the policy puts at another "
        "level of support. Pick what the ticket is really about."
    )
    assert code["why"][-1] == (
        f"fewer or weaker words than {volume['label']}, but the ticket as a whole reads more "
        "like past tickets about this one"
    )
    korean = suggest(client, {"text": READS_LIKE_RELEASE, "lang": "ko"}).json()
    assert (
        "지난 티켓들과 더 비슷하며, 정책상 그쪽의 지원 수준은 다릅니다" in korean["held"]["message"]
    )
    assert korean["candidates"][1]["why"][-1].endswith("이쪽에 관한 지난 티켓들과 더 비슷함")
    # without the models (the shipped level model may doubt it too), the words alone answer it
    monkeypatch.setattr(vocabulary, "shipped", lambda: None)
    monkeypatch.setattr(vocabulary, "shipped_levels", lambda: None)
    body = suggest(client, {"text": READS_LIKE_RELEASE}).json()
    assert (body["answers"]["component"], body["held"]) == ("persistent-volume", None)


def release_wording_levels() -> LevelModel:
    """Tickets worded as the customer's own release are unsupported; as a failing volume,
    supported."""
    return LevelModel.train(
        [
            (words("since our release the service restarts, rollout stuck"), "unsupported"),
            (words("the rollout of our release restarts the service again"), "unsupported"),
            (words("the volume fails to attach, pods stuck pending"), "supported"),
            (words("attach failed, the disk is stuck, pods pending"), "supported"),
        ]
    )


def test_a_long_report_worded_like_unsupported_tickets_is_left_open_in_both_languages(
    client, monkeypatch
):
    monkeypatch.setattr(vocabulary, "shipped", lambda: None)
    monkeypatch.setattr(vocabulary, "shipped_levels", release_wording_levels)
    body = suggest(client, {"text": READS_LIKE_RELEASE}).json()
    assert body["outcome"]["verdict"] is None
    assert (body["held"]["rival"], body["held"]["reason"]) == ("application-code", "level")
    volume, code = body["candidates"][:2]
    assert body["held"]["message"] == (
        f"Left open: the words point to “{volume['label']}”, but tickets worded like this one "
        f"rarely get that level of support under the policy, and “{code['label']}”, which the "
        "words also name, would get another. Pick what the ticket is really about."
    )
    assert code["why"][-1] == (
        f"fewer or weaker words than {volume['label']}, but tickets worded like this one more "
        "often get its level of support"
    )
    korean = suggest(client, {"text": READS_LIKE_RELEASE, "lang": "ko"}).json()
    assert "이렇게 쓰인 티켓이 정책상 그 지원 수준인 경우는 드뭅니다" in korean["held"]["message"]
    assert korean["candidates"][1]["why"][-1].endswith("이쪽의 지원 수준인 경우가 더 많음")


def volume_or_invoices_model() -> Learned:
    """Past tickets: a failing volume, or the customer's own invoices batch."""
    return Learned.train(
        "component",
        [
            *FAILING_VOLUME,
            (words("our invoices batch prints totals twice at month end"), ("application-code",)),
            (words("month end totals printed twice by the invoices batch"), ("application-code",)),
        ],
    )


# The words name the volume and, nearly as strongly, the kubelet (both supported); the
# report as a whole reads like past tickets about the customer's own batch, which no word
# names.
NARROW_VOLUME = "The batch log mentions our persistent volume and the kubelet; the kubelet "
NARROW_VOLUME += "restarted once. " + (
    "At month end the invoices batch prints the totals twice; the totals of the invoices "
    "are printed twice at month end. " * 4
)


def test_a_long_report_with_a_narrow_lead_it_reads_unlike_is_left_open_in_both_languages(
    client, monkeypatch
):
    monkeypatch.setattr(vocabulary, "shipped", volume_or_invoices_model)
    monkeypatch.setattr(vocabulary, "shipped_levels", lambda: None)
    body = suggest(client, {"text": NARROW_VOLUME}).json()
    assert body["outcome"]["verdict"] is None
    assert (body["held"]["rival"], body["held"]["reason"]) == ("application-code", "unlike")
    volume, code = body["candidates"][:2]
    assert (volume["value"], code["value"]) == ("persistent-volume", "application-code")
    assert body["held"]["message"] == (
        f"Left open: the words point to “{volume['label']}”, but only narrowly, and the "
        "ticket reads little like past tickets about it; it reads most like tickets about "
        f"“{code['label']}”. Pick what the ticket is really about."
    )
    assert code["score"] == 0  # listed for what the ticket reads like, not for its words
    assert code["why"][-1] == (
        "no word names it, but the ticket reads most like past tickets about this one, and "
        f"little like those about {volume['label']}"
    )
    korean = suggest(client, {"text": NARROW_VOLUME, "lang": "ko"}).json()
    assert "차이가 근소하고" in korean["held"]["message"]
    assert korean["candidates"][1]["why"][-1].startswith("일치한 단어는 없지만")
    # without the model the words alone answer it
    monkeypatch.setattr(vocabulary, "shipped", lambda: None)
    body = suggest(client, {"text": NARROW_VOLUME}).json()
    assert (body["answers"]["component"], body["held"]) == ("persistent-volume", None)


# One plain word ("csi") names the volume, and nothing else names any choice; the report as
# a whole reads like past tickets about the customer's own batch.
THIN_VOLUME = "Our batch pod uses csi. " + (
    "At month end the invoices batch prints the totals twice; the totals of the invoices "
    "are printed twice at month end. " * 4
)


def test_a_long_report_naming_its_answer_only_in_passing_is_left_open_in_both_languages(
    client, monkeypatch
):
    monkeypatch.setattr(vocabulary, "shipped", volume_or_invoices_model)
    monkeypatch.setattr(vocabulary, "shipped_levels", lambda: None)
    body = suggest(client, {"text": THIN_VOLUME}).json()
    assert body["outcome"]["verdict"] is None
    assert (body["held"]["rival"], body["held"]["reason"]) == ("application-code", "thin")
    volume, code = body["candidates"][:2]
    assert (volume["value"], volume["score"]) == ("persistent-volume", 1.0)
    assert (code["value"], code["score"]) == ("application-code", 0)
    assert body["held"]["message"] == (
        f"Left open: this long ticket names “{volume['label']}” only in passing (one or two "
        "plain words, or words in pasted logs or commands), too little to decide on; "
        f"the ticket as a whole reads likelier to be about “{code['label']}”. Pick what the "
        "ticket is really about."
    )
    assert code["why"][-1] == (
        "no word names it, but the ticket as a whole reads likelier to be about this one "
        f"than about {volume['label']}"
    )
    korean = suggest(client, {"text": THIN_VOLUME, "lang": "ko"}).json()
    assert "지나가듯 언급할 뿐이어서" in korean["held"]["message"]
    assert korean["candidates"][1]["why"][-1].startswith("일치한 단어는 없지만, 티켓 전체로는")
    # without the model the word alone answers it
    monkeypatch.setattr(vocabulary, "shipped", lambda: None)
    body = suggest(client, {"text": THIN_VOLUME}).json()
    assert (body["answers"]["component"], body["held"]) == ("persistent-volume", None)


# The upgrade settles the first questions; the customer's own istio is named beside it.
OUR_ISTIO = (
    "istio broken after moving AKS from 1.26 to 1.29\n\nSince the cluster upgrade our istio no"
    " longer routes traffic. It is still on 1.9 and minor versions cannot be skipped, so what"
    " now?"
)


def test_who_installed_the_failing_part_is_asked_when_the_ticket_names_the_customers_software(
    client,
):
    body = suggest(client, {"text": OUR_ISTIO}).json()
    assert body["outcome"]["verdict"] is None
    assert body["answers"] == {"component": "kubernetes-version", "version_issue": "upgrade"}
    held = body["held"]
    assert (held["key"], held["rival"], held["reason"]) == (
        "installed_by",
        "customer-open-source",
        "named-software",
    )
    first = body["candidates"][0]
    assert held["message"] == (
        "Left open: the text names istio, which the customer may have installed themselves "
        f"(“{first['label']}”), so the part that fails is not assumed to be AKS's own. "
        "Check who installed it."
    )
    # every answer is listed with what it leads to, the one for the named software first
    assert [(c["value"], c["leads_to"]) for c in body["candidates"]] == [
        ("customer-open-source", ["unsupported"]),
        ("aks", ["supported"]),
        ("customer-ingress", ["unsupported"]),
        ("customer-closed-source", ["unsupported"]),
    ]
    korean = suggest(client, {"text": OUR_ISTIO, "lang": "ko"}).json()
    assert "AKS의 것으로 가정하지 않았습니다" in korean["held"]["message"]


# Our own words: KEDA named only as the project, never as the add-on.
OWN_KEDA_MAYBE = (
    "Since Tuesday every restart of keda-operator rewrites our ScaledJob objects, so the "
    "jobs roll out again."
)


def test_a_project_that_may_be_the_customers_copy_lists_the_add_on_and_their_open_source(
    client,
):
    # Unlike a question no word answers, the words matched here: the page lists the
    # matched add-on and the rival, not every answer of the first question.
    doc = page(client.post("/triage/suggest/", {"text": OWN_KEDA_MAYBE}))
    fieldset = doc.find_all("fieldset", class_="proposal-open")[0]
    assert "the text names keda" in squash(fieldset.text)
    assert not fieldset.find_all("ul", class_="candidates each-answer")
    listed = [i.attrs["value"] for i in fieldset.find_all("input") if i.attrs["type"] == "radio"]
    assert listed[:2] == ["managed-addon", "third-party-oss"]
    # the rival says why it is listed, not only that it matched fewer words
    assert "may be the customer's own copy rather than" in squash(fieldset.text)
    body = suggest(client, {"text": OWN_KEDA_MAYBE}).json()
    assert (body["held"]["rival"], body["held"]["reason"]) == ("third-party-oss", "named-software")
    korean = page(client.post("/triage/suggest/?lang=ko", {"text": OWN_KEDA_MAYBE}))
    assert "고객이 직접 설치한 것일 수 있음" in squash(korean.text)


def test_with_no_software_named_the_failing_part_is_assumed_to_be_aks_own(client):
    text = "Cluster upgrade from 1.28 to 1.30 failed halfway, nodes stuck on the old version."
    body = suggest(client, {"text": text}).json()
    assert body["held"] is None
    assert body["answers"]["installed_by"] == "aks"
    assert body["outcome"]["verdict"] == "supported"


def volume_or_kubelet_model() -> Learned:
    """Past tickets: a failing volume, or a kubelet that stops reporting."""
    return Learned.train(
        "component",
        [
            *FAILING_VOLUME,
            (words("node status unknown, heartbeats stop every night"), ("kubelet",)),
            (words("heartbeats stop and the node status goes unknown"), ("kubelet",)),
        ],
    )


# The words name the volume and, nearly as strongly, the kubelet; the report reads like past
# tickets about the kubelet. Either leads to a supported verdict.
NARROW_VOLUME_KUBELET = "The log mentions our persistent volume and the kubelet; the kubelet "
NARROW_VOLUME_KUBELET += "restarted once. " + (
    "Every night the heartbeats stop and the node status goes unknown; the heartbeats stop "
    "again and the status stays unknown for an hour. " * 3
)


def test_a_hold_between_two_answers_of_one_level_says_only_the_clause_differs(client, monkeypatch):
    monkeypatch.setattr(vocabulary, "shipped", volume_or_kubelet_model)
    monkeypatch.setattr(vocabulary, "shipped_levels", lambda: None)
    body = suggest(client, {"text": NARROW_VOLUME_KUBELET}).json()
    assert (body["held"]["rival"], body["held"]["reason"]) == ("kubelet", "unlike")
    volume, kubelet = body["candidates"][:2]
    assert (volume["leads_to"], kubelet["leads_to"]) == (["supported"], ["supported"])
    assert body["held"]["message"].endswith(
        "Pick what the ticket is really about. Either answer leads to “Supported”; only the "
        "clause cited differs."
    )
    korean = suggest(client, {"text": NARROW_VOLUME_KUBELET, "lang": "ko"}).json()
    assert korean["held"]["message"].endswith("인용하는 조항만 다릅니다.")
    doc = page(client.post("/triage/suggest/", {"text": NARROW_VOLUME_KUBELET}))
    assert "only the clause cited differs" in squash(doc.text)
    # a rival of another level says nothing of the kind
    monkeypatch.setattr(vocabulary, "shipped", volume_or_invoices_model)
    body = suggest(client, {"text": NARROW_VOLUME}).json()
    assert body["held"]["reason"] == "unlike"
    assert "Either answer" not in body["held"]["message"]


def test_each_candidate_on_the_page_says_which_level_it_leads_to(client, monkeypatch):
    monkeypatch.setattr(vocabulary, "shipped", release_or_volume_model)
    doc = page(client.post("/triage/suggest/", {"text": READS_LIKE_RELEASE}))
    leads = {}
    for item in doc.find_all("fieldset", class_="proposal-open")[0].find_all("li"):
        shown = item.find_all("span", class_="leads-to")
        if shown:
            badge = next(
                e for e in shown[0].find_all("span") if "badge-small" in e.attrs.get("class", "")
            )
            value = item.find_all("input")[0].attrs["value"]
            leads[value] = (squash(shown[0].text), badge.attrs["class"].split())
    text, classes = leads["persistent-volume"]
    assert (text.startswith("leads to"), text.endswith("Supported")) == (True, True)
    assert "badge-supported" in classes
    text, classes = leads["application-code"]
    assert text.endswith("Unsupported")
    assert "badge-unsupported" in classes
    korean = page(client.post("/triage/suggest/?lang=ko", {"text": READS_LIKE_RELEASE}))
    assert squash(korean.find_all("span", class_="leads-to")[0].text).startswith("이 답이면 판정:")


# Our own words: pods cannot reach each other, and nothing says which CNI the cluster runs.
PODS_CANNOT_TALK = (
    "Since this morning pods on different nodes of our AKS cluster cannot reach each other; "
    "traffic between node pools times out. Nothing changed on our side. Please look at the "
    "cluster networking."
)


# An NSG, and nothing says on which subnet or NIC.
NSG_SOMEWHERE = "Our NSG rules on the AKS subnet block traffic since this morning."


def test_an_unanswered_question_lists_each_answer_and_its_level_on_the_page(client):
    doc = page(client.post("/triage/suggest/", {"text": NSG_SOMEWHERE}))
    fieldset = doc.find_all("fieldset", class_="proposal-open")[0]
    assert "What each answer leads to" in squash(fieldset.text)
    shown = {}
    for item in fieldset.find_all("ul", class_="candidates each-answer")[0].find_all("li"):
        value = item.find_all("input")[0].attrs["value"]
        badge = next(e for e in item.find_all("span") if "badge-small" in e.attrs.get("class", ""))
        shown[value] = [
            c for c in badge.attrs["class"].split() if c.startswith("badge-") and c != "badge-small"
        ]
    assert shown == {
        "custom-subnet": ["badge-supported"],
        "managed-subnet": ["badge-unsupported"],
        "node-nic": ["badge-unsupported"],
    }
    korean = page(client.post("/triage/suggest/?lang=ko", {"text": NSG_SOMEWHERE}))
    fieldset = korean.find_all("fieldset", class_="proposal-open")[0]
    assert "답마다 나머지 내용과 함께 나오는 판정" in squash(fieldset.text)
    assert len(fieldset.find_all("ul", class_="candidates each-answer")[0].find_all("input")) == 3


def test_the_api_gives_each_answer_of_an_unanswered_question_the_level_it_leads_to(client):
    body = suggest(client, {"text": NSG_SOMEWHERE}).json()
    assert body["outcome"]["verdict"] is None
    assert {item["value"]: item["leads_to"] for item in body["candidates"]} == {
        "custom-subnet": ["supported"],
        "managed-subnet": ["unsupported"],
        "node-nic": ["unsupported"],
    }


def batch_window_model() -> Learned:
    """Past tickets: a missed batch window is a cluster operation; node images and Helm
    charts as their words say."""
    return Learned.train(
        "component",
        [
            (
                words("the nightly batch window was missed, the report is late"),
                ("cluster-operation",),
            ),
            (
                words("our nightly batch window slipped, the report came late"),
                ("cluster-operation",),
            ),
            (words("node image upgrade fails"), ("node-image",)),
            (words("helm chart fails to install"), ("third-party-oss",)),
        ],
    )


# Our own words: the node image and a Helm chart tie; the rest reads like a cluster operation.
TIED_READS_OPERATION = (
    "The node image and our Helm chart both fail; the nightly batch window was missed again "
    "and the report is late."
)


def test_the_choice_the_ticket_reads_likeliest_is_listed_with_why_on_the_page_and_in_the_api(
    client, monkeypatch
):
    monkeypatch.setattr(vocabulary, "shipped", batch_window_model)
    doc = page(client.post("/triage/suggest/", {"text": TIED_READS_OPERATION}))
    items = doc.find_all("fieldset", class_="proposal-open")[0].find_all("li")
    values = [item.find_all("input")[0].attrs["value"] for item in items]
    assert values == ["node-image", "third-party-oss", "cluster-operation"]
    assert squash(items[2].find_all("span", class_="why-lost")[0].text) == (
        "no word names it; the ticket as a whole reads most like past tickets about this one"
    )
    body = suggest(client, {"text": TIED_READS_OPERATION}).json()
    third = body["candidates"][2]
    assert (third["value"], third["score"], third["leads_to"]) == (
        "cluster-operation",
        0,
        ["supported"],
    )
    korean = suggest(client, {"text": TIED_READS_OPERATION, "lang": "ko"}).json()
    assert korean["candidates"][2]["why"] == [
        "이를 가리키는 단어는 없음",
        "티켓 전체가 이쪽에 관한 지난 티켓들과 가장 비슷함",
    ]
    # without the model, the page lists what the words matched, and nothing else
    monkeypatch.setattr(vocabulary, "shipped", lambda: None)
    doc = page(client.post("/triage/suggest/", {"text": TIED_READS_OPERATION}))
    items = doc.find_all("fieldset", class_="proposal-open")[0].find_all("li")
    assert [item.find_all("input")[0].attrs["value"] for item in items] == [
        "node-image",
        "third-party-oss",
    ]


# Dapr's own issue form: the release the reporter runs, so their own copy of it.
THEIR_DAPR = (
    "Sidecar missing after the node pool scaled\n\n## What version of Dapr?\n\n1.13.2\n\n"
    "## Expected Behavior\nEvery annotated deployment comes back with its sidecar after we "
    "scale the AKS node pool down and up."
)


def test_an_add_on_the_customer_installed_themselves_lists_their_own_copy_beside_it(client):
    body = suggest(client, {"text": THEIR_DAPR}).json()
    assert body["outcome"]["verdict"] is None
    assert (body["held"]["rival"], body["held"]["reason"]) == ("managed-addon", "installed")
    addon, theirs = body["candidates"][:2]
    assert addon["value"] == "managed-addon"
    # no word names open source, but the text says they installed Dapr: listed second
    assert (theirs["value"], theirs["score"]) == ("third-party-oss", 0)
    assert theirs["why"] == [
        "no word names it",
        "dapr: the customer says they installed it; their own copy is this",
    ]
    korean = suggest(client, {"text": THEIR_DAPR, "lang": "ko"}).json()
    assert korean["candidates"][1]["why"][-1] == (
        "dapr: 고객이 직접 설치했다고 함. 고객 자신의 것이라면 이 선택지"
    )


def test_the_choice_for_their_own_copy_says_so_without_a_word_too():
    rivals = Rivals(Ranked("managed-addon", 2.0, ("keda",)), "Add-on")
    assert rivals.why(Ranked("third-party-oss", 0.0, (), (Note("theirs"),))) == [
        "no word names it",
        "the customer says they installed it; their own copy is this",
    ]
