"""What a triage request counts: plain functions over the compiled tree, no HTTP."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from supportscope.analytics.counting import (
    ANSWER,
    CHANGE,
    DEPENDS,
    FEEDBACK,
    PROPOSAL,
    SHOWN,
    START,
    VERDICT,
    feedback_event,
    page_events,
    proposal_events,
)
from supportscope.core.engine import resolve
from supportscope.policy.snapshot import get_snapshot

pytestmark = pytest.mark.django_db

NGINX = "component=ingress&ingress=nginx"


def events(query: str, came_from: str | None = None):
    previous = QueryDict(came_from) if came_from is not None else None
    return page_events(get_snapshot(), QueryDict(query), previous)


def verdict_of(query: str) -> tuple[str, str, str]:
    result = resolve(get_snapshot().tree, QueryDict(query).dict()).result
    assert result is not None
    return (VERDICT, result.base.name, result.level.value)


def test_the_first_step_counts_a_start_and_the_question_shown():
    assert events("") == ((START, "", ""), (SHOWN, "topic", ""))


def test_a_step_counts_only_the_answer_given_on_the_page_before():
    assert events("component=ingress", came_from="") == (
        (ANSWER, "component", "ingress"),
        (SHOWN, "ingress", ""),
    )
    assert events(NGINX, came_from="component=ingress") == (
        (ANSWER, "ingress", "nginx"),
        verdict_of(NGINX),
    )
    assert verdict_of(NGINX)[2] == "unsupported"


def test_a_link_from_elsewhere_is_a_start_and_counts_every_answer_it_carries():
    assert events(NGINX) == (
        (START, "", ""),
        (ANSWER, "component", "ingress"),
        (ANSWER, "ingress", "nginx"),
        verdict_of(NGINX),
    )


def test_a_change_link_counts_a_change_of_that_question_and_no_answer():
    assert events("component=ingress", came_from=NGINX) == (
        (SHOWN, "ingress", ""),
        (CHANGE, "ingress", ""),
    )


def test_answering_again_after_a_change_counts_only_the_new_answer():
    assert events("component=ingress&ingress=kong", came_from="component=ingress") == (
        (ANSWER, "ingress", "kong"),
        verdict_of("component=ingress&ingress=kong"),
    )


def test_dont_know_is_counted_as_an_answer_and_the_outcome_as_depends():
    found = events(
        "component=ingress&ingress=unknown&preview=ga", came_from="component=ingress&preview=ga"
    )
    assert (ANSWER, "ingress", "unknown") in found
    assert found[-1] == (DEPENDS, "ingress", "")
    assert not any(kind == VERDICT for kind, _s, _v in found)


def test_only_known_question_answer_pairs_are_counted():
    found = events("component=ingress&made_up=1&x=y", came_from="")
    assert {subject for _k, subject, _v in found} == {"component", "ingress"}
    assert events("component=not-a-choice") == ()  # a 400 page counts nothing
    assert events("ingress=nginx") == ((START, "", ""), (SHOWN, "topic", ""))


def test_a_search_of_the_choices_or_the_thank_you_page_is_not_a_step():
    assert events("q=kong") == ()
    assert events(NGINX + "&feedback=sent", came_from=NGINX) == ()


def test_a_page_reached_from_a_400_page_is_a_step_of_the_same_triage():
    found = events("component=ingress", came_from="component=bogus")
    assert (START, "", "") not in found
    assert (ANSWER, "component", "ingress") in found


def test_proposals_are_counted_as_taken_or_changed_for_known_pairs_only():
    query = QueryDict(
        "component=ingress&ingress=kong"
        "&proposed=component:ingress,ingress:nginx,made_up:1,component:bogus,cni:not-a-value"
    )
    assert proposal_events(get_snapshot(), query) == (
        (PROPOSAL, "component", "accepted"),
        (PROPOSAL, "ingress", "changed"),
    )
    assert proposal_events(get_snapshot(), QueryDict("component=bogus&proposed=x:y")) == ()


def test_feedback_is_counted_for_the_verdict_its_answers_reach():
    snapshot = get_snapshot()
    name = verdict_of(NGINX)[1]
    assert feedback_event(snapshot, QueryDict(NGINX + "&helped=yes")) == (FEEDBACK, name, "yes")
    assert feedback_event(snapshot, QueryDict(NGINX + "&helped=no")) == (FEEDBACK, name, "no")
    assert feedback_event(snapshot, QueryDict(NGINX + "&helped=maybe")) is None
    assert feedback_event(snapshot, QueryDict("component=ingress&helped=yes")) is None
    assert feedback_event(snapshot, QueryDict("component=bogus&helped=yes")) is None
