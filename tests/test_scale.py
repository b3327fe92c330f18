"""Correctness on a synthetic tree of 10,000 questions and 10,000 verdicts.

Timings are the benchmark's business (``make bench``); these tests check that the
big tree is validated, resolved and stored correctly.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.synthetic import CLAUSES, MODIFIER, expected, make_tree, store_tree
from supportscope.core.engine import UNKNOWN, Level, TreeError, build_tree, resolve
from supportscope.policy.models import ChoiceGroup, Modifier, Node, Question, Verdict
from supportscope.policy.snapshot import compile_snapshot
from supportscope.policy.store import (
    current_revision,
    group_data,
    modifier_data,
    node_data,
    question_data,
    tree_data,
    verdict_data,
)

# Not traced by coverage (``untraced``): these run the same lines as the small trees'
# tests, ten thousand times over, and tracing made them five times slower.
pytestmark = pytest.mark.usefixtures("untraced")

QUESTIONS = VERDICTS = 10_000


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return make_tree(QUESTIONS, VERDICTS)


@pytest.fixture(scope="module")
def tree(data):
    return build_tree(data, clauses=CLAUSES)


@pytest.fixture(scope="module")
def paths(data):
    return list(expected(data))


def test_the_synthetic_tree_has_the_size_it_claims_and_validates(data, tree):
    assert len(tree.nodes) == QUESTIONS
    assert len(tree.questions) == QUESTIONS + 1  # and the release modifier
    assert len(tree.verdicts) == VERDICTS + 1  # and the preview overlay


def test_every_path_of_the_big_tree_reaches_its_verdict(tree, paths):
    assert len(paths) == 2 * QUESTIONS + 1
    reached = set()
    for answers, verdict in paths:
        outcome = resolve(tree, {**answers, MODIFIER: "ga"})
        assert outcome.result is not None, answers
        assert outcome.result.base.name == verdict
        assert outcome.result.level is tree.verdicts[verdict].level
        reached.add(verdict)
    assert len(reached) == VERDICTS


def test_the_release_modifier_is_asked_only_where_it_can_lower_the_verdict(tree, paths):
    for answers, verdict in paths:
        outcome = resolve(tree, answers)
        lowers = (
            MODIFIER in tree.verdicts[verdict].modifiers
            and tree.verdicts[verdict].level is Level.SUPPORTED
        )
        if lowers:
            assert outcome.question is not None
            assert outcome.question.key == MODIFIER
            preview = resolve(tree, {**answers, MODIFIER: "preview"}).result
            assert preview.level is Level.BEST_EFFORT
            assert preview.citations[0] == CLAUSES[0]  # the lowering overlay leads
        else:
            assert outcome.result is not None
            assert outcome.result.base.name == verdict


def test_an_unknown_answer_deep_in_the_big_tree_shows_every_branch(tree, paths):
    answers, _verdict = next(
        (answers, verdict)
        for answers, verdict in paths
        if len(answers) > 5 and tree.questions[list(answers)[-1]].allow_unknown
    )
    last = list(answers)[-1]
    outcome = resolve(tree, {**answers, last: UNKNOWN, MODIFIER: "ga"})
    assert outcome.depends_on.key == last
    assert [value for value, _branch in outcome.branches] == ["v0", "v1", "v2"]


def test_a_cycle_deep_in_the_big_tree_is_refused(data):
    broken = copy.deepcopy(data)
    broken["nodes"][-1]["next"]["v0"] = "n0"
    with pytest.raises(TreeError) as error:
        build_tree(broken, clauses=CLAUSES)
    assert any(problem.startswith("cycle through n0 -> ") for problem in error.value.problems)


def _as_stored(data: dict[str, Any]) -> dict[str, Any]:
    """The synthetic data as the database gives it back (empty help, no groups)."""
    stored = copy.deepcopy(data)
    for question in stored["questions"]:
        question["help"] = {"en": "", "ko": ""}
        for choice in question["choices"]:
            choice["description"] = {"en": "", "ko": ""}
    return stored


@pytest.mark.django_db
def test_the_big_tree_stored_in_the_database_compiles_to_the_same_tree(data, tree, paths):
    with CaptureQueriesContext(connection) as shipped:
        tree_data()
    store_tree(data)
    with CaptureQueriesContext(connection) as big:
        stored = tree_data()
    # Reading the tree costs the same number of queries whatever its size.
    assert len(big) == len(shipped)
    assert stored == _as_stored(data)
    snapshot = compile_snapshot(current_revision())
    assert snapshot.tree.nodes == tree.nodes
    assert snapshot.tree.verdicts == tree.verdicts
    for answers, verdict in paths[:: len(paths) // 500]:
        assert resolve(snapshot.tree, {**answers, MODIFIER: "ga"}).result.base.name == verdict


@pytest.mark.django_db
def test_the_bulk_tree_reader_agrees_with_the_per_row_readers_of_the_importer():
    stored = tree_data()
    assert stored["groups"] == [group_data(g) for g in ChoiceGroup.objects.order_by("order")]
    assert stored["questions"] == [question_data(q) for q in Question.objects.order_by("order")]
    assert stored["verdicts"] == [verdict_data(v) for v in Verdict.objects.order_by("order")]
    assert [node["name"] for node in stored["nodes"]] == [
        node.name for node in Node.objects.order_by("order")
    ]
    for node, row in zip(Node.objects.order_by("order"), stored["nodes"], strict=True):
        assert row == node_data(node)
        assert list(row["next"]) == _choice_values(node)
    assert stored["modifiers"] == [modifier_data(m) for m in Modifier.objects.all()]


def _choice_values(node: Node) -> list[str]:
    """The answers ``node`` routes, in its question's order (a node may offer part of
    its question's choices: ``component-<group>`` offers one group of ``component``)."""
    routed = set(node.edges.values_list("value", flat=True))
    return [c.value for c in node.question.choices.order_by("order") if c.value in routed]
