"""Reading the triage's query string, and writing links to it."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.test import override_settings

from supportscope.policy.querystring import (
    BadParameter,
    read_carry,
    read_params,
    suggest_url,
    triage_url,
)
from supportscope.policy.snapshot import get_snapshot

pytestmark = pytest.mark.django_db


def read(query: str):
    return read_params(QueryDict(query), get_snapshot(), "en")


def test_triage_url_keeps_order_and_leaves_out_an_empty_query():
    assert triage_url({}) == "/triage/"
    assert (
        triage_url({"component": "ingress"}, {"lang": "ko"}) == "/triage/?component=ingress&lang=ko"
    )


def test_suggest_url_carries_only_what_it_is_given():
    assert suggest_url({}) == "/triage/suggest/"
    assert suggest_url({"lang": "ko", "embed": "1"}) == "/triage/suggest/?lang=ko&embed=1"


def test_a_bad_answer_names_its_question_and_value_and_lists_every_allowed_choice():
    with pytest.raises(BadParameter) as caught:
        read("component=ingress&ingress=haproxy-deluxe")
    error = caught.value
    assert (error.key, error.value) == ("ingress", "haproxy-deluxe")
    allowed = [value for value, _label in error.allowed]
    assert allowed == list(get_snapshot().tree.questions["ingress"].allowed)
    assert "nginx" in allowed


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("fp=not-hex", "fp"),
        ("res=zz", "res"),
        ("rev=abc", "rev"),
        ("rev=999999", "rev"),
        ("was=great", "was"),
        ("lang=fr", "lang"),
        ("embed=yes", "embed"),
    ],
)
def test_a_bad_stamp_or_carried_value_is_refused_by_name(query, key):
    with pytest.raises(BadParameter) as caught:
        read(query)
    assert caught.value.key == key
    assert caught.value.allowed


def test_a_revision_from_another_instance_is_accepted_with_a_fingerprint():
    params = read("rev=999999&fp=0123456789ab")
    assert (params.rev, params.fp) == (999999, "0123456789ab")


def test_repeated_values_are_read_once_and_the_filter_words_are_trimmed():
    params = read("component=ingress&component=ingress&q=" + "  node   pool  ")
    assert params.answers == {"component": "ingress"}
    assert params.query == "node pool"


@override_settings(SUPPORTSCOPE_EMBED_ORIGINS=["https://tickets.example"])
def test_the_carried_parameters_keep_embed_on_only_and_an_allowed_host_origin():
    query = QueryDict("lang=ko&embed=0&parent_origin=https%3A%2F%2Ftickets.example&x=1")
    assert read_carry(query) == {"lang": "ko", "parent_origin": "https://tickets.example"}


@override_settings(SUPPORTSCOPE_EMBED_ORIGINS=["https://tickets.example"])
def test_a_lenient_read_of_the_carried_parameters_drops_a_bad_value_instead_of_refusing():
    query = QueryDict("lang=fr&embed=1&parent_origin=https%3A%2F%2Fevil.example")
    assert read_carry(query, strict=False) == {"embed": "1"}
    with pytest.raises(BadParameter) as caught:
        read_carry(query)
    assert caught.value.key == "lang"
