"""What the suggester works out once per ticket or per tree (supportscope.core.reading)."""

from __future__ import annotations

import copy
import json
import re
import statistics

import pytest

from supportscope.core.engine import Level, Tree, build_tree
from supportscope.core.ranking import Note, Ranked
from supportscope.core.reading import Reading, reachable_levels, with_own_copies
from supportscope.core.textindex import TextIndex
from supportscope.core.tickettext import normalize_ticket
from tests.accuracy import TWINS, shipped_tree
from tests.test_engine import BASE, CLAUSES


def test_the_levels_a_set_of_answers_can_reach_are_every_leafs_below_it():
    tree = build_tree(BASE, revision=1, clauses=CLAUSES)
    assert reachable_levels(tree, {}) == {Level.SUPPORTED, Level.UNSUPPORTED, Level.BEST_EFFORT}
    assert reachable_levels(tree, {"kind": "net"}) == {
        Level.SUPPORTED,
        Level.UNSUPPORTED,
        Level.BEST_EFFORT,
    }
    assert reachable_levels(tree, {"kind": "custom"}) == {Level.UNSUPPORTED}
    assert reachable_levels(tree, {"kind": "net", "cni": "azure", "status": "ga"}) == {
        Level.SUPPORTED
    }


def test_levels_kept_for_one_tree_are_never_given_for_another():
    # The same answers on a tree whose verdict changed (an admin's edit compiles a new
    # tree): the levels are worked out again, not taken from the first tree.
    first = build_tree(BASE, revision=1, clauses=CLAUSES)
    assert reachable_levels(first, {"kind": "custom"}) == {Level.UNSUPPORTED}
    edited = copy.deepcopy(BASE)
    next(v for v in edited["verdicts"] if v["name"] == "no")["level"] = "best_effort"
    second = build_tree(edited, revision=2, clauses=CLAUSES)
    assert reachable_levels(second, {"kind": "custom"}) == {Level.BEST_EFFORT}
    assert reachable_levels(first, {"kind": "custom"}) == {Level.UNSUPPORTED}


@pytest.fixture(scope="module")
def tree() -> Tree:
    return shipped_tree()


def _size(tree: Tree, text: str) -> float:
    read = normalize_ticket(text)
    return Reading(tree, read, (), {}, None, TextIndex.of(read)).size


def test_a_korean_ticket_is_about_as_long_as_its_english_twin(tree):
    # the doubts of long tickets count a ticket's length so (doubts.CAUTIOUS_TEXT): in
    # characters, the Korean of the same facts is far shorter than the English
    probes = json.loads(TWINS.read_text(encoding="utf-8"))["probes"]
    chars = statistics.median(
        len(normalize_ticket(p["en"]).haystack) / len(normalize_ticket(p["ko"]).haystack)
        for p in probes
    )
    sized = statistics.median(_size(tree, p["en"]) / _size(tree, p["ko"]) for p in probes)
    assert chars > 1.3
    assert abs(sized - 1) < (chars - 1) / 2  # at least half the gap closed


def test_latin_text_is_as_long_as_its_characters(tree):
    text = "The node pool upgrade fails with OperationNotAllowed."
    assert _size(tree, text) == len(normalize_ticket(text).haystack)


COPIES = {"agic": ("other", re.compile(r"\badd ?ons?\b"))}


def _ingress_ranked(note: Note) -> tuple[Ranked, ...]:
    return (
        Ranked("agic", 3.0, ("agic",), (note,)),
        Ranked("nginx", 1.0, ("nginx",)),
        Ranked("other", 0.0, ()),
    )


def test_a_managed_choice_the_customer_put_up_with_helm_counts_for_their_own_copy():
    helm = Note("runs", "application gateway ingress controller", "helm")
    ranked = with_own_copies(_ingress_ranked(helm), COPIES, "we run agic from its helm chart")
    assert [(item.value, item.score) for item in ranked] == [
        ("other", 3.0),
        ("nginx", 1.0),
        ("agic", 0.0),
    ]
    assert ranked[0].matched == ("agic",)
    assert helm in ranked[0].notes


@pytest.mark.parametrize(
    ("note", "text"),
    [
        # the text also says the add-on is meant
        (Note("installed", "agic", "helm"), "we installed agic with helm, then the add on"),
        # installed, but not in a way only a customer's copy is put up
        (Note("installed", "agic", "installed"), "we installed agic last week"),
        # only found in pasted lines: nothing said of how it came
        (Note("pasted", "agic"), "ingress appgw deployment agic"),
    ],
)
def test_a_managed_choice_stays_where_the_text_does_not_say_the_customer_put_it_up(note, text):
    ranked = _ingress_ranked(note)
    assert with_own_copies(ranked, COPIES, text) == ranked


def test_a_tree_without_the_choice_for_their_own_copy_keeps_the_ranking_as_it_is():
    helm = Note("runs", "agic", "helm")
    ranked = _ingress_ranked(helm)[:2]  # an admin took "other" out of the question
    assert with_own_copies(ranked, COPIES, "we run agic from its helm chart") == ranked


def test_an_install_said_of_the_words_for_their_copy_moves_the_managed_choice_too():
    # "AGIC 를 helm 으로 설치": the longer term of their copy ("agic helm") took the install
    ranked = (
        Ranked("agic", 1.5, ("application gateway",)),
        Ranked("other", 1.5, ("agic helm",), (Note("installed", "agic", "helm"),)),
    )
    moved = with_own_copies(ranked, COPIES, "agic를 helm으로 설치해서 운영합니다")
    assert [(item.value, item.score) for item in moved] == [("other", 3.0), ("agic", 0.0)]
    assert moved[0].notes == (Note("installed", "agic", "helm"),)
