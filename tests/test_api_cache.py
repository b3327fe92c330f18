"""The verdict API renders each answer once per policy revision and language."""

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import translation

from supportscope.engine import resolve
from supportscope.policy import api
from supportscope.policy.models import Verdict
from supportscope.policy.presenters import answers_from_query, outcome_payload
from supportscope.policy.snapshot import get_snapshot
from supportscope.policy.store import record_revision

pytestmark = pytest.mark.django_db

URL = "/api/v1/verdict"
QUERIES = [
    {},
    {"component": "ingress"},
    {"component": "ingress", "ingress": "nginx"},
    {"component": "api-server", "preview": "preview"},
    {"component": "cve", "cve_fix_age": "unknown", "cve_source": "customer-image"},
    {"component": "cni-plugin", "cni": "unknown"},
]


def uncached(query, lang):
    snapshot = get_snapshot()
    outcome = resolve(snapshot.tree, answers_from_query(query, snapshot.tree))
    with translation.override(lang):
        payload = outcome_payload(snapshot, outcome, lang)
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False).encode()


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_cached_answer_is_byte_for_byte_the_freshly_built_one(client, query, lang):
    first = client.get(URL, {**query, "lang": lang})
    again = client.get(URL, {**query, "lang": lang})
    assert first.status_code == again.status_code == 200
    assert first["Content-Type"] == "application/json"
    assert first.content == again.content == uncached(query, lang)


def test_languages_are_cached_apart_whether_asked_by_parameter_or_header(client):
    query = {"component": "ingress", "ingress": "nginx"}
    english = client.get(URL, query).json()
    korean = client.get(URL, query, HTTP_ACCEPT_LANGUAGE="ko").json()
    assert english["rationale"] != korean["rationale"]
    assert client.get(URL, query).json() == english


def test_answers_deeper_than_an_unknown_are_part_of_what_is_cached(client):
    base = {"component": "cve", "cve_fix_age": "unknown"}
    managed = client.get(URL, {**base, "cve_source": "managed-component"}).json()
    customer = client.get(URL, {**base, "cve_source": "customer-image"}).json()
    assert managed["answers"] == customer["answers"]
    assert managed["depends_on"] != customer["depends_on"]


def test_a_new_policy_revision_is_answered_at_once(client):
    query = {"component": "ingress", "ingress": "nginx"}
    before = client.get(URL, query).json()
    with transaction.atomic():
        verdict = Verdict.objects.get(name="unmanaged-ingress-unsupported")
        verdict.rationale_en = "Rewritten by an admin."
        verdict.save()
        record_revision(None, "rewrite", [])
    after = client.get(URL, query).json()
    assert after["rationale"] == "Rewritten by an admin."
    assert after["policy_revision"] == before["policy_revision"] + 1


def test_the_cache_stays_bounded(client, monkeypatch):
    monkeypatch.setattr(api, "RENDERED_MAX", 3)
    for query in QUERIES:
        client.get(URL, query)
        assert len(api._rendered) <= 3
    # Still correct after the cache was emptied and refilled.
    assert client.get(URL, QUERIES[2]).content == uncached(QUERIES[2], "en")
