"""The pure engine on small hand-made trees: validation and resolution rules."""

from __future__ import annotations

import copy

import pytest

from supportscope.core import engine
from supportscope.core.engine import (
    UNKNOWN,
    InvalidAnswer,
    Level,
    TreeError,
    build_tree,
    pick,
    resolve,
)
from tests.accuracy import shipped_tree


def T(en: str) -> dict[str, str]:
    return {"en": en, "ko": en + " (ko)"}


def question(key, *values, unknown=False):
    return {
        "key": key,
        "text": T(key),
        "allow_unknown": unknown,
        "choices": [{"value": value, "label": T(value)} for value in values],
    }


def verdict(name, level, *cites, modifiers=(), make=None):
    data = {"name": name, "level": level, "rationale": T(name), "citations": list(cites)}
    if modifiers:
        data["modifiers"] = list(modifiers)
    if make:
        data["make_supported"] = T(make)
    return data


BASE = {
    "start": "kind",
    "groups": [],
    "questions": [
        question("kind", "managed", "custom", "net"),
        question("cni", "azure", "byo", unknown=True),
        question("status", "ga", "preview", "alpha", unknown=True),
    ],
    "nodes": [
        {
            "name": "kind",
            "question": "kind",
            "next": {"managed": "ok", "custom": "no", "net": "cni"},
        },
        {"name": "cni", "question": "cni", "next": {"azure": "ok", "byo": "no"}},
    ],
    "verdicts": [
        verdict("ok", "supported", "s--a", modifiers=["status"]),
        verdict("no", "unsupported", "s--b", make="use the managed one"),
        verdict("capped", "best_effort", "s--p", make="wait for GA"),
        verdict("alpha", "unsupported", "s--x"),
    ],
    "modifiers": [
        {"question": "status", "overlays": {"ga": None, "preview": "capped", "alpha": "alpha"}}
    ],
}
CLAUSES = {"s--a", "s--b", "s--p", "s--x"}


def tree(data=None, clauses=CLAUSES):
    return build_tree(data or BASE, revision=7, clauses=clauses)


def test_first_question_is_asked_with_no_answers():
    outcome = resolve(tree(), {})
    assert outcome.question.key == "kind"
    assert not outcome.complete
    assert outcome.answers == ()


def test_answers_lead_to_a_verdict_with_citations():
    outcome = resolve(tree(), {"kind": "managed", "status": "ga"})
    assert outcome.result.level is Level.SUPPORTED
    assert outcome.result.citations == ("s--a",)
    assert outcome.answers == (("kind", "managed"), ("status", "ga"))


def test_unknown_keys_and_answers_off_the_path_are_ignored():
    outcome = resolve(tree(), {"kind": "custom", "cni": "azure", "colour": "blue"})
    assert outcome.result.level is Level.UNSUPPORTED
    assert outcome.answers == (("kind", "custom"),)


def test_a_bad_value_of_a_known_key_is_refused_even_off_the_path():
    with pytest.raises(InvalidAnswer) as error:
        resolve(tree(), {"kind": "custom", "cni": "flannel"})
    assert (error.value.key, error.value.value) == ("cni", "flannel")
    assert error.value.allowed == ("azure", "byo", UNKNOWN)


def test_the_same_answers_in_any_order_are_resolved_once():
    small = tree()
    first = resolve(small, {"kind": "managed", "status": "ga"})
    assert resolve(small, {"status": "ga", "kind": "managed"}) is first
    assert resolve(small, {"kind": "custom"}) is not first
    # keys that are no question of the tree change nothing, and are not kept apart
    assert resolve(small, {"kind": "managed", "status": "ga", "utm_source": "x"}) is first


def test_a_refused_answer_is_refused_every_time_and_kept_for_no_tree():
    small = tree()
    for _ in range(2):
        with pytest.raises(InvalidAnswer):
            resolve(small, {"kind": "custom", "cni": "flannel"})
    with pytest.raises(InvalidAnswer):  # a value that cannot be a key is named, not a 500
        resolve(small, {"kind": ["managed"]})
    assert resolve(small, {"kind": "custom"}).result.level is Level.UNSUPPORTED


def test_the_outcomes_kept_for_a_tree_are_bounded(monkeypatch):
    monkeypatch.setattr(engine, "RESOLVED_KEPT", 2)
    small = tree()
    for answers in ({}, {"kind": "custom"}, {"kind": "managed"}):
        resolve(small, answers)
    assert 1 <= len(engine._RESOLVED.get(small, dict)) <= 2
    assert resolve(small, {"kind": "custom"}).result.level is Level.UNSUPPORTED


def test_unknown_is_refused_where_the_question_does_not_allow_it():
    with pytest.raises(InvalidAnswer):
        resolve(tree(), {"kind": UNKNOWN})


def test_a_modifier_caps_the_level_and_its_text_and_citations_lead():
    result = resolve(tree(), {"kind": "managed", "status": "preview"}).result
    assert result.level is Level.BEST_EFFORT
    assert result.citations == ("s--p", "s--a")
    assert result.make_supported("en") == ["wait for GA"]
    assert result.rationale("ko") == ["capped (ko)", "ok (ko)"]


def test_a_modifier_is_not_asked_when_no_answer_could_lower_the_verdict():
    outcome = resolve(tree(), {"kind": "net", "cni": "byo"})
    assert outcome.result.level is Level.UNSUPPORTED
    assert "status" not in dict(outcome.answers)


def test_a_modifier_is_asked_when_an_answer_could_lower_the_verdict():
    assert resolve(tree(), {"kind": "managed"}).question.key == "status"


def _with_advice() -> dict:
    """BASE with a modifier that cannot lower (``advice``): listed after ``status``."""
    data = copy.deepcopy(BASE)
    data["questions"].append(question("advice", "no", "yes"))
    data["verdicts"].append(verdict("advised", "supported", "s--v"))
    data["verdicts"][0]["modifiers"].append("advice")
    data["modifiers"].append({"question": "advice", "overlays": {"no": None, "yes": "advised"}})
    return data


def test_a_modifier_that_cannot_lower_is_never_asked():
    outcome = resolve(tree(_with_advice(), CLAUSES | {"s--v"}), {"kind": "managed", "status": "ga"})
    assert outcome.result.citations == ("s--a",)
    assert "advice" not in dict(outcome.answers)


def test_a_given_answer_to_an_unasked_modifier_cites_its_overlay_at_the_same_level():
    answers = {"kind": "managed", "status": "ga", "advice": "yes"}
    outcome = resolve(tree(_with_advice(), CLAUSES | {"s--v"}), answers)
    assert outcome.result.level is Level.SUPPORTED
    assert outcome.result.citations == ("s--a", "s--v")
    assert outcome.answers == (("kind", "managed"), ("status", "ga"), ("advice", "yes"))


def test_an_unasked_modifier_adds_nothing_once_another_has_lowered_the_verdict():
    answers = {"kind": "managed", "status": "preview", "advice": "yes"}
    outcome = resolve(tree(_with_advice(), CLAUSES | {"s--v"}), answers)
    assert outcome.result.level is Level.BEST_EFFORT
    assert outcome.result.citations == ("s--p", "s--a")
    assert "advice" not in dict(outcome.answers)


def test_an_unasked_modifier_answered_unknown_or_no_adds_nothing():
    data = _with_advice()
    data["questions"][-1]["allow_unknown"] = True
    for value in ("no", UNKNOWN):
        answers = {"kind": "managed", "status": "ga", "advice": value}
        outcome = resolve(tree(data, CLAUSES | {"s--v"}), answers)
        assert outcome.result.citations == ("s--a",), value


def test_unknown_answer_shows_the_verdict_for_each_value():
    outcome = resolve(tree(), {"kind": "net", "cni": UNKNOWN, "status": "ga"})
    assert outcome.complete
    assert outcome.result is None
    assert outcome.depends_on.key == "cni"
    levels = {value: branch.result.level for value, branch in outcome.branches}
    assert levels == {"azure": Level.SUPPORTED, "byo": Level.UNSUPPORTED}
    assert outcome.levels == {Level.SUPPORTED, Level.UNSUPPORTED}


def test_unknown_answer_asks_what_a_branch_still_needs_first():
    outcome = resolve(tree(), {"kind": "net", "cni": UNKNOWN})
    assert outcome.question.key == "status"


def test_unknown_modifier_answer_branches_over_its_overlays():
    outcome = resolve(tree(), {"kind": "managed", "status": UNKNOWN})
    levels = {value: branch.result.level for value, branch in outcome.branches}
    assert levels == {
        "ga": Level.SUPPORTED,
        "preview": Level.BEST_EFFORT,
        "alpha": Level.UNSUPPORTED,
    }


def test_text_falls_back_to_english():
    assert pick({"en": "hello", "ko": ""}, "ko") == "hello"
    assert pick(None, "en") == ""


def test_level_caps_never_raise():
    assert Level.UNSUPPORTED.capped_by(Level.SUPPORTED) is Level.UNSUPPORTED
    assert Level.SUPPORTED.capped_by(Level.BEST_EFFORT) is Level.BEST_EFFORT


def test_the_tree_is_immutable():
    built = tree()
    with pytest.raises(TypeError):
        built.nodes["x"] = None  # type: ignore[index]
    with pytest.raises(AttributeError):
        built.verdicts["ok"].level = Level.UNSUPPORTED  # type: ignore[misc]


def broken(change) -> list[str]:
    data = copy.deepcopy(BASE)
    change(data)
    with pytest.raises(TreeError) as error:
        tree(data)
    return error.value.problems


def test_a_missing_branch_is_refused():
    problems = broken(lambda d: d["nodes"][1]["next"].pop("byo"))
    assert any("no branch for cni=byo" in p for p in problems)


def test_a_branch_to_nowhere_is_refused():
    problems = broken(lambda d: d["nodes"][1]["next"].update(byo="nowhere"))
    assert any("unknown 'nowhere'" in p for p in problems)


def test_a_cycle_is_refused():
    problems = broken(lambda d: d["nodes"][1]["next"].update(byo="kind"))
    assert any("cycle" in p or "again" in p for p in problems)


def test_an_unreachable_verdict_is_refused():
    problems = broken(lambda d: d["verdicts"].append(verdict("orphan", "supported", "s--a")))
    assert any("'orphan' can never be reached" in p for p in problems)


def test_a_citation_of_a_missing_clause_is_refused():
    problems = broken(lambda d: d["verdicts"][0]["citations"].append("s--gone"))
    assert any("unknown clause 's--gone'" in p for p in problems)


def test_a_verdict_without_citations_is_refused():
    problems = broken(lambda d: d["verdicts"][1].update(citations=[]))
    assert any("cites nothing" in p for p in problems)


def test_a_question_asked_twice_on_one_path_is_refused():
    def twice(d):
        d["nodes"].append({"name": "cni2", "question": "cni", "next": {"azure": "ok", "byo": "no"}})
        d["nodes"][1]["next"]["azure"] = "cni2"

    problems = broken(twice)
    assert any("asks 'cni' again" in p for p in problems)


def test_a_modifier_must_cover_every_value():
    problems = broken(lambda d: d["modifiers"][0]["overlays"].pop("alpha"))
    assert any("must map exactly" in p for p in problems)


def test_the_reserved_unknown_value_cannot_be_a_choice():
    problems = broken(
        lambda d: d["questions"][1]["choices"].append({"value": UNKNOWN, "label": T("?")})
    )
    assert any("reserved value" in p for p in problems)


def test_a_missing_korean_rationale_is_refused():
    problems = broken(lambda d: d["verdicts"][0].update(rationale={"en": "x", "ko": ""}))
    assert any("no ko rationale" in p for p in problems)


def test_malformed_data_is_a_tree_error_not_a_crash():
    with pytest.raises(TreeError, match="malformed"):
        build_tree({"start": "x"})


def test_a_choice_carries_its_search_terms_per_language():
    data = copy.deepcopy(BASE)
    data["questions"][1]["choices"][1]["terms"] = {"en": ["BYOCNI", "--network-plugin none"]}
    built = tree(data)
    byo = built.questions["cni"].choice("byo")
    assert byo.terms["en"] == ("BYOCNI", "--network-plugin none")
    assert byo.terms["ko"] == ()
    assert built.questions["cni"].choice("azure").terms == {}


# -- a question asked in groups: each node offers part of its choices -----------------

GROUPED = {
    "start": "topic",
    "groups": [],
    "questions": [
        question("topic", "control", "network"),
        question("component", "api", "etcd", "ingress"),
        question("ingress", "managed", "nginx"),
    ],
    "nodes": [
        {
            "name": "topic",
            "question": "topic",
            "next": {"control": "c-control", "network": "c-net"},
        },
        {"name": "c-control", "question": "component", "next": {"api": "ok", "etcd": "ok"}},
        {"name": "c-net", "question": "component", "next": {"ingress": "ingress"}},
        {"name": "ingress", "question": "ingress", "next": {"managed": "ok", "nginx": "no"}},
    ],
    "verdicts": [verdict("ok", "supported", "s--a"), verdict("no", "unsupported", "s--b")],
}


def test_a_node_asks_its_question_with_only_the_choices_it_offers():
    grouped = build_tree(GROUPED)
    outcome = resolve(grouped, {"topic": "control"})
    assert outcome.question.key == "component"
    assert outcome.question.values == ("api", "etcd")
    assert grouped.questions["component"].values == ("api", "etcd", "ingress")


def test_a_later_answer_implies_the_group_that_offers_it():
    grouped = build_tree(GROUPED)
    outcome = resolve(grouped, {"component": "ingress", "ingress": "nginx"})
    assert outcome.result.base.name == "no"
    assert outcome.answers == (("topic", "network"), ("component", "ingress"), ("ingress", "nginx"))


def test_an_answer_offered_after_two_groups_implies_neither():
    data = copy.deepcopy(GROUPED)
    data["nodes"][2]["next"]["api"] = "ok"  # api is now offered after both topics
    outcome = resolve(build_tree(data), {"component": "api"})
    assert outcome.question.key == "topic"


def test_a_value_from_another_group_is_an_invalid_answer_naming_the_offered_ones():
    with pytest.raises(InvalidAnswer) as error:
        resolve(build_tree(GROUPED), {"topic": "control", "component": "ingress"})
    assert error.value.value == "ingress"
    assert error.value.allowed == ("api", "etcd")


def test_a_choice_no_node_offers_is_refused():
    data = copy.deepcopy(GROUPED)
    data["nodes"][2]["next"] = {"api": "ok"}  # nothing offers ingress any more
    data["nodes"].pop()  # and the ingress node is gone with it
    data["questions"].pop()
    with pytest.raises(TreeError) as error:
        build_tree(data)
    assert any("no branch for component=ingress" in p for p in error.value.problems)


def test_a_node_that_offers_nothing_is_refused():
    data = copy.deepcopy(GROUPED)
    data["nodes"][2]["next"] = {}
    with pytest.raises(TreeError) as error:
        build_tree(data)
    assert any("'c-net' offers no choice of 'component'" in p for p in error.value.problems)


def test_a_question_that_only_picks_a_group_names_the_question_it_groups():
    assert dict(build_tree(GROUPED).grouping) == {"topic": "component"}
    assert dict(build_tree(BASE).grouping) == {}


def test_a_group_and_a_choice_that_do_not_fit_are_refused_before_walking():
    from supportscope.core.engine import check_answers

    grouped = build_tree(GROUPED)
    with pytest.raises(InvalidAnswer) as error:
        check_answers(grouped, {"topic": "network", "component": "api"})
    assert (error.value.key, error.value.allowed) == ("component", ("ingress",))
    check_answers(grouped, {"topic": "network", "component": "ingress"})


def test_an_answer_further_down_one_branch_does_not_imply_a_routing_answer():
    # cni is asked only after kind=net, but knowing it does not mean the kind is net.
    assert resolve(tree(), {"cni": "azure"}).question.key == "kind"


def test_the_first_key_is_the_first_question_or_the_one_it_groups():
    assert tree().first_key == "kind"
    # the shipped first step (``topic``) only picks a group of ``component``
    shipped = shipped_tree()
    assert shipped.nodes[shipped.start].question == "topic"
    assert shipped.first_key == "component"
