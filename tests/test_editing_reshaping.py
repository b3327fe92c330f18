"""The reshaping steps (``editing.reshaping``): whole changes of records, checked and published."""

from __future__ import annotations

import pytest

from supportscope.core.engine import InvalidAnswer, resolve
from supportscope.policy.editing.checks import check_records
from supportscope.policy.editing.live import live_records, publish_records
from supportscope.policy.editing.reshaping import (
    NewChoice,
    add_answer,
    add_follow_up,
    cite_clause,
    find,
    move_clause,
    retire_answer,
)
from supportscope.policy.integrity import EditRefused
from supportscope.policy.models import Choice, Clause, Edge, Verdict
from supportscope.policy.serial import Record, Records
from supportscope.policy.store import current_revision
from tests.records import INGRESS, follow_up, key_of, level

pytestmark = pytest.mark.django_db


def test_a_follow_up_question_changes_only_the_path_it_is_asked_on():
    live = live_records()
    reshaped = follow_up(live)
    assert level(reshaped, component="ingress", ingress="nginx", preview="ga",
                 **{"nginx-operator": "customer"}) == "unsupported"  # fmt: skip
    assert level(reshaped, component="ingress", ingress="kong", preview="ga") == level(
        live, component="ingress", ingress="kong", preview="ga"
    )
    tree = check_records(reshaped)
    asked = resolve(tree, {"component": "ingress", "ingress": "nginx"})
    assert asked.question is not None
    assert asked.question.key == "nginx-operator"


def test_a_follow_up_needs_an_existing_answer_and_a_new_key():
    live = live_records()
    with pytest.raises(EditRefused):
        add_follow_up(live, node="ingress", value="no-such", question={"key": "x"},
                              choices=[])  # fmt: skip
    with pytest.raises(EditRefused):
        add_follow_up(live, node="ingress", value="nginx",
                              question={"key": "ingress", "text_en": "", "text_ko": ""},
                              choices=[])  # fmt: skip


def test_retiring_an_answer_removes_its_routes_and_what_only_it_reached_in_one_step():
    live = live_records()
    retired = retire_answer(live, question="oss", value="helm")
    assert find(retired, "choice", "oss=helm") is None
    assert find(retired, "verdict", "oss-helm-best-effort") is None  # only helm led there
    assert find(retired, "retiredanswer", "oss=helm") is not None
    saved = publish_records(retired, user=None, summary="retire helm",
                                    expected_live=live, needs_confirmation=False)  # fmt: skip
    assert saved.revision == current_revision()
    assert not Choice.objects.filter(question__key="oss", value="helm").exists()
    assert not Edge.objects.filter(value="helm").exists()
    assert not Verdict.objects.filter(name="oss-helm-best-effort").exists()


def test_moving_a_clause_renumbers_its_section_without_duplicates():
    live = live_records()
    moved = move_clause(live, anchor=INGRESS, position=1)
    section = sorted(
        (r for k, r in moved.items() if k.startswith("clause:")
         and r["section"] == "unsupported-scenarios"),
        key=lambda r: r["order"],
    )  # fmt: skip
    assert section[0]["key"] == "unmanaged-ingress"
    assert [r["order"] for r in section] == list(range(1, len(section) + 1))
    publish_records(moved, user=None, summary="move", expected_live=live)
    first = Clause.objects.filter(section__slug="unsupported-scenarios").order_by("order").first()
    assert first.key == "unmanaged-ingress"


def test_a_clause_can_be_cited_by_chosen_verdicts():
    live = live_records()
    cited = cite_clause(live, anchor=INGRESS, verdicts=["oss-unsupported"])
    key = key_of(cited, "verdict", "oss-unsupported")
    assert cited[key]["citations"][-1] == INGRESS
    assert cite_clause(cited, anchor=INGRESS, verdicts=["oss-unsupported"]) == cited


def test_a_new_answer_is_routed_by_every_node_asking_its_question_and_revives_a_retired_value():
    live = live_records()
    retired = retire_answer(live, question="oss", value="helm")
    revived = add_answer(
        retired,
        question="oss",
        choice={"value": "helm", "label_en": "Helm chart", "label_ko": "Helm 차트"},
        verdict="oss-unsupported",
    )
    assert find(revived, "retiredanswer", "oss=helm") is None
    choice = revived[key_of(revived, "choice", "oss=helm")]
    assert (choice["description_en"], choice["group"]) == ("", None)
    asking = [r for k, r in revived.items() if k.startswith("node:") and r["question"] == "oss"]
    assert asking
    assert all(r["edges"]["helm"] == "oss-unsupported" for r in asking)
    check_records(revived)


PRIVATE_LINK = {
    "name": "private-link-supported",
    "level": "supported",
    "rationale_en": "Private Link to the API server is part of AKS networking.",
    "rationale_ko": "API 서버에 대한 Private Link는 AKS 네트워킹의 일부입니다.",
    "citations": ["supported-scenarios--networking"],
}


def _component_nodes(records: Records) -> dict[str, Record]:
    return {
        r["name"]: r
        for k, r in records.items()
        if k.startswith("node:") and r["question"] == "component"
    }


def test_a_new_grouped_answer_is_offered_under_its_own_topic_only():
    live = live_records()
    added = add_answer(
        live,
        question="component",
        choice={"value": "private-link", "label_en": "Private Link", "label_ko": "Private Link",
                "group": "networking"},
        new_verdict=PRIVATE_LINK,
    )  # fmt: skip
    nodes = _component_nodes(added)
    assert len(nodes) == 7  # one per topic
    assert [n for n, r in nodes.items() if "private-link" in r["edges"]] == ["component-networking"]
    assert nodes["component-networking"]["edges"]["private-link"] == "private-link-supported"
    assert added[key_of(added, "choice", "component=private-link")]["group"] == "networking"
    tree = check_records(added)
    assert [c.value for c in tree.asked_at(tree.nodes["component-networking"]).choices][-1] == (
        "private-link"
    )
    assert level(added, topic="networking", component="private-link") == "supported"
    assert level(added, component="private-link") == "supported"  # the topic is read from it
    with pytest.raises(InvalidAnswer):
        resolve(tree, {"topic": "addons", "component": "private-link"})
    publish_records(added, user=None, summary="private link", expected_live=live,
                    needs_confirmation=False)  # fmt: skip
    assert list(Edge.objects.filter(value="private-link").values_list("node__name", flat=True)) == [
        "component-networking"
    ]


def test_a_grouped_question_refuses_a_new_answer_without_a_group():
    live = live_records()
    with pytest.raises(EditRefused, match="pick the group of the new answer") as refused:
        add_answer(live, question="component",
                   choice={"value": "private-link", "label_en": "P", "label_ko": "P"},
                   new_verdict=PRIVATE_LINK)  # fmt: skip
    assert "networking" in str(refused.value.problems)  # the groups to pick from are named
    with pytest.raises(EditRefused, match="pick the group"):  # nor a group no node offers
        add_answer(live, question="component",
                   choice={"value": "private-link", "label_en": "P", "label_ko": "P",
                           "group": "storage"},
                   new_verdict=PRIVATE_LINK)  # fmt: skip
    assert find(live, "choice", "component=private-link") is None


def test_a_new_answer_to_a_question_every_node_offers_whole_is_routed_everywhere():
    live = live_records()
    asking = [k for k, r in live.items() if k.startswith("node:") and r["question"] == "cni"]
    assert len(asking) > 1
    added = add_answer(
        live,
        question="cni",
        choice={"value": "flannel", "label_en": "Flannel", "label_ko": "Flannel"},
        verdict="byocni-networking-unsupported",
    )
    assert all(added[k]["edges"]["flannel"] == "byocni-networking-unsupported" for k in asking)
    check_records(added)
    assert level(added, component="cni-plugin", cni="flannel") == "unsupported"


def test_a_new_verdict_cannot_take_an_existing_name_in_either_step():
    live = live_records()
    taken = {"name": "oss-unsupported", "level": "supported", "rationale_en": "x",
             "rationale_ko": "x", "citations": [INGRESS]}  # fmt: skip
    with pytest.raises(EditRefused, match="oss-unsupported"):
        add_answer(live, question="oss",
                   choice={"value": "kustomize", "label_en": "K", "label_ko": "K"},
                   new_verdict=taken)  # fmt: skip
    with pytest.raises(EditRefused, match="oss-unsupported"):
        add_follow_up(
            live,
            node="ingress",
            value="nginx",
            question={"key": "nginx-operator", "text_en": "Who runs nginx?", "text_ko": "누가?"},
            choices=[NewChoice("customer", "The customer", "고객", "oss-unsupported"),
                     NewChoice("team", "Another team", "다른 팀", "oss-unsupported")],
            new_verdicts=[taken],
        )  # fmt: skip
