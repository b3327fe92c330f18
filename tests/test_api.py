"""The verdict API's contract: shapes, errors, languages and cost."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client

from supportscope.policy.editing.live import live_records, publish_records
from supportscope.policy.editing.reshaping import retire_answer
from supportscope.policy.models import Verdict
from supportscope.policy.snapshot import get_snapshot
from supportscope.policy.store import record_revision

pytestmark = pytest.mark.django_db

URL = "/api/v1/verdict"


def get(client, query: str = "", **headers):
    return client.get(f"{URL}?{query}", **headers)


def test_complete_answers_get_the_verdict_with_citations(client):
    response = get(client, "component=ingress&ingress=nginx&preview=ga")
    assert response.status_code == 200
    body = response.json()
    assert body["complete"] is True
    assert body["verdict"] == "unsupported"
    assert body["answers"] == {"topic": "networking", "component": "ingress", "ingress": "nginx"}
    assert body["citations"][0] == {
        "section": "unsupported-scenarios",
        "clause": "unsupported-scenarios--unmanaged-ingress",
        "title": body["citations"][0]["title"],
        "url": "/policy/#unsupported-scenarios--unmanaged-ingress",
        "official_url": "https://learn.microsoft.com/azure/aks/support-policies#unsupported-scenarios",
        "quote": body["citations"][0]["quote"],
    }
    assert "nginx" in body["citations"][0]["quote"]
    assert "application routing" in body["make_supported"]
    assert body["rationale"]
    assert isinstance(body["policy_revision"], int)
    url = urlsplit(body["triage_url"])
    stamp = dict(parse_qsl(url.query))
    assert url.path == "/triage/"
    assert stamp.pop("topic") == "networking"
    assert stamp.pop("component") == "ingress"
    assert stamp.pop("ingress") == "nginx"
    assert stamp == {
        "rev": str(body["policy_revision"]),
        "was": "unsupported",
        "fp": get_snapshot().fingerprint,
        "res": stamp["res"],
    }
    assert len(stamp["res"]) == 8


def test_a_supported_verdict_has_no_make_supported_advice(client):
    body = get(client, "component=api-server&preview=ga").json()
    assert body["verdict"] == "supported"
    assert body["make_supported"] is None


def test_missing_answers_get_the_next_question(client):
    body = get(client, "component=ingress").json()
    assert body["complete"] is False
    assert body["verdict"] is None
    question = body["next_question"]
    assert question["key"] == "ingress"
    values = [choice["value"] for choice in question["choices"]]
    assert values == [
        *("app-routing", "agic", "istio-addon-gateway"),
        *("nginx", "kong", "traefik", "other", "unknown"),
    ]
    assert all(choice["label"] for choice in question["choices"])


def test_no_answers_ask_for_the_group_then_the_component_in_it(client):
    body = get(client).json()
    assert body["next_question"]["key"] == "topic"
    topic = get_snapshot().tree.questions["topic"]
    assert len(body["next_question"]["choices"]) == len(topic.choices) == 7
    networking = get(client, "topic=networking").json()["next_question"]
    assert networking["key"] == "component"
    assert [c["value"] for c in networking["choices"]] == [
        c.value
        for c in get_snapshot().tree.questions["component"].choices
        if c.group == "networking"
    ]


def test_a_component_from_another_group_is_read_in_its_own_group_and_says_so(client):
    body = get(client, "topic=networking&component=etcd").json()
    assert body["answers"] == {"topic": "control-plane", "component": "etcd"}
    assert body["verdict"] == "supported"
    assert body["notices"] == [
        {"kind": "renamed", "key": "topic", "value": "networking", "now": "control-plane"}
    ]


@pytest.mark.parametrize(
    ("query", "field", "value"),
    [
        ("component=bogus", "component", "bogus"),
        ("component=ingress&ingress=haproxy", "ingress", "haproxy"),
        ("component=app-certificate&cni=flannel", "cni", "flannel"),
        ("component=api-server&lang=fr", "lang", "fr"),
        ("component=api-server&component=etcd", "component", "api-server,etcd"),
    ],
)
def test_a_bad_value_gets_400_naming_it_and_the_allowed_values(client, query, field, value):
    response = get(client, query)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"error", "field", "value", "allowed", "message"}
    assert (body["field"], body["value"]) == (field, value)
    assert body["allowed"]
    assert value in body["message"]
    assert body["allowed"][0] in body["message"]


def test_unknown_keys_are_ignored(client):
    body = get(client, "component=restore&ticket=12345").json()
    assert body["verdict"] == "unsupported"


def test_a_don_t_know_answer_shows_the_verdict_for_each_value(client):
    body = get(client, "component=cluster-networking&appliance=none&cni=unknown&preview=ga").json()
    assert body["complete"] is True
    assert body["verdict"] is None
    depends = body["depends_on"]
    assert depends["key"] == "cni"
    verdicts = {branch["value"]: branch["verdict"] for branch in depends["branches"]}
    assert verdicts["byocni"] == "unsupported"
    assert verdicts["azure-cni"] == "supported"
    assert all(branch["citations"] for branch in depends["branches"])


def test_lang_parameter_gives_korean_text(client):
    body = get(client, "component=ingress&ingress=nginx&lang=ko").json()
    assert re.search("[가-힣]", body["rationale"])
    assert re.search("[가-힣]", body["citations"][0]["title"])


def test_accept_language_gives_korean_text(client):
    body = get(client, "component=ingress", HTTP_ACCEPT_LANGUAGE="ko-KR,ko;q=0.9").json()
    assert re.search("[가-힣]", body["next_question"]["text"])


def test_english_is_the_default(client):
    body = get(client, "component=ingress").json()
    assert body["next_question"]["text"] == "Which ingress controller is involved?"


def test_a_warm_request_costs_at_most_one_query(client, django_assert_max_num_queries):
    get(client, "component=api-server&preview=ga")
    with django_assert_max_num_queries(1):
        assert get(client, "component=api-server&preview=ga").status_code == 200


def test_a_saved_change_is_served_at_once(client):
    before = get(client, "component=app-certificate&cert_problem=certificate").json()
    verdict = Verdict.objects.get(name="app-certificate-unsupported")
    verdict.rationale_en = "Certificates are yours."
    verdict.save()
    record_revision(None, "test edit", [])
    after = get(client, "component=app-certificate&cert_problem=certificate").json()
    assert after["policy_revision"] == before["policy_revision"] + 1
    assert after["rationale"] == "Certificates are yours."


def test_post_is_not_allowed(client):
    assert client.post(URL).status_code == 405


GET_ONLY = (URL, "/api/v1/openapi.json")


@pytest.mark.parametrize("path", GET_ONLY)
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "QUERY", "OPTIONS"])
def test_other_methods_get_405_in_the_json_error_shape_with_allow_never_a_csrf_page(path, method):
    # A real browser's or tool's request: CSRF checks on, no token, no cookie.
    client = Client(enforce_csrf_checks=True)
    response = client.generic(method, path, "{}", content_type="application/json")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response["Allow"] == "GET, HEAD"
    assert response.json() == {
        "error": "method_not_allowed",
        "field": "method",
        "value": method,
        "allowed": ["GET", "HEAD"],
        "message": f"{method!r} is not allowed here. Allowed methods: GET, HEAD.",
    }


@pytest.mark.parametrize("method", ["GET", "HEAD", "PUT", "DELETE", "QUERY"])
def test_suggest_answers_other_methods_with_405_and_allow_post(method):
    response = Client(enforce_csrf_checks=True).generic(method, "/api/v1/suggest")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    if method != "HEAD":
        assert response.json()["allowed"] == ["POST"]


def test_the_openapi_document_declares_the_405_of_every_operation(client):
    doc = client.get("/api/v1/openapi.json").json()
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            answer = operation["responses"]["405"]
            schema = answer["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Error"}, (path, method)
            assert "Allow" in answer["headers"], (path, method)
    assert set(doc["paths"]) == {"/api/v1/verdict", "/api/v1/suggest", "/api/v1/openapi.json"}


def test_openapi_document_describes_every_parameter_and_value(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    params = {
        p["name"]: p["schema"]["enum"] for p in doc["paths"]["/api/v1/verdict"]["get"]["parameters"]
    }
    assert "nginx" in params["ingress"]
    assert params["preview"] == ["ga", "preview", "k8s-beta", "k8s-alpha", "unknown"]
    assert "unknown" not in params["component"]
    assert params["lang"] == ["en", "ko"]
    assert set(doc["components"]["schemas"]) == {
        "Citation",
        "Outcome",
        "Error",
        "Ticket",
        "Suggestion",
        "RankedChoice",
    }
    suggest = doc["paths"]["/api/v1/suggest"]["post"]
    assert set(suggest["requestBody"]["content"]) == {
        "application/json",
        "application/x-www-form-urlencoded",
    }
    assert set(suggest["responses"]) == {"200", "400", "405"}


def test_every_cited_clause_url_exists_on_the_policy_page(client):
    page = client.get("/policy/").content.decode()
    for verdict in Verdict.objects.all():
        for citation in verdict.citations.select_related("clause__section"):
            assert f'id="{citation.clause.anchor}"' in page


def test_an_old_value_is_read_under_its_new_name_and_says_so(client):
    body = get(client, "component=system-metadata").json()
    assert body["answers"] == {"topic": "changes", "component": "aks-tags"}
    assert body["verdict"] == "unsupported"
    assert body["notices"] == [
        {"kind": "renamed", "key": "component", "value": "system-metadata", "now": "aks-tags"}
    ]


def test_a_retired_answer_is_dropped_with_a_notice_and_its_question_asked_again(client):
    live = live_records()
    retired = retire_answer(live, question="oss", value="helm")
    publish_records(
        retired, user=None, summary="retire helm", expected_live=live, needs_confirmation=False
    )
    response = get(client, "component=third-party-oss&oss=helm&lang=ko")
    assert response.status_code == 200
    body = response.json()
    assert body["complete"] is False
    assert body["next_question"]["key"] == "oss"
    (notice,) = body["notices"]
    assert (notice["kind"], notice["key"], notice["value"]) == ("retired", "oss", "helm")
    assert notice["label"]


def test_answers_read_as_sent_carry_no_notice(client):
    assert get(client, "component=ingress&ingress=nginx").json()["notices"] == []


def test_suggest_says_why_a_candidate_lost_in_the_requested_language(client):
    text = (
        "Sysbox pods restart every few minutes\n\n"
        "Last month we deployed Sysbox as a DaemonSet to run Docker builds.\n"
        "Since Monday its pods restart on every node of the build pool.\n"
    )
    body = {"text": text, "lang": "en"}
    response = client.post("/api/v1/suggest", body, content_type="application/json")
    data = response.json()
    assert data["answers"]["component"] == "third-party-oss"
    assert "sysbox: installed by the customer (DaemonSet)" in data["why"]["component"]
    lost = data["alternatives"]["component"]
    assert lost
    assert all(item["why"] for item in lost)
    korean = client.post(
        "/api/v1/suggest", {**body, "lang": "ko"}, content_type="application/json"
    ).json()
    assert korean["why"]["component"] != data["why"]["component"]
