"""The guided steps on a clause's page (``admin.reshape.clauses``): move it, cite it."""

from __future__ import annotations

import pytest

from supportscope.policy import serial
from supportscope.policy.models import Clause, Verdict

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_pages")]

INGRESS = "unsupported-scenarios--unmanaged-ingress"


def test_a_clause_is_moved_and_cited_from_its_page(admin_client):
    clause = Clause.objects.get(section__slug="unsupported-scenarios", key="unmanaged-ingress")
    page = admin_client.get(f"/admin/policy/clause/{clause.pk}/change/").content.decode()
    assert f"/admin/policy/clause/{clause.pk}/move/" in page
    moved = admin_client.post(f"/admin/policy/clause/{clause.pk}/move/", {"position": "1"})
    assert moved.status_code in (200, 302)
    if moved.status_code == 200:  # verdicts do not change, so no confirmation is needed
        pytest.fail(str(moved.context["policy_refusal"]))
    orders = list(
        Clause.objects.filter(section=clause.section).order_by("order").values_list("order", "key")
    )
    assert orders[0] == (1, "unmanaged-ingress")
    assert len({order for order, _key in orders}) == len(orders)

    cite = f"/admin/policy/clause/{clause.pk}/cite/"
    assert "oss-unsupported" in admin_client.get(cite).content.decode()
    asked = admin_client.post(cite, {"verdicts": ["oss-unsupported"]})
    if asked.status_code == 200:
        asked = admin_client.post(
            cite, {"verdicts": ["oss-unsupported"], "_impact": asked.context["impact_token"]}
        )
    assert asked.status_code == 302
    cited = serial.read(Verdict.objects.get(name="oss-unsupported"))["citations"]
    assert cited[-1] == INGRESS
