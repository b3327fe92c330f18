"""The filter box on the first step: engineers' words, product names and unfinished
words find the likeliest first-step choice of the shipped tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportscope.core.content import read_policy
from supportscope.core.engine import Tree, build_tree
from supportscope.core.stepfilter import filter_choices

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tree() -> Tree:
    return build_tree(read_policy(ROOT / "policy_content").tree)


@pytest.mark.parametrize(
    "word",
    [
        "인그레스",
        "로드밸런서",
        "애드온",
        "취약점",
        "미리 보기",
        "구독",
        "Kong",
        "Traefik",
        "Calico",
        "Istio",
        "service mesh",
        "cert-manager",
        "Let's Encrypt",
        "Terraform",
        "sysctl",
        "scheduler",
        "스케줄러",
        "feature gate",
        "subscription",
        "Firewall",
        "ContainerCreating",
        "NotReady",
    ],
)
def test_engineers_words_find_a_first_step_choice(tree, word):
    assert filter_choices(tree, word)[0].score > 0, word


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("NotReady", "kubelet"),
        ("ingr", "ingress"),
        ("인그", "ingress"),
        ("nginx", "ingress"),
        ("BYOCNI", "cni-plugin"),  # a weak term of the CNI plugin since 2026-12-06
        ("application routing", "ingress"),
    ],
)
def test_the_filter_ranks_the_likeliest_first_step_first(tree, query, first):
    assert filter_choices(tree, query)[0].value == first


def test_unfinished_words_count_once_however_many_terms_they_start(tree):
    ranked = {item.value: item for item in filter_choices(tree, "notrea")}
    assert ranked["cluster-stop"].score <= 1.0
