"""What the suggester works out once per ticket or per tree (supportscope.core.reading)."""

from __future__ import annotations

import copy
import json
import statistics

import pytest

from supportscope.core.engine import Level, Tree, build_tree
from supportscope.core.reading import Reading, reachable_levels
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
