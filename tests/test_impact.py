"""Impact: every answer path, who cites a clause, and which verdicts a tree change alters."""

from __future__ import annotations

import copy
import json

import pytest

from supportscope.core.engine import build_tree
from supportscope.policy import impact
from supportscope.policy.store import CONTENT_DIR

INGRESS = "unsupported-scenarios--unmanaged-ingress"


@pytest.fixture(scope="module")
def data():
    return json.loads((CONTENT_DIR / "tree.json").read_text(encoding="utf-8"))


def tree(data):
    return build_tree(data)


def node(data, name):
    return next(n for n in data["nodes"] if n["name"] == name)


def test_every_path_ends_in_a_verdict_and_asks_only_what_matters(data):
    found = list(impact.paths(tree(data)))
    assert len(found) > 100
    assert all(path.result is not None for path in found)
    assert len({path.answers for path in found}) == len(found)
    by_query = {path.query: path for path in found}
    # Preview is never asked once an unsupported verdict is certain.
    assert "topic=networking&component=ingress&ingress=nginx" in by_query
    assert "topic=networking&component=ingress&ingress=app-routing&preview=preview" in by_query


def test_the_paths_citing_the_unmanaged_ingress_clause(data):
    built = tree(data)
    assert impact.verdicts_citing(built, [INGRESS]) == ["unmanaged-ingress-unsupported"]
    assert [p.query for p in impact.paths_citing(built, [INGRESS])] == [
        "topic=requests&component=upstream-bug&installed_by=customer-ingress",
        "topic=cluster-state&component=kubernetes-version&version_issue=upgrade&installed_by=customer-ingress",
        "topic=networking&component=ingress&ingress=nginx",
        "topic=networking&component=ingress&ingress=kong",
        "topic=networking&component=ingress&ingress=traefik",
        "topic=networking&component=ingress&ingress=other",
    ]


def test_overlay_citations_count_as_citing(data):
    found = impact.paths_citing(tree(data), ["preview-features-or-feature-flags--best-effort"])
    assert found
    assert all(dict(p.answers)["preview"] == "preview" for p in found)


def test_the_same_tree_changes_nothing(data):
    assert impact.compare(tree(data), tree(data)) == []


def test_a_reroute_changes_exactly_the_rerouted_answers(data):
    changed = copy.deepcopy(data)
    node(changed, "ingress")["next"]["kong"] = "managed-ingress-supported"
    result = impact.compare(tree(data), tree(changed))
    assert {c.query for c in result} == {
        f"topic=networking&component=ingress&ingress=kong&preview={value}"
        for value in ("ga", "preview", "k8s-beta", "k8s-alpha")
    }
    ga = next(c for c in result if c.query.endswith("preview=ga"))
    assert ga.before.key == ("unsupported", "unmanaged-ingress-unsupported")
    assert ga.after.key == ("supported", "managed-ingress-supported")


def test_a_new_answer_shows_as_new_and_a_removed_one_as_gone(data):
    added = copy.deepcopy(data)
    component = next(q for q in added["questions"] if q["key"] == "component")
    component["choices"].append(
        {"value": "azure-policy", "label": {"en": "x", "ko": "x"}, "group": "addons"}
    )
    node(added, "component-addons")["next"]["azure-policy"] = "app-certificate-unsupported"
    forward = impact.compare(tree(data), tree(added))
    query = "topic=addons&component=azure-policy"
    assert [(c.query, c.before.result, c.after.key) for c in forward] == [
        (query, None, ("unsupported", "app-certificate-unsupported"))
    ]
    assert forward[0].before.missing == "component"
    backward = impact.compare(tree(added), tree(data))
    assert [(c.query, c.after.result) for c in backward] == [(query, None)]


def test_a_level_change_lists_every_path_to_the_verdict(data):
    changed = copy.deepcopy(data)
    verdict = next(v for v in changed["verdicts"] if v["name"] == "unmanaged-ingress-unsupported")
    verdict["level"] = "best_effort"
    result = impact.compare(tree(data), tree(changed))
    # the four unmanaged ingress controllers, and a customer-installed ingress that an
    # upstream bug or a Kubernetes version breaks
    assert len(result) == 6
    assert {c.query for c in result} == {
        p.query for p in impact.paths_citing(tree(data), [INGRESS])
    }
    assert {c.after.key[0] for c in result} == {"best_effort"}


def test_the_fingerprint_depends_on_the_changes(data):
    changed = copy.deepcopy(data)
    node(changed, "ingress")["next"]["kong"] = "managed-ingress-supported"
    one = impact.compare(tree(data), tree(changed))
    assert impact.fingerprint(one) == impact.fingerprint(list(reversed(one)))
    assert impact.fingerprint(one) != impact.fingerprint(one[:1])
