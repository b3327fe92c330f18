"""A draft's life in a browser, and the accessibility of every new admin page."""

from __future__ import annotations

import re

import pytest

from supportscope.policy.editing.drafts import edit_draft, open_draft
from supportscope.policy.editing.reshaping import cite_clause, find
from supportscope.policy.models import Clause, Draft, Revision
from tests.browser.conftest import format_violations, log_in

pytestmark = pytest.mark.browser

NGINX = "/triage/?component=ingress&ingress=nginx&preview=ga&lang=en"


def public_verdict(browser, live_server, path: str = NGINX) -> str:
    """What an anonymous visitor sees, in a browser context of its own."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(live_server.url + path)
        return page.locator("main").inner_text()
    finally:
        context.close()


def test_a_drafts_life_from_opening_to_publishing(admin_page, browser, live_server, guard):
    page = admin_page
    base = live_server.url
    page.goto(f"{base}/admin/policy/draft/add/?lang=en")
    page.get_by_label("What is this change?").fill("Nginx add-on rule")
    page.get_by_role("button", name="Open the draft").click()
    draft = Draft.objects.get(title="Nginx add-on rule")
    draft_url = f"{base}/admin/policy/draft/{draft.pk}/change/"
    assert page.url.startswith(draft_url)

    # 1. A verdict's rationale, in the draft.
    page.get_by_role("link", name="verdict unmanaged-ingress-unsupported").click()
    page.get_by_label("rationale (English)").fill("Draft: customer-run ingress stays unsupported.")
    page.get_by_role("button", name="Save in the draft").click()
    assert "Saved in the draft" in page.locator("ul.messagelist").inner_text()

    # 2. A clause's text, in the draft.
    page.goto(f"{draft_url}?kind=clause")
    page.get_by_role("link", name="clause unsupported-scenarios--unmanaged-ingress").click()
    page.get_by_label("text (English)").fill("Draft wording for customer-run ingress.")
    page.get_by_role("button", name="Save in the draft").click()

    # 3. A follow-up question on the nginx path, with a new verdict.
    page.goto(draft_url)
    page.get_by_role("link", name="Add a follow-up question").click()
    page.get_by_label("Ask it after this answer").select_option("ingress|nginx")
    page.get_by_label("Question key").fill("nginx-operator")
    page.get_by_label("Question (English)").fill("Who runs the nginx controller?")
    page.get_by_label("Question (Korean)").fill("nginx 컨트롤러는 누가 운영합니까?")
    page.locator("#id_choice-0-value").fill("customer")
    page.locator("#id_choice-0-label_en").fill("The customer")
    page.locator("#id_choice-0-label_ko").fill("고객")
    page.locator("#id_choice-0-leads_to").fill("unmanaged-ingress-unsupported")
    page.locator("#id_choice-1-value").fill("addon")
    page.locator("#id_choice-1-label_en").fill("The app routing add-on")
    page.locator("#id_choice-1-label_ko").fill("앱 라우팅 추가 기능")
    page.locator("#id_choice-1-leads_to").fill("nginx-addon-supported")
    page.locator("#id_verdict-0-name").fill("nginx-addon-supported")
    page.locator("#id_verdict-0-level").select_option("supported")
    page.locator("#id_verdict-0-rationale_en").fill("The add-on runs a managed nginx.")
    page.locator("#id_verdict-0-rationale_ko").fill("추가 기능은 관리형 nginx를 실행합니다.")
    networking = Clause.objects.get(section__slug="supported-scenarios", key="networking")
    page.locator("#id_verdict-0-citations").select_option(str(networking.pk))
    page.get_by_role("button", name="Add to the draft").click()
    errors = page.locator(".errorlist").all_inner_texts()
    assert page.url.startswith(draft_url), errors
    assert "3 objects changed" not in page.content()  # more than three: question, node...

    # Live is untouched.
    assert "Who runs the nginx controller?" not in public_verdict(browser, live_server)

    # 4. Preview the public triage under the draft.
    page.get_by_role("button", name="Preview the site under this draft").click()
    page.goto(base + "/triage/?component=ingress&ingress=nginx&lang=en")
    assert "Who runs the nginx controller?" in page.locator("main").inner_text()
    assert "Preview of the draft" in page.content()
    page.get_by_text("The app routing add-on").click()
    page.wait_for_url(re.compile(r"nginx-operator=addon"))
    assert "Supported" in page.locator("main").inner_text()
    assert "Who runs the nginx controller?" not in public_verdict(browser, live_server)

    # 5. The impact report, then publish.
    page.goto(f"{base}/admin/policy/draft/{draft.pk}/impact/?lang=en")
    report = page.locator("main").inner_text()
    assert "component=ingress&ingress=nginx&nginx-operator=addon" in report
    assert "now need an extra answer" in report or "now needs an extra answer" in report
    before = Revision.objects.count()
    page.get_by_role("button", name="Publish now, as one revision").click()
    assert "Published as revision" in page.locator("ul.messagelist").inner_text()
    assert Revision.objects.count() == before + 1

    # The public answers changed only now.
    page.get_by_role("button", name="Stop previewing the site").count()  # draft closed
    public = public_verdict(browser, live_server, NGINX)
    assert "Who runs the nginx controller?" in public
    guard.assert_clean("draft life")


def new_admin_pages(draft: Draft) -> list[str]:
    clause = Clause.objects.get(section__slug="unsupported-scenarios", key="unmanaged-ingress")
    verdict = find(draft.records, "verdict", "oss-unsupported")
    number = Revision.objects.order_by("-number").values_list("number", flat=True).first()
    return [
        "/admin/policy/draft/",
        "/admin/policy/draft/add/",
        f"/admin/policy/draft/{draft.pk}/change/",
        f"/admin/policy/draft/{draft.pk}/edit/{verdict}/",
        f"/admin/policy/draft/{draft.pk}/impact/",
        "/admin/policy/question/add-follow-up/",
        "/admin/policy/question/retire-answer/",
        f"/admin/policy/clause/{clause.pk}/move/",
        f"/admin/policy/clause/{clause.pk}/cite/",
        f"/admin/policy/revision/rollback/{number}/",
    ]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_new_admin_page_has_no_accessibility_violations(
    page, live_server, superuser, axe_audit, lang
):
    log_in(page.context, live_server, superuser)
    draft = open_draft("Audit", user=superuser)
    edit_draft(
        draft.pk,
        lambda r: cite_clause(r, anchor="unsupported-scenarios--unmanaged-ingress",
                                      verdicts=["oss-unsupported"]),
        expected_version=None,
    )  # fmt: skip
    draft.refresh_from_db()
    page.set_extra_http_headers({"Accept-Language": lang})
    found = {}
    for path in new_admin_pages(draft):
        response = page.goto(live_server.url + path)
        assert response is not None
        assert response.status == 200, path
        violations = axe_audit(page)
        if violations:
            found[path] = format_violations(violations)
    assert found == {}, "\n".join(f"{path} ({lang}):\n{text}" for path, text in found.items())


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_change_forms_with_row_tables_name_every_field(
    page, live_server, superuser, axe_audit, lang
):
    """Row tables (citations, routes, choices, clauses) label each cell for screen readers."""
    from supportscope.policy.models import Node, Question, Verdict

    log_in(page.context, live_server, superuser)
    page.set_extra_http_headers({"Accept-Language": lang})
    paths = [
        f"/admin/policy/verdict/{Verdict.objects.get(name='oss-unsupported').pk}/change/",
        f"/admin/policy/node/{Node.objects.get(name='oss').pk}/change/",
        f"/admin/policy/question/{Question.objects.get(key='oss').pk}/change/",
        f"/admin/policy/section/{Clause.objects.first().section_id}/change/",
    ]
    found = {}
    for path in paths:
        page.goto(live_server.url + path)
        violations = axe_audit(page)
        if violations:
            found[path] = format_violations(violations)
    assert found == {}, "\n".join(f"{path}:\n{text}" for path, text in found.items())
