"""The first step: a few groups, then the choice, then the fact that decides the level.

The fidelity audit of 2026-12-04 found eleven pairs of first-step choices that one ticket
fits both of, with different levels. Each pair is now either merged into one choice that
asks the deciding fact, or each side asks that fact, so that the same facts reach the
same level whichever choice the engineer took. Tests assert levels and answers, not HTML.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from supportscope.core.content import read_policy
from supportscope.core.engine import Level, Tree, build_tree, resolve
from supportscope.core.vocabulary import suggest_answers, upgrade

ROOT = Path(__file__).resolve().parent.parent
MAX_FIRST_CHOICES = 10


@pytest.fixture(scope="module")
def tree() -> Tree:
    return build_tree(read_policy(ROOT / "policy_content").tree)


def level(tree: Tree, answers: dict[str, str]) -> Level:
    outcome = resolve(tree, upgrade(tree, answers)[0])
    assert outcome.result is not None, (answers, outcome.question and outcome.question.key)
    return outcome.result.level


def asked(tree: Tree, answers: dict[str, str]) -> list[str]:
    return [key for key, _value in resolve(tree, upgrade(tree, answers)[0]).answers]


def test_the_first_question_offers_at_most_ten_choices(tree):
    first = tree.asked_at(tree.nodes[tree.start])
    assert first.key == "topic"
    assert 2 <= len(first.choices) <= MAX_FIRST_CHOICES


def test_every_group_offers_at_most_ten_choices_and_each_choice_sits_in_one_group(tree):
    start = tree.nodes[tree.start]
    seen: list[str] = []
    for name in start.next.values():
        offered = tree.asked_at(tree.nodes[name])
        assert offered.key == "component"
        assert len(offered.choices) <= MAX_FIRST_CHOICES, name
        seen += offered.values
    assert sorted(seen) == sorted(tree.questions["component"].values)
    assert len(seen) == len(set(seen))


def test_each_group_is_read_from_the_choice_it_offers(tree):
    for name in tree.nodes[tree.start].next.values():
        for value in tree.nodes[name].next:
            used = dict(resolve(tree, {"component": value}).answers)
            assert tree.nodes[tree.start].next[used["topic"]] == name


# Each audit pair: the answers that take each side for the same facts, and the question
# that now carries the fact which decides the level.
PAIRS = [
    pytest.param(
        {"component": "kubernetes-howto"},
        {"component": "how-to", "howto_about": "kubernetes"},
        "howto_about",
        Level.UNSUPPORTED,
        id="1-howto-vs-advice-how-to-use-kubernetes",
    ),
    pytest.param(
        {"component": "aks-operations-advice", "preview": "ga"},
        {"component": "how-to", "howto_about": "aks", "preview": "ga"},
        "howto_about",
        Level.SUPPORTED,
        id="1-howto-vs-advice-aks-itself",
    ),
    pytest.param(
        {"component": "how-to", "howto_about": "tool"},
        {"component": "third-party-oss", "oss": "helm", "preview": "ga"},
        "howto_about",
        None,  # the level of Helm itself is the fidelity fix's; both sides must agree
        id="2-howto-vs-helm",
    ),
    pytest.param(
        {"component": "security-flaw", "cve_fix_age": "under-30-days"},
        {"component": "cve", "cve_fix_age": "under-30-days", "cve_source": "managed-component"},
        "cve_fix_age",
        Level.UNSUPPORTED,
        id="3-cve-vs-security-flaw-fix-under-30-days",
    ),
    pytest.param(
        {"component": "security-flaw"},
        {"component": "cve", "cve_fix_age": "advisory"},
        "cve_fix_age",
        Level.SUPPORTED,
        id="3-cve-vs-security-flaw-an-advisory",
    ),
    pytest.param(
        {"component": "cluster-stop", "stop_method": "manual-deallocation"},
        {"component": "no-ready-nodes", "stop_method": "manual-deallocation"},
        "stop_method",
        Level.UNSUPPORTED,
        id="4-manual-deallocation-vs-no-ready-nodes",
    ),
    pytest.param(
        {
            "component": "kubelet",
            "ready_nodes": "no",
            "stop_method": "not-stopped",
            "not_ready_for": "30-days-or-more",
        },
        {"component": "no-ready-nodes", "not_ready_for": "30-days-or-more"},
        "ready_nodes",
        Level.UNSUPPORTED,
        id="5-kubelet-vs-no-ready-nodes",
    ),
    pytest.param(
        {"component": "cluster-networking", "appliance": "third-party"},
        {"component": "egress-appliance", "appliance": "third-party"},
        "appliance",
        Level.UNSUPPORTED,
        id="6-egress-appliance-vs-cluster-networking",
    ),
    pytest.param(
        {"component": "upstream-bug", "installed_by": "customer-ingress"},
        {"component": "ingress", "ingress": "nginx"},
        "installed_by",
        Level.UNSUPPORTED,
        id="7-upstream-bug-vs-self-managed-ingress",
    ),
    pytest.param(
        {"component": "app-certificate", "cert_problem": "managed-ingress", "preview": "ga"},
        {"component": "ingress", "ingress": "app-routing", "preview": "ga"},
        "cert_problem",
        Level.SUPPORTED,
        id="8-app-certificate-vs-managed-ingress",
    ),
    pytest.param(
        {
            "component": "kubernetes-version",
            "version_issue": "upgrade",
            "installed_by": "customer-ingress",
        },
        {"component": "ingress", "ingress": "nginx"},
        "installed_by",
        Level.UNSUPPORTED,
        id="9-kubernetes-version-vs-self-managed-ingress",
    ),
    pytest.param(
        {"component": "node-login", "change_directed": "yes"},
        {"component": "node-iaas-change", "change_directed": "yes"},
        "change_directed",
        Level.SUPPORTED,
        id="10-node-login-vs-support-directed-change",
    ),
    pytest.param(
        {"component": "node-login", "change_directed": "no"},
        {"component": "node-iaas-change", "change_directed": "no"},
        "change_directed",
        Level.UNSUPPORTED,
        id="10-node-login-the-customers-own-change",
    ),
    pytest.param(
        {"component": "cluster-networking", "appliance": "none", "cni": "byocni"},
        {"component": "network-policy", "netpol": "managed", "cni": "byocni"},
        "cni",
        Level.UNSUPPORTED,
        id="11-dns-resolution-under-byocni-is-networking",
    ),
]


def test_coredns_is_the_dns_service_and_sends_name_resolution_to_networking(tree):
    """Pair 11: the DNS pods failing is CoreDNS (whatever the CNI); pods getting no
    answers is DNS resolution, a networking issue, which asks the CNI (BYOCNI: no)."""
    coredns = tree.questions["component"].choice("coredns")
    networking = tree.questions["component"].choice("cluster-networking")
    assert coredns is not None
    assert networking is not None
    assert "Cluster networking" in coredns.description["en"]
    assert "DNS resolution" in networking.description["en"]
    after = resolve(tree, {"component": "cluster-networking", "appliance": "none"})
    assert after.question is not None
    assert after.question.key == "cni"


@pytest.mark.parametrize(("one", "other", "fact", "expected"), PAIRS)
def test_an_overlapping_pair_asks_the_deciding_fact_and_agrees(tree, one, other, fact, expected):
    assert fact in asked(tree, one) or fact in asked(tree, other)
    assert level(tree, one) is level(tree, other)
    if expected is not None:
        assert level(tree, one) is expected


@pytest.mark.parametrize(
    ("choice", "fact", "levels"),
    [
        ("how-to", "howto_about", {Level.SUPPORTED, Level.UNSUPPORTED}),
        ("cve", "cve_fix_age", {Level.SUPPORTED, Level.UNSUPPORTED}),
        ("cluster-stop", "stop_method", {Level.SUPPORTED, Level.UNSUPPORTED}),
        ("kubelet", "ready_nodes", {Level.SUPPORTED, Level.UNSUPPORTED}),
        ("cluster-networking", "appliance", {Level.SUPPORTED, Level.UNSUPPORTED}),
        ("upstream-bug", "installed_by", {Level.SUPPORTED, Level.UNSUPPORTED}),
        ("kubernetes-version", "version_issue", {Level.SUPPORTED, Level.UNSUPPORTED}),
        ("node-login", "change_directed", {Level.SUPPORTED, Level.UNSUPPORTED}),
        ("node-iaas-change", "change_directed", {Level.SUPPORTED, Level.UNSUPPORTED}),
        ("app-certificate", "cert_problem", {Level.SUPPORTED, Level.UNSUPPORTED}),
    ],
)
def test_the_deciding_fact_is_asked_right_after_the_choice_and_changes_the_level(
    tree, choice, fact, levels
):
    outcome = resolve(tree, {"component": choice})
    assert outcome.question is not None
    assert outcome.question.key == fact
    reached: set[Level] = set()

    def walk(answers: dict[str, str]) -> None:
        found = resolve(tree, answers)
        if found.question is None:
            assert found.result is not None
            reached.add(found.result.level)
            return
        for value in found.question.values:
            walk({**answers, found.question.key: value})

    walk({"component": choice})
    assert levels <= reached


# The audit's tickets (Appendix B), each in English and in Korean as an engineer would
# paste it: the same facts reach the same level in both languages, the one the policy gives.
TICKETS = [
    (
        "How do we safely drain and cordon nodes before maintenance on our AKS cluster?",
        "노드 유지보수 전에 드레인과 코든을 안전하게 하는 절차를 알려주세요.",
        Level.SUPPORTED,
    ),
    (
        "We deallocated all node VMs in the portal two weeks ago; no Ready nodes.",
        "2주 전에 포털에서 노드 VM을 전부 할당 해제했고 Ready 노드가 없습니다.",
        Level.UNSUPPORTED,
    ),
    (
        "All nodes NotReady for 5 weeks, kubelet stopped posting status, no VM running.",
        "5주째 모든 노드가 NotReady이고 kubelet 상태 보고도 없으며 실행 중인 VM이 없습니다.",
        Level.UNSUPPORTED,
    ),
    (
        "Pods on our Azure CNI cluster can't reach the internet through our Fortinet NVA via UDR.",
        "Azure CNI 클러스터의 파드가 UDR로 연결한 Fortinet NVA를 거쳐 인터넷에 나가지 못합니다.",
        Level.UNSUPPORTED,
    ),
    (
        "Self-installed ingress-nginx fails after the 1.29 upgrade; root cause is an upstream "
        "Kubernetes bug.",
        "직접 설치한 ingress-nginx가 1.29 업그레이드 후 동작하지 않습니다. 원인은 업스트림 "
        "Kubernetes 버그입니다.",
        Level.UNSUPPORTED,
    ),
    (
        "The application routing add-on does not pick up the renewed Key Vault certificate "
        "for our app.",
        "애플리케이션 라우팅 추가 기능이 갱신된 Key Vault 인증서를 가져오지 않습니다.",
        Level.SUPPORTED,
    ),
    (
        "After upgrading to 1.30 our ingress-nginx stopped routing.",
        "1.30으로 업그레이드한 뒤 ingress-nginx가 라우팅을 하지 않습니다.",
        Level.UNSUPPORTED,
    ),
    (
        "DNS resolution fails in pods on our BYOCNI cluster with Calico.",
        "Calico를 쓰는 BYOCNI 클러스터의 파드에서 DNS 이름 확인이 실패합니다.",
        Level.UNSUPPORTED,
    ),
]


@pytest.mark.parametrize(("english", "korean", "expected"), TICKETS)
def test_the_same_ticket_gets_the_same_level_in_english_and_korean(tree, english, korean, expected):
    levels = []
    for text in (english, korean):
        found = suggest_answers(tree, text)
        outcome = resolve(tree, found.answers)
        assert outcome.result is not None, (text, found)
        levels.append(outcome.result.level)
    assert levels == [expected, expected]
