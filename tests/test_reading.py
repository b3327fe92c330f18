"""What the suggester works out once per ticket or per tree (supportscope.core.reading)."""

from __future__ import annotations

import copy

from supportscope.core.engine import Level, build_tree
from supportscope.core.reading import reachable_levels
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
