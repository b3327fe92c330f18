"""The tree map: every question and verdict, coloured by level, every link going somewhere."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from supportscope.core.engine import resolve
from supportscope.policy.querystring import triage_url
from supportscope.policy.snapshot import get_snapshot
from supportscope.policy.treemap import build_map, lowerable_by
from tests.triage_html import parse, squash

pytestmark = pytest.mark.django_db


@pytest.fixture
def doc(client):
    response = client.get("/triage/map/")
    assert response.status_code == 200
    return parse(response.content)


def leaves(doc):
    return doc.with_attr("data-verdict")


def test_every_question_node_appears(doc):
    tree = get_snapshot().tree
    shown = {element.attrs["data-node"] for element in doc.with_attr("data-node")}
    assert set(tree.nodes) <= shown
    assert {f"modifier-{key}" for key in tree.modifiers} <= shown


def test_every_verdict_appears(doc):
    tree = get_snapshot().tree
    shown = {element.attrs["data-verdict"] for element in leaves(doc)}
    assert shown == set(tree.verdicts)
    assert len(shown) == 67


def test_counts_in_the_lead_match_the_tree(doc):
    tree = get_snapshot().tree
    lead = squash(doc.find_all("p", class_="lead")[0].text)
    assert f"Every question ({len(tree.nodes)}) and every verdict ({len(tree.verdicts)})" in lead


def test_leaves_are_coloured_and_labelled_by_their_level(doc):
    tree = get_snapshot().tree
    labels = {"supported": "Supported", "best_effort": "Best effort", "unsupported": "Unsupported"}
    for leaf in leaves(doc):
        level = tree.verdicts[leaf.attrs["data-verdict"]].level.value
        assert f"leaf-{level}" in leaf.attrs["class"].split()
        badge = leaf.find_all("span")[0]
        assert badge.attrs["class"].startswith(f"badge badge-{level}")
        assert squash(badge.text).endswith(labels[level])


def test_every_question_link_opens_the_step_that_asks_it(client, doc):
    tree = get_snapshot().tree
    for node in doc.find_all("div", class_="map-node"):
        name = node.attrs["data-node"]
        link = node.find_all("p", class_="map-question")[0].find_all("a")[0].attrs["href"]
        answers = dict(parse_qsl(urlsplit(link).query))
        assert resolve(tree, answers).question.key == tree.nodes[name].question
        response = client.get(link)
        assert response.status_code == 200
        page = parse(response.content)
        asked = {b.attrs["name"] for b in page.find_all("button") if "name" in b.attrs}
        assert asked == {tree.nodes[name].question}


def test_every_verdict_link_opens_the_triage_at_that_verdict(client, doc):
    tree = get_snapshot().tree
    linked = [leaf for leaf in leaves(doc) if leaf.find_all("a", class_="map-rationale")]
    assert len(linked) >= len(tree.verdicts) - len(
        {n for overlays in tree.modifiers.values() for n in overlays.values() if n}
    )
    for leaf in linked:
        verdict = tree.verdicts[leaf.attrs["data-verdict"]]
        href = leaf.find_all("a", class_="map-rationale")[0].attrs["href"]
        answers = dict(parse_qsl(urlsplit(href).query))
        if lowerable_by(tree, verdict):
            answers["preview"] = "ga"  # the step asks the release status next
        outcome = resolve(tree, answers)
        assert outcome.result.base.name == verdict.name
        assert client.get(href).status_code == 200


def test_every_citation_link_points_at_a_clause_on_the_policy_page(client, doc):
    policy = client.get("/policy/").content.decode()
    cites = doc.find_all("a", class_="map-cite")
    assert cites
    for cite in cites:
        href = cite.attrs["href"]
        assert href.startswith("/policy/#")
        assert f'id="{href.split("#", 1)[1]}"' in policy


def test_modifier_marks_only_the_verdicts_it_can_lower(doc):
    tree = get_snapshot().tree
    for leaf in leaves(doc):
        verdict = tree.verdicts[leaf.attrs["data-verdict"]]
        marks = [a.attrs["href"] for a in leaf.find_all("a", class_="map-mod")]
        assert marks == [f"#modifier-{key}" for key in lowerable_by(tree, verdict)]
    assert lowerable_by(tree, tree.verdicts["managed-ingress-supported"]) == ["preview"]
    assert lowerable_by(tree, tree.verdicts["app-certificate-unsupported"]) == []


def test_modifier_panel_lists_each_answer_once_with_its_overlay(doc):
    panel = doc.find_all("section", id="modifier-preview")[0]
    rows = panel.find_all("li", class_="map-edge")
    assert [squash(r.find_all("span", class_="map-answer")[0].text) for r in rows] == [
        "No: generally available (the usual case)",
        "AKS preview feature or feature flag",
        "Upstream Kubernetes beta feature",
        "Upstream Kubernetes alpha feature or feature gate",
    ]
    assert rows[0].find_all("span", class_="map-nochange")
    marked = sum(1 for leaf in leaves(doc) if leaf.find_all("a", class_="map-mod"))
    assert f"Asked after the {marked} verdicts" in squash(panel.text)


def test_answers_leading_to_the_same_place_are_shown_together():
    snapshot = get_snapshot()
    tree_map = build_map(snapshot, "en", triage_url)
    assert tree_map.root.key == "topic"
    edges = [edge for group in tree_map.root.groups for edge in group.edges]
    networking = next(edge.target for edge in edges if edge.values == ["networking"])
    assert networking.key == "component"
    appliance = networking.groups[0].edges[0].target
    assert appliance.key == "appliance"
    cluster = next(e.target for g in appliance.groups for e in g.edges if e.values == ["none"])
    assert cluster.key == "cni"
    assert [edge.values for group in cluster.groups for edge in group.edges] == [
        ["kubenet", "azure-cni", "azure-cni-overlay", "azure-cni-cilium"],
        ["byocni"],
    ]
    assert tree_map.node_count == len(snapshot.tree.nodes) == 31
    assert tree_map.verdict_count == 67


def test_map_in_korean_keeps_the_language_on_its_links(client):
    response = client.get("/triage/map/?lang=ko")
    html = response.content.decode()
    assert "결정 트리 지도" in html
    assert "컨트롤 플레인" in html
    doc = parse(html)
    for link in doc.find_all("div", class_="map-tree")[0].find_all("a"):
        href = link.attrs["href"]
        if href.startswith("/triage/"):
            assert dict(parse_qsl(urlsplit(href).query))["lang"] == "ko"


def test_map_costs_one_query_once_compiled(client, django_assert_num_queries):
    client.get("/triage/map/")
    with django_assert_num_queries(1):
        assert client.get("/triage/map/").status_code == 200


def test_a_modifier_never_asked_stands_under_its_own_heading_and_says_so(doc):
    side = doc.find_all("aside", class_="map-side")[0]
    headings = [squash(h.text) for h in side.find_all("h2")]
    assert headings == ["Asked after the verdict", "Never asked"]
    advice = side.find_all("section", id="modifier-advice")[0]
    text = squash(advice.text)
    assert text.count("Not asked: an answer given by a link or read from a ticket") == 1
    assert "adds one more clause to the 24 verdicts that list it" in text
    assert "Asked after" not in text
    legend = squash(doc.find_all("div", class_="map-legend")[0].text)
    assert "then asks: Is a preview feature" in legend
    assert "then asks: Does the customer ask how" not in legend


def test_the_never_asked_heading_is_korean_on_the_korean_map(client):
    doc = parse(client.get("/triage/map/?lang=ko").content)
    side = doc.find_all("aside", class_="map-side")[0]
    assert [squash(h.text) for h in side.find_all("h2")] == [
        "판정 뒤에 묻는 질문",
        "묻지 않는 질문",
    ]
    assert "따로 묻지 않습니다" in squash(side.find_all("section", id="modifier-advice")[0].text)
