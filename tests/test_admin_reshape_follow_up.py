"""The guided follow-up step (``admin.reshape.follow_up``): live and checked, or into a draft."""

from __future__ import annotations

import pytest

from supportscope.policy.editing.reshaping import find
from supportscope.policy.models import Clause, Draft, Question
from tests.adminforms import open_draft

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_pages")]


def api(client, query: str) -> dict:
    return client.get(f"/api/v1/verdict?{query}").json()


def follow_up_data(**extra: str) -> dict[str, str]:
    return {
        "at": "ingress|nginx",
        "key": "nginx-operator",
        "text_en": "Who runs the nginx controller?",
        "text_ko": "nginx 컨트롤러는 누가 운영합니까?",
        "choice-TOTAL_FORMS": "2",
        "choice-INITIAL_FORMS": "0",
        "choice-MIN_NUM_FORMS": "2",
        "choice-MAX_NUM_FORMS": "1000",
        "choice-0-value": "customer",
        "choice-0-label_en": "The customer",
        "choice-0-label_ko": "고객",
        "choice-0-leads_to": "unmanaged-ingress-unsupported",
        "choice-1-value": "addon",
        "choice-1-label_en": "The routing add-on",
        "choice-1-label_ko": "라우팅 추가 기능",
        "choice-1-leads_to": "nginx-addon-supported",
        "verdict-TOTAL_FORMS": "1",
        "verdict-INITIAL_FORMS": "0",
        "verdict-MIN_NUM_FORMS": "0",
        "verdict-MAX_NUM_FORMS": "1000",
        "verdict-0-name": "nginx-addon-supported",
        "verdict-0-level": "supported",
        "verdict-0-rationale_en": "The add-on's nginx is managed.",
        "verdict-0-rationale_ko": "추가 기능의 nginx는 관리됩니다.",
        "verdict-0-citations": [str(Clause.objects.get(section__slug="supported-scenarios",
                                                       key="networking").pk)],
        **extra,
    }  # fmt: skip


def test_a_follow_up_question_is_added_live_in_one_checked_step(admin_client, client):
    url = "/admin/policy/question/add-follow-up/"
    assert admin_client.get(url).status_code == 200
    asked = admin_client.post(url, follow_up_data())
    assert asked.status_code == 200
    token = asked.context["impact_token"]
    assert token
    assert "errornote" not in asked.content.decode()
    done = admin_client.post(url, follow_up_data(_impact=token))
    assert done.status_code == 302
    first = api(client, "component=ingress&ingress=nginx")
    assert first["next_question"]["key"] == "nginx-operator"
    addon = api(client, "component=ingress&ingress=nginx&nginx-operator=addon&preview=ga")
    assert addon["verdict"] == "supported"


def test_a_follow_up_question_goes_into_a_draft_when_opened_from_it(admin_client, client):
    draft = open_draft(admin_client)
    url = f"/admin/policy/question/add-follow-up/?draft={draft.pk}"
    assert "into the draft" in admin_client.get(url).content.decode()
    done = admin_client.post(url, follow_up_data(draft=str(draft.pk)))
    assert done.status_code == 302
    assert not Question.objects.filter(key="nginx-operator").exists()
    assert find(Draft.objects.get(pk=draft.pk).records, "question", "nginx-operator")
    assert api(client, "component=ingress&ingress=nginx")["complete"] is True
