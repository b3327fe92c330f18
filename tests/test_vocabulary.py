"""The parameter vocabulary is a public contract: every old value still resolves.

``tests/data/vocabulary-2026-11.json`` is the vocabulary before the tree was reshaped
around the ticket (its keys and values, frozen). Each old value, on every path of
the old tree, must still be accepted and lead to a verdict; where the reading did
not change, to the same level.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from supportscope.core.content import read_policy
from supportscope.core.engine import UNKNOWN, Level, Tree, build_tree, resolve
from supportscope.core.vocabulary import MERGED, RENAMED, Change, upgrade

ROOT = Path(__file__).resolve().parent.parent
OLD = json.loads((ROOT / "tests/data/vocabulary-2026-11.json").read_text())["vocabulary"]


@pytest.fixture(scope="module")
def tree() -> Tree:
    return build_tree(read_policy(ROOT / "policy_content").tree)


def _walk(tree: Tree, answers: dict[str, str]):
    """Every complete set of old answers, following the new tree through the upgrade."""
    current, _changes = upgrade(tree, answers)
    outcome = resolve(tree, current)
    if outcome.complete:
        yield answers, outcome
        return
    key = outcome.question.key
    values = OLD.get(key) or list(outcome.question.values)
    for value in values:
        if value == UNKNOWN:
            continue
        yield from _walk(tree, answers | {key: value})


def test_every_old_key_is_still_a_question(tree):
    assert set(OLD) <= set(tree.questions)


@pytest.mark.parametrize(("key", "value"), [(k, v) for k, vs in OLD.items() for v in vs])
def test_every_old_value_is_accepted_as_it_is_or_through_the_alias_map(tree, key, value):
    answers, changes = upgrade(tree, {key: value})
    question = tree.questions[key]
    assert answers[key] in question.allowed
    if value in RENAMED.get(key, {}):
        assert changes == (Change(key, value, RENAMED[key][value]),)
    elif value not in question.allowed:
        merged = MERGED[key][value]
        assert answers == merged
        assert changes == tuple(Change(k, value if k == key else "", v) for k, v in merged.items())


@pytest.mark.parametrize("component", OLD["component"])
def test_every_old_first_answer_still_reaches_a_cited_verdict(tree, component):
    paths = list(_walk(tree, {"component": component}))
    assert paths
    for answers, outcome in paths:
        assert outcome.result is not None, answers
        assert outcome.result.citations, answers


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ({"component": "kube-system-addon"}, {"component": "managed-addon"}),
        ({"component": "system-metadata"}, {"component": "aks-tags"}),
        (
            {"component": "api-server", "preview": "k8s-alpha"},
            {"component": "preview-feature", "preview": "k8s-alpha"},
        ),
        (
            {"component": "kubelet", "preview": "preview"},
            {"component": "preview-feature", "preview": "preview"},
        ),
    ],
)
def test_the_alias_map_rewrites_old_answers_into_todays(tree, old, new):
    assert upgrade(tree, old)[0] == new


@pytest.mark.parametrize(
    ("query", "level"),
    [
        ({"component": "kube-system-addon", "preview": "ga"}, Level.SUPPORTED),
        ({"component": "system-metadata"}, Level.UNSUPPORTED),
        ({"component": "api-server", "preview": "k8s-alpha"}, Level.UNSUPPORTED),
        ({"component": "etcd", "preview": "preview"}, Level.BEST_EFFORT),
        ({"component": "coredns", "preview": "k8s-beta"}, Level.SUPPORTED),
        ({"component": "kubelet", "ready_nodes": "yes", "preview": "ga"}, Level.SUPPORTED),
        ({"component": "no-ready-nodes", "not_ready_for": "under-30-days"}, Level.SUPPORTED),
        ({"component": "no-ready-nodes", "not_ready_for": "30-days-or-more"}, Level.UNSUPPORTED),
        ({"component": "aks-operations-advice", "preview": "ga"}, Level.SUPPORTED),
        ({"component": "kubernetes-howto"}, Level.UNSUPPORTED),
    ],
)
def test_old_links_keep_their_verdict(tree, query, level):
    answers, _changes = upgrade(tree, query)
    assert resolve(tree, answers).result.level is level


def test_an_old_kubelet_link_now_asks_whether_any_node_is_ready(tree):
    """The fact that tells a kubelet failure from a cluster with no Ready node was added
    since: the old link asks it, and each answer reaches a verdict."""
    answers, changes = upgrade(tree, {"component": "kubelet", "preview": "ga"})
    assert changes == ()
    assert resolve(tree, answers).question.key == "ready_nodes"


def test_a_merged_value_keeps_an_answer_the_link_gives_itself(tree):
    answers, changes = upgrade(tree, {"component": "no-ready-nodes", "stop_method": "az-aks-stop"})
    assert answers == {"component": "cluster-stop", "stop_method": "az-aks-stop"}
    assert changes == (Change("component", "no-ready-nodes", "cluster-stop"),)


def test_an_old_value_read_anew_drops_the_group_it_sat_in(tree):
    old = {"topic": "networking", "component": "kube-proxy", "cni": "kubenet", "preview": "preview"}
    answers, _changes = upgrade(tree, old)
    assert answers == {"component": "preview-feature", "cni": "kubenet", "preview": "preview"}
    assert resolve(tree, answers).result.level is Level.BEST_EFFORT


def test_an_old_networking_link_in_preview_that_never_said_its_cni_still_asks_it(tree):
    """The suggester assumes a CNI AKS manages where a ticket says nothing of it; an old
    link is not rewritten on that assumption: bring-your-own CNI is not for the release
    status to decide."""
    answers, changes = upgrade(tree, {"component": "kube-proxy", "preview": "preview"})
    assert changes == ()
    assert resolve(tree, answers).question.key == "cni"


def test_a_ga_release_status_is_left_alone_where_it_is_no_longer_asked(tree):
    answers, changes = upgrade(tree, {"component": "etcd", "preview": "ga"})
    assert changes == ()
    assert answers == {"component": "etcd", "preview": "ga"}


def test_a_value_that_an_admin_brings_back_is_not_rewritten(tree):
    data = read_policy(ROOT / "policy_content").tree
    component = next(q for q in data["questions"] if q["key"] == "component")
    component["choices"].append({"value": "system-metadata", "label": {"en": "x", "ko": "x"}})
    next(n for n in data["nodes"] if n["name"] == "component-changes")["next"][
        "system-metadata"
    ] = "restore-unsupported"
    revived = build_tree(data)
    assert upgrade(revived, {"component": "system-metadata"}) == (
        {"component": "system-metadata"},
        (),
    )


def test_bad_values_are_left_for_the_engine_to_refuse(tree):
    answers, changes = upgrade(tree, {"component": "etcd", "preview": "nonsense"})
    assert answers == {"component": "etcd", "preview": "nonsense"}
    assert changes == ()


def test_a_release_status_on_a_path_that_never_asked_it_is_left_alone(tree):
    old = {"component": "app-certificate", "preview": "preview"}
    assert upgrade(tree, old) == (old, ())
    byocni = {"component": "cluster-networking", "cni": "byocni", "preview": "k8s-alpha"}
    assert upgrade(tree, byocni) == (byocni, ())
