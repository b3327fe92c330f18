"""Editing the policy in the admin: saves go live, stale saves are refused, the tree stays valid."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import call_command

from supportscope.core.content import read_policy
from supportscope.policy import admin as policy_admin
from supportscope.policy.editing.live import lock
from supportscope.policy.integrity import EditRefused
from supportscope.policy.models import (
    Choice,
    ChoiceGroup,
    Clause,
    Edge,
    Node,
    PolicyState,
    Question,
    Revision,
    Section,
    Verdict,
)
from supportscope.policy.snapshot import SnapshotCache
from supportscope.policy.store import current_revision
from tests.adminforms import form_data, post_change

pytestmark = pytest.mark.django_db

INGRESS = "unsupported-scenarios--unmanaged-ingress"
# the topics, in order: each one's node asks `component` offering that group's choices
GROUPS = ("requests", "changes", "cluster-state", "control-plane", "networking", "nodes", "addons")


def clause(anchor: str = INGRESS) -> Clause:
    slug, _sep, key = anchor.partition("--")
    return Clause.objects.select_related("section").get(section__slug=slug, key=key)


def clause_url(obj: Clause) -> str:
    return f"/admin/policy/clause/{obj.pk}/change/"


def verdict_url(name: str) -> str:
    return f"/admin/policy/verdict/{Verdict.objects.get(name=name).pk}/change/"


def node_url(name: str) -> str:
    return f"/admin/policy/node/{Node.objects.get(name=name).pk}/change/"


def errors(response) -> str:
    """Every error message on a re-rendered change form, as one string."""
    form = response.context["adminform"].form
    found = [str(e) for e in form.non_field_errors()]
    found += [f"{name}: {e}" for name, errs in form.errors.items() for e in errs]
    for inline in response.context["inline_admin_formsets"]:
        found += [str(e) for e in inline.formset.non_form_errors()]
        for row in inline.formset.forms:
            found += [f"{name}: {e}" for name, errs in row.errors.items() for e in errs]
    return " | ".join(found)


def confirm(client, url: str, response):
    """Post the re-rendered form again with the impact token it showed: "confirm and save"."""
    token = response.context["impact_token"]
    assert token
    data = form_data(response)
    data.update({"_impact": token, "_save": "Save"})
    return client.post(url, {k: v for k, v in data.items() if v is not None})


# -- edits go live ---------------------------------------------------------------


def test_a_clause_edit_shows_on_the_policy_page_and_in_the_api_at_once(admin_client):
    other_worker = SnapshotCache()
    assert "Rewritten" not in other_worker.get().clauses[INGRESS].text["en"]
    before = current_revision()

    response = post_change(
        admin_client, clause_url(clause()), {"body_en": "Rewritten: **no** custom ingress."}
    )

    assert response.status_code == 302
    assert current_revision() == before + 1
    page = admin_client.get("/policy/").content.decode()
    assert "Rewritten: <strong>no</strong> custom ingress." in page
    api = admin_client.get("/api/v1/verdict?component=ingress&ingress=nginx&lang=en").json()
    assert api["policy_revision"] == before + 1
    assert api["citations"][0]["quote"] == "Rewritten: **no** custom ingress."
    # Another worker holding the old tree recompiles on its next request.
    assert other_worker.get().revision == before + 1
    assert "Rewritten" in other_worker.get().clauses[INGRESS].text["en"]


def test_a_verdict_rationale_edit_changes_the_api_answer_in_both_languages(admin_client):
    response = post_change(
        admin_client,
        verdict_url("unmanaged-ingress-unsupported"),
        {"rationale_en": "Self-managed ingress: not ours.", "rationale_ko": "자체 관리 수신."},
    )
    assert response.status_code == 302
    query = "/api/v1/verdict?component=ingress&ingress=kong"
    assert admin_client.get(query + "&lang=en").json()["rationale"] == (
        "Self-managed ingress: not ours."
    )
    assert admin_client.get(query + "&lang=ko").json()["rationale"] == "자체 관리 수신."


def test_every_save_records_who_what_and_the_field_level_change(admin_client, admin_user):
    target = clause()
    old = target.body_ko
    post_change(admin_client, clause_url(target), {"body_ko": "새 문구."})

    revision = Revision.objects.order_by("-number").first()
    assert revision.number == PolicyState.objects.get().revision
    assert revision.user == admin_user
    (change,) = revision.changes
    assert change["model"] == "clause"
    assert change["object"] == f"clause {INGRESS}"
    assert change["fields"] == ["body_ko"]
    assert change["before"]["body_ko"] == old
    assert change["after"]["body_ko"] == "새 문구."
    target.refresh_from_db()
    assert target.version == 2
    assert target.html_ko == "<p>새 문구.</p>"


def test_a_save_that_changes_nothing_records_no_revision(admin_client):
    before = current_revision()
    response = post_change(admin_client, clause_url(clause()), {})
    assert response.status_code == 302
    assert current_revision() == before


def test_citations_are_edited_in_order_and_recorded_with_the_verdict(admin_client):
    url = verdict_url("unmanaged-ingress-unsupported")
    data = form_data(admin_client.get(url))
    extra = clause("unsupported-scenarios--app-certificates")
    data.update(
        {
            "citations-TOTAL_FORMS": "2",
            "citations-1-order": "2",
            "citations-1-clause": str(extra.pk),
            "citations-1-verdict": data["citations-0-verdict"],
            "_save": "Save",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, errors(response)
    (change,) = Revision.objects.order_by("-number").first().changes
    assert change["fields"] == ["citations"]
    assert change["after"]["citations"] == [INGRESS, extra.anchor]
    api = admin_client.get("/api/v1/verdict?component=ingress&ingress=nginx").json()
    assert [c["clause"] for c in api["citations"]] == [INGRESS, extra.anchor]


# -- no lost update ----------------------------------------------------------------


def test_a_stale_save_is_refused_and_shows_both_texts(admin_client, client, django_user_model):
    target = clause()
    url = clause_url(target)
    stale_form = form_data(admin_client.get(url))  # admin A opens the page

    other = django_user_model.objects.create_superuser("bea", "bea@example.com", "pw-bea-123")
    client.force_login(other)
    post_change(client, url, {"body_en": "Bea's wording, saved first."})  # admin B saves

    stale_form.update({"body_en": "Ann's wording, typed meanwhile.", "_save": "Save"})
    response = admin_client.post(url, stale_form)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved first" in html
    assert "Bea&#x27;s wording, saved first." in html  # theirs, in the conflict panel
    assert html.count("Ann&#x27;s wording, typed meanwhile.") >= 2  # panel and textarea
    assert "bea" in html  # who saved it
    target.refresh_from_db()
    assert target.body_en == "Bea's wording, saved first."
    # The form now carries Bea's version: saving again replaces it deliberately.
    again = form_data(response)
    again["_save"] = "Save"
    assert admin_client.post(url, again).status_code == 302
    target.refresh_from_db()
    assert target.body_en == "Ann's wording, typed meanwhile."


def test_a_refused_save_takes_their_change_to_fields_only_they_edited(admin_client, client):
    target = clause()
    url = clause_url(target)
    mine = form_data(admin_client.get(url))
    client.force_login(_other_admin())
    post_change(client, url, {"body_ko": "상대방이 고친 한국어."})

    mine.update({"body_en": "My English edit.", "_save": "Save"})
    refused = admin_client.post(url, mine)

    assert refused.status_code == 200
    conflict = refused.context["policy_conflicts"][0]
    assert [row.label for row in conflict.theirs_only] == ["Text (Korean)"]
    assert conflict.both == []
    again = form_data(refused)
    assert again["body_ko"] == "상대방이 고친 한국어."  # their edit is in the form now
    assert again["body_en"] == "My English edit."
    again["_save"] = "Save"
    assert admin_client.post(url, again).status_code == 302
    target.refresh_from_db()
    assert (target.body_en, target.body_ko) == ("My English edit.", "상대방이 고친 한국어.")


def _other_admin():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("bea", "bea@example.com", "pw-bea-123")


def test_the_conditional_update_refuses_a_stale_save_even_past_the_form_check(
    admin_client, monkeypatch
):
    """Two saves that both passed validation: only the first one's UPDATE matches a row."""
    target = clause()
    url = clause_url(target)
    stale_form = form_data(admin_client.get(url))
    Clause.objects.filter(pk=target.pk).update(body_en="Saved by another worker.", version=2)
    checks = []
    monkeypatch.setattr(
        policy_admin.VersionedForm, "check_version", lambda self: checks.append(self)
    )

    stale_form.update({"body_en": "Would overwrite.", "_save": "Save"})
    response = admin_client.post(url, stale_form)

    assert response.status_code == 200
    assert checks  # the form check was skipped, as in a race between two workers
    assert "changed by someone else while you were editing it" in errors(response)
    target.refresh_from_db()
    assert target.body_en == "Saved by another worker."
    assert "Would overwrite." in response.content.decode()


def test_a_stale_clause_row_on_the_section_page_is_refused(admin_client):
    target = clause()
    url = f"/admin/policy/section/{target.section_id}/change/"
    data = form_data(admin_client.get(url))
    prefix = next(
        k[: -len("-key")]
        for k, v in data.items()
        if k.endswith("-key") and v == "unmanaged-ingress"
    )
    Clause.objects.filter(pk=target.pk).update(body_ko="다른 관리자의 문구.", version=5)

    data.update({f"{prefix}-body_ko": "내 문구.", "_save": "Save"})
    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "다른 관리자의 문구." in response.content.decode()
    assert Clause.objects.get(pk=target.pk).body_ko == "다른 관리자의 문구."


# -- integrity -----------------------------------------------------------------------


def test_a_cited_clause_cannot_be_deleted_and_the_page_names_the_verdicts(admin_client):
    target = clause()
    url = f"/admin/policy/clause/{target.pk}/delete/"
    page = admin_client.get(url).content.decode()
    assert "verdict unmanaged-ingress-unsupported cites it" in page
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert Clause.objects.filter(pk=target.pk).exists()


def test_a_cited_clause_cannot_be_retired(admin_client):
    before = current_revision()
    response = post_change(admin_client, clause_url(clause()), {"retired": "on"})
    assert response.status_code == 200
    assert "cited by unmanaged-ingress-unsupported" in errors(response)
    assert not clause().retired
    assert current_revision() == before


def test_a_cited_clause_cannot_be_retired_or_deleted_from_its_section_page(admin_client):
    target = clause()
    url = f"/admin/policy/section/{target.section_id}/change/"
    data = form_data(admin_client.get(url))
    prefix = next(
        k[: -len("-key")]
        for k, v in data.items()
        if k.endswith("-key") and v == "unmanaged-ingress"
    )
    retire = post_change(admin_client, url, {f"{prefix}-retired": "on"})
    assert "cannot be retired: it is cited by unmanaged-ingress-unsupported" in errors(retire)
    delete = post_change(admin_client, url, {f"{prefix}-DELETE": "on"})
    assert delete.status_code == 200
    assert "unmanaged-ingress-unsupported" in errors(delete)  # the citing verdict, named
    assert Clause.objects.filter(pk=target.pk, retired=False).exists()


def test_a_section_with_cited_clauses_cannot_be_deleted(admin_client):
    section = Section.objects.get(slug="unsupported-scenarios")
    page = admin_client.get(f"/admin/policy/section/{section.pk}/delete/").content.decode()
    assert "verdict unmanaged-ingress-unsupported cites it" in page
    admin_client.post(f"/admin/policy/section/{section.pk}/delete/", {"post": "yes"})
    assert Section.objects.filter(pk=section.pk).exists()


def test_an_uncited_clause_can_be_retired_and_leaves_the_public_page(admin_client):
    cited = set(Clause.objects.filter(citations__isnull=False).values_list("pk", flat=True))
    target = Clause.objects.exclude(pk__in=cited).exclude(retired=True).first()
    response = post_change(admin_client, clause_url(target), {"retired": "on"})
    assert response.status_code == 302, errors(response)
    assert f'id="{target.anchor}"' not in admin_client.get("/policy/").content.decode()


def test_removing_a_route_is_refused_because_the_tree_would_be_invalid(admin_client):
    url = node_url("ingress")
    data = form_data(admin_client.get(url))
    row = next(k[: -len("-value")] for k, v in data.items() if k.endswith("-value") and v == "kong")
    before = current_revision()
    data.update({f"{row}-DELETE": "on", "_save": "Save"})
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "node 'ingress' has no branch for ingress=kong" in errors(response)
    assert Edge.objects.filter(node__name="ingress", value="kong").exists()
    assert current_revision() == before
    assert admin_client.get("/api/v1/verdict?component=ingress&ingress=kong").status_code == 200


def test_a_new_choice_without_a_route_is_refused_with_a_hint(admin_client):
    question = Question.objects.get(key="component")
    url = f"/admin/policy/question/{question.pk}/change/"
    data = form_data(admin_client.get(url))
    total = int(data["choices-TOTAL_FORMS"])
    data.update(
        {
            "choices-TOTAL_FORMS": str(total + 1),
            f"choices-{total}-order": "99",
            f"choices-{total}-value": "azure-policy",
            f"choices-{total}-label_en": "Azure Policy",
            f"choices-{total}-label_ko": "Azure Policy",
            f"choices-{total}-question": str(question.pk),
            "_save": "Save",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    # No node that asks the question routes the new choice: every one is named.
    nodes = ", ".join(f"'component-{group}'" for group in GROUPS)
    assert f"node {nodes} has no branch for component=azure-policy" in errors(response)
    assert not Choice.objects.filter(value="azure-policy").exists()


def test_a_new_verdict_alone_is_refused_as_unreachable_with_a_hint(admin_client):
    data = {
        "name": "orphan",
        "order": "99",
        "level": "unsupported",
        "rationale_en": "x",
        "rationale_ko": "x",
        "citations-TOTAL_FORMS": "1",
        "citations-INITIAL_FORMS": "0",
        "citations-0-order": "1",
        "citations-0-clause": str(clause().pk),
        "_save": "Save",
    }
    response = admin_client.post("/admin/policy/verdict/add/", data)
    assert response.status_code == 200
    assert "'orphan' can never be reached" in errors(response)
    assert "Add an answer with its verdict" in errors(response)
    assert not Verdict.objects.filter(name="orphan").exists()


# -- impact before a tree change -------------------------------------------------------


def test_a_reroute_shows_the_changed_answer_combinations_before_it_is_saved(admin_client):
    url = node_url("ingress")
    data = form_data(admin_client.get(url))
    row = next(
        k[: -len("-value")] for k, v in data.items() if k.endswith("-value") and v == "nginx"
    )
    managed = Verdict.objects.get(name="managed-ingress-supported")
    data.update({f"{row}-to_verdict": str(managed.pk), "_save": "Save"})
    before = current_revision()

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert current_revision() == before  # nothing saved yet
    changes = {change.query: change for change in response.context["impact_changes"]}
    assert set(changes) == {
        f"topic=networking&component=ingress&ingress=nginx&preview={value}"
        for value in ("ga", "preview", "k8s-beta", "k8s-alpha")
    }
    ga = changes["topic=networking&component=ingress&ingress=nginx&preview=ga"]
    assert ga.before.result.level.value == "unsupported"
    assert ga.after.result.level.value == "supported"
    assert (
        "topic=networking&amp;component=ingress&amp;ingress=nginx&amp;preview=ga"
        in response.content.decode()
    )

    saved = confirm(admin_client, url, response)
    assert saved.status_code == 302
    assert current_revision() == before + 1
    api = admin_client.get("/api/v1/verdict?component=ingress&ingress=nginx&preview=ga").json()
    assert api["verdict"] == "supported"


def test_the_check_button_saves_nothing_and_says_when_no_verdict_changes(admin_client):
    before = current_revision()
    response = post_change(
        admin_client, clause_url(clause()), {"body_en": "Only words."}, _check="1"
    )
    assert response.status_code == 200
    html = response.content.decode()
    # The check's result is information, not an error: no red "Please correct" note.
    assert errors(response) == ""
    assert "errornote" not in html
    panel = html[html.index('id="impact-title"') :]
    assert "this change alters no verdict" in panel[: panel.index("</section>")]
    assert "Only words." in html  # kept in the form
    assert current_revision() == before


def test_a_confirmation_for_another_change_does_not_save_this_one(admin_client):
    url = verdict_url("unmanaged-ingress-unsupported")
    response = post_change(admin_client, url, {"level": "best_effort"}, _impact="0" * 16)
    assert response.status_code == 200
    assert Verdict.objects.get(name="unmanaged-ingress-unsupported").level == "unsupported"


# -- the clause page lists what cites it ------------------------------------------------


def test_a_clause_page_lists_the_verdicts_and_answer_paths_that_cite_it(admin_client):
    response = admin_client.get(clause_url(clause()))
    assert [v.name for v in response.context["citing_verdicts"]] == [
        "unmanaged-ingress-unsupported"
    ]
    assert [p.query for p in response.context["citing_paths"]] == [
        "topic=requests&component=upstream-bug&installed_by=customer-ingress",
        "topic=cluster-state&component=kubernetes-version&version_issue=upgrade&installed_by=customer-ingress",
        "topic=networking&component=ingress&ingress=nginx",
        "topic=networking&component=ingress&ingress=kong",
        "topic=networking&component=ingress&ingress=traefik",
        "topic=networking&component=ingress&ingress=other",
    ]
    assert (
        "/triage/?topic=networking&amp;component=ingress&amp;ingress=nginx"
        in response.content.decode()
    )


def test_a_section_page_lists_verdicts_citing_any_of_its_clauses(admin_client):
    section = Section.objects.get(slug="preview-features-or-feature-flags")
    response = admin_client.get(f"/admin/policy/section/{section.pk}/change/")
    assert "preview-best-effort" in [v.name for v in response.context["citing_verdicts"]]
    assert all("preview=preview" in p.query for p in response.context["citing_paths"])


def test_a_verdict_page_lists_its_answer_paths(admin_client):
    response = admin_client.get(verdict_url("unmanaged-ingress-unsupported"))
    # four unmanaged ingress controllers, and a customer's ingress broken by an upstream
    # bug or a Kubernetes version
    assert response.context["verdict_paths_total"] == 6


# -- a real policy update, end to end ----------------------------------------------------

NEW_CLAUSE_EN = "Detailed troubleshooting of custom Azure Policy definitions and their logic."
NEW_CLAUSE_KO = "사용자 지정 Azure Policy 정의와 그 논리의 상세한 문제 해결."


def add_scenario(client) -> Verdict:
    """The update of issue 5: a new unsupported scenario, its clause and its verdict."""
    section = Section.objects.get(slug="unsupported-scenarios")
    response = client.post(
        "/admin/policy/clause/add/",
        {
            "section": section.pk,
            "key": "custom-azure-policy",
            "order": "50",
            "kind": "item",
            "body_en": NEW_CLAUSE_EN,
            "body_ko": NEW_CLAUSE_KO,
            "_save": "Save",
        },
    )
    assert response.status_code == 302, errors(response)
    new_clause = clause("unsupported-scenarios--custom-azure-policy")
    answer = {
        "question": Question.objects.get(key="component").pk,
        "group": ChoiceGroup.objects.get(key="addons").pk,
        "value": "azure-policy-custom",
        "label_en": "Custom Azure Policy logic",
        "label_ko": "사용자 지정 Azure Policy 논리",
        "verdict_name": "custom-azure-policy-unsupported",
        "level": "unsupported",
        "rationale_en": "Support does not debug the logic of custom Azure Policy definitions.",
        "rationale_ko": "지원팀은 사용자 지정 Azure Policy 정의의 논리를 디버그하지 않습니다.",
        "make_supported_en": "Use built-in Azure Policy definitions for AKS.",
        "make_supported_ko": "AKS용 기본 제공 Azure Policy 정의를 사용하세요.",
        "citations": [new_clause.pk],
    }
    url = "/admin/policy/question/add-answer/"
    check = client.post(url, answer)
    assert check.status_code == 200
    (change,) = check.context["impact_changes"]
    assert change.query == "topic=addons&component=azure-policy-custom"
    assert change.before.result is None
    assert change.after.result.level.value == "unsupported"
    saved = client.post(url, {**answer, "_impact": check.context["impact_token"]})
    assert saved.status_code == 302
    return Verdict.objects.get(name="custom-azure-policy-unsupported")


def test_a_new_unsupported_scenario_is_added_end_to_end_without_code(admin_client, tmp_path):
    before = current_revision()
    verdict = add_scenario(admin_client)
    assert current_revision() == before + 2  # the clause, then answer + verdict + route

    api = admin_client.get("/api/v1/verdict?component=azure-policy-custom&lang=ko").json()
    assert api["complete"] is True
    assert api["verdict"] == "unsupported"
    assert api["rationale"] == verdict.rationale_ko
    assert [c["clause"] for c in api["citations"]] == ["unsupported-scenarios--custom-azure-policy"]
    assert api["citations"][0]["quote"] == NEW_CLAUSE_KO
    new = {"value": "azure-policy-custom", "label": "Custom Azure Policy logic"}
    for group in GROUPS:  # offered under its own topic only
        asked = admin_client.get(f"/api/v1/verdict?topic={group}&lang=en").json()
        assert asked["next_question"]["key"] == "component"
        assert (new in asked["next_question"]["choices"]) == (group == "addons")
    assert NEW_CLAUSE_EN in admin_client.get("/policy/?lang=en").content.decode()
    last = Revision.objects.order_by("-number").first()
    assert {c["object"] for c in last.changes} == {
        "choice component=azure-policy-custom",
        "verdict custom-azure-policy-unsupported",
        "node component-addons",
    }

    # Backup: export_policy writes the edit, tree included, back to files.
    call_command("export_policy", str(tmp_path), stdout=io.StringIO())
    exported = read_policy(tmp_path)
    tree = json.loads((tmp_path / "tree.json").read_text(encoding="utf-8"))
    nodes = {node["name"]: node for node in tree["nodes"]}
    assert nodes["component-addons"]["next"]["azure-policy-custom"] == (
        "custom-azure-policy-unsupported"
    )
    assert any(v["name"] == "custom-azure-policy-unsupported" for v in tree["verdicts"])
    section = next(s for s in exported.sections if s.slug == "unsupported-scenarios")
    assert section.clauses[-1].body == {"en": NEW_CLAUSE_EN, "ko": NEW_CLAUSE_KO}


# -- live preview, CSP and access ---------------------------------------------------------


def test_the_change_form_has_an_htmx_live_preview_and_no_inline_script_or_style(admin_client):
    response = admin_client.get(clause_url(clause()))
    html = response.content.decode()
    assert 'hx-post="/admin/policy/clause/preview/?field=body_en"' in html
    assert 'hx-trigger="input changed delay:300ms"' in html
    assert 'id="preview-id_body_en"' in html
    assert '<script src="/static/django_htmx/htmx-2.min.js" defer></script>' in html
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, tag
    assert " style=" not in html
    assert re.search(r"\son[a-z]+=", html) is None
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_the_preview_renders_like_the_public_page_and_strips_script(admin_client):
    payload = "Hi **there** <script>alert(1)</script> [x](javascript:alert(1))"
    response = admin_client.post(
        "/admin/policy/clause/preview/?field=body_en", {"body_en": payload}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>there</strong>" in html
    assert "<script>" not in html
    assert "javascript:" not in html


def test_the_preview_names_a_bad_field(admin_client):
    response = admin_client.post("/admin/policy/clause/preview/?field=slug", {"slug": "x"})
    assert response.status_code == 400
    assert "slug" in response.content.decode()
    assert "body_en" in response.content.decode()


def test_the_preview_and_the_admin_are_for_staff_only(client, django_user_model):
    response = client.post("/admin/policy/clause/preview/?field=body_en", {"body_en": "x"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    # Signed in without the form: sign-in itself is tested in test_signin.py.
    client.force_login(django_user_model.objects.create_user("reader", password="pw-reader-123"))
    assert client.get(clause_url(clause())).status_code == 302


def test_the_admin_is_in_korean_with_our_own_strings_translated(admin_client):
    html = admin_client.get(clause_url(clause()) + "?lang=ko").content.decode()
    assert "변경" in html  # Django's own Korean
    assert "Check verdict changes" not in html
    assert "Preview, as readers will see it" not in html


# -- inline rows, deletes and their history -------------------------------------------------


def test_a_clause_edited_on_its_section_page_is_saved_and_recorded(admin_client):
    target = clause()
    url = f"/admin/policy/section/{target.section_id}/change/"
    data = form_data(admin_client.get(url))
    prefix = next(
        k[: -len("-key")] for k, v in data.items() if k.endswith("-key") and v == target.key
    )
    data.update(
        {f"{prefix}-body_en": "Edited inline.", "title_ko": "지원 범위 밖", "_save": "Save"}
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, errors(response)
    target.refresh_from_db()
    assert target.body_en == "Edited inline."
    assert target.version == 2
    changes = Revision.objects.order_by("-number").first().changes
    assert {(c["model"], tuple(c["fields"])) for c in changes} == {
        ("clause", ("body_en",)),
        ("section", ("title_ko",)),
    }


def test_deleting_an_uncited_clause_is_recorded_and_can_be_restored(admin_client):
    cited = Clause.objects.filter(citations__isnull=False).values_list("pk", flat=True)
    target = Clause.objects.exclude(pk__in=list(cited)).first()
    anchor, pk = target.anchor, target.pk
    before = current_revision()
    response = admin_client.post(f"/admin/policy/clause/{pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Clause.objects.filter(pk=pk).exists()
    (change,) = Revision.objects.get(number=before + 1).changes
    assert (change["change"], change["object"]) == ("deleted", f"clause {anchor}")

    restore = f"/admin/policy/revision/restore/{before}/clause/{pk}/"
    assert admin_client.post(restore, {"version": ""}).status_code == 302
    assert Clause.objects.get(pk=pk).anchor == anchor
    assert f'id="{anchor}"' in admin_client.get("/policy/").content.decode()


def test_a_delete_that_would_break_the_tree_is_refused_with_the_problems(admin_client):
    modifier = Question.objects.get(key="preview").modifier
    response = admin_client.post(
        f"/admin/policy/modifier/{modifier.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert "uses unknown modifier &#x27;preview&#x27;" in response.content.decode()
    assert Question.objects.get(key="preview").modifier.pk == modifier.pk


def test_a_refused_verdict_save_merges_levels_and_modifiers(admin_client, client):
    url = verdict_url("unmanaged-ingress-unsupported")
    mine = form_data(admin_client.get(url))
    client.force_login(_other_admin())
    first = post_change(client, url, {"level": "best_effort"})
    post_change(client, url, {"level": "best_effort"}, _impact=first.context["impact_token"])

    mine.update({"rationale_en": "Mine.", "_save": "Save"})
    refused = admin_client.post(url, mine)

    conflict = refused.context["policy_conflicts"][0]
    assert [row.label for row in conflict.theirs_only] == ["Level"]
    assert form_data(refused)["level"] == "best_effort"


def test_history_and_restore_are_for_staff_only(client):
    assert client.get("/admin/policy/revision/").status_code == 302
    assert client.get("/admin/policy/revision/compare/").status_code == 302
    assert client.get("/admin/policy/revision/restore/1/clause/1/").status_code == 302


def test_a_route_change_can_be_restored(admin_client):
    node = Node.objects.get(name="ingress")
    start = current_revision()
    url = node_url("ingress")
    data = form_data(admin_client.get(url))
    row = next(k[: -len("-value")] for k, v in data.items() if k.endswith("-value") and v == "kong")
    managed = Verdict.objects.get(name="managed-ingress-supported")
    data.update({f"{row}-to_verdict": str(managed.pk), "_save": "Save"})
    check = admin_client.post(url, data)
    assert confirm(admin_client, url, check).status_code == 302
    assert Edge.objects.get(node=node, value="kong").to_verdict == managed

    restore = f"/admin/policy/revision/restore/{start}/node/{node.pk}/"
    node.refresh_from_db()
    first = admin_client.post(restore, {"version": node.version})
    assert first.context["impact_total"] == 4
    admin_client.post(restore, {"version": node.version, "_impact": first.context["impact_token"]})
    assert Edge.objects.get(node=node, value="kong").to_verdict.name == (
        "unmanaged-ingress-unsupported"
    )


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_of_one_version_let_exactly_one_through():
    """Real concurrency, two connections: the second UPDATE waits for the first commit, then
    matches no row. Needs a server database (CI runs the suite on PostgreSQL too)."""
    import threading

    from django.db import connection, connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite's in-memory test database cannot share writers")
    pk = clause().pk
    first_locked, second_started = threading.Event(), threading.Event()
    results: dict[str, str] = {}

    def save(name: str, text: str) -> None:
        try:
            with transaction.atomic():
                target = Clause.objects.get(pk=pk)
                if name == "second":
                    first_locked.wait()
                    second_started.set()
                lock(target, 1)
                if name == "first":
                    first_locked.set()
                    second_started.wait()
                target.body_en = text
                target.save()
            results[name] = "saved"
        except EditRefused:
            results[name] = "refused"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=("first", "First admin.")),
        threading.Thread(target=save, args=("second", "Second admin.")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {"first": "saved", "second": "refused"}
    assert Clause.objects.get(pk=pk).body_en == "First admin."
    assert Clause.objects.get(pk=pk).version == 2


XSS = (
    "<script>alert(1)</script> <img src=x onerror=alert(2)> <svg onload=alert(3)></svg> "
    "[a](javascript:alert(4)) [b](data:text/html;base64,PHNjcmlwdD4=)"
)
RAW = ("<script>alert", "<img src=x", "<svg onload", 'href="javascript:', 'href="data:')


def test_script_in_every_editable_text_field_never_reaches_a_page(admin_client):
    """Admins type it in through the admin; public pages, previews and history escape it."""
    start = current_revision()
    edits = [
        (clause_url(clause()), {"body_en": XSS, "body_ko": XSS}),
        (
            f"/admin/policy/section/{clause().section_id}/change/",
            {"title_en": XSS, "title_ko": XSS},
        ),
        (
            verdict_url("unmanaged-ingress-unsupported"),
            {
                f"{name}_{lang}": XSS
                for name in ("rationale", "make_supported")
                for lang in ["en", "ko"]
            },
        ),
        (
            f"/admin/policy/question/{Question.objects.get(key='ingress').pk}/change/",
            {
                "text_en": XSS,
                "text_ko": XSS,
                "help_en": XSS,
                "choices-0-label_en": XSS,
                "choices-0-description_ko": XSS,
            },
        ),
    ]
    for url, changes in edits:
        response = post_change(admin_client, url, changes)
        assert response.status_code == 302, errors(response)
    pages = [
        "/",
        "/policy/",
        "/policy/?lang=ko",
        *(url for url, _changes in edits),
        "/admin/policy/revision/",
        f"/admin/policy/revision/compare/?from={start}&to={current_revision()}",
        f"/admin/policy/revision/restore/{start}/clause/{clause().pk}/",
    ]
    for page in pages:
        html = admin_client.get(page).content.decode()
        for raw in RAW:
            assert raw not in html, (page, raw)
    public = admin_client.get("/policy/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in public  # it is there, as text
    preview = admin_client.post("/admin/policy/clause/preview/?field=body_en", {"body_en": XSS})
    for raw in RAW:
        assert raw not in preview.content.decode()
    api = admin_client.get("/api/v1/verdict?component=ingress&ingress=nginx")
    assert api["Content-Type"] == "application/json"
