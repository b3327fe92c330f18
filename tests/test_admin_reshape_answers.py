"""The guided answer steps (``admin.reshape.answers``): add one with its verdict, retire one."""

from __future__ import annotations

import pytest

from supportscope.policy.models import Question, Verdict

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_pages")]


def test_adding_an_answer_that_exists_is_refused_by_name(admin_client):
    response = admin_client.post(
        "/admin/policy/question/add-answer/",
        {
            "question": Question.objects.get(key="component").pk,
            "value": "ingress",
            "label_en": "x",
            "label_ko": "x",
            "existing_verdict": Verdict.objects.first().pk,
        },
    )
    assert response.status_code == 200
    assert "component already has the value ingress." in response.content.decode()


def test_adding_an_answer_needs_a_verdict(admin_client):
    response = admin_client.post(
        "/admin/policy/question/add-answer/",
        {
            "question": Question.objects.get(key="component").pk,
            "value": "something-new",
            "label_en": "x",
            "label_ko": "x",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["verdict_name"] == ["Needed for a new verdict."]


def test_retiring_an_answer_keeps_old_links_working_with_a_notice(admin_client, client):
    url = "/admin/policy/question/retire-answer/"
    asked = admin_client.post(url, {"answer": "oss=helm"})
    done = admin_client.post(url, {"answer": "oss=helm", "_impact": asked.context["impact_token"]})
    assert done.status_code == 302
    old_link = client.get("/triage/?component=third-party-oss&oss=helm&lang=en")
    assert old_link.status_code == 200
    html = old_link.content.decode()
    assert "is no longer offered" in html
    assert 'name="oss"' in html  # the question is asked again


def test_the_add_answer_step_starts_on_the_question_the_first_step_groups(admin_client):
    """The first question only picks a group (``topic``): new answers mostly go to the
    question it groups, so that one is preselected."""
    response = admin_client.get("/admin/policy/question/add-answer/")
    assert response.status_code == 200
    assert response.context["form"].initial["question"] == Question.objects.get(key="component")


def test_a_new_answer_without_its_group_is_refused_with_the_groups_to_pick_from(admin_client):
    response = admin_client.post(
        "/admin/policy/question/add-answer/",
        {
            "question": Question.objects.get(key="component").pk,
            "value": "private-link",
            "label_en": "Private Link",
            "label_ko": "Private Link",
            "existing_verdict": Verdict.objects.get(name="networking-supported").pk,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "offers only one group of its answers" in html
    assert "networking" in html
