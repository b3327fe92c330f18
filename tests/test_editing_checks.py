"""What every change must pass (``editing.checks``), run on whole sets of records."""

from __future__ import annotations

import pytest

from supportscope.policy.editing.checks import check_records
from supportscope.policy.editing.live import live_records
from supportscope.policy.editing.reshaping import NewChoice, add_follow_up, set_record
from supportscope.policy.integrity import EditRefused
from tests.records import INGRESS, key_of

pytestmark = pytest.mark.django_db


def test_duplicate_clause_positions_are_refused_in_a_draft():
    records = live_records()
    key = key_of(records, "clause", INGRESS)
    sibling = next(
        k for k, r in records.items()
        if k.startswith("clause:") and r["section"] == "unsupported-scenarios" and k != key
    )  # fmt: skip
    clash = set_record(records, key, {**records[key], "order": records[sibling]["order"]})
    with pytest.raises(EditRefused) as refused:
        check_records(clash)
    assert "share position" in refused.value.problems[0]


def test_two_objects_with_the_same_natural_key_are_refused_before_writing():
    records = live_records()
    key = key_of(records, "verdict", "oss-unsupported")
    doubled = set_record(records, "verdict:new", dict(records[key]))
    with pytest.raises(EditRefused) as refused:
        check_records(doubled)
    assert "verdict oss-unsupported" in refused.value.problems[0]


@pytest.mark.parametrize(
    ("kind", "ident", "field"), [("clause", INGRESS, "section"), ("choice", "oss=helm", "question")]
)
def test_a_clause_or_choice_missing_its_parent_is_refused_as_incomplete_not_a_crash(
    kind, ident, field
):
    records = live_records()
    key = key_of(records, kind, ident)
    incomplete = {name: value for name, value in records[key].items() if name != field}
    with pytest.raises(EditRefused) as refused:
        check_records(set_record(records, key, incomplete))
    assert any("incomplete" in problem for problem in refused.value.problems)


@pytest.mark.parametrize("key", ["feedback", "lang", "parent_origin"])
def test_a_question_cannot_take_the_name_of_a_parameter_that_is_not_an_answer(key):
    live = live_records()
    asked = add_follow_up(
        live,
        node="ingress",
        value="nginx",
        question={"key": key, "text_en": "Who runs nginx?", "text_ko": "누가?"},
        choices=[
            NewChoice("customer", "The customer", "고객", "unmanaged-ingress-unsupported"),
            NewChoice("team", "Another team", "다른 팀", "unmanaged-ingress-unsupported"),
        ],
    )
    with pytest.raises(EditRefused) as refused:
        check_records(asked)
    assert key in refused.value.problems[0]
    assert "rev" in refused.value.problems[0]  # the message lists every reserved name
