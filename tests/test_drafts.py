"""Drafts and receipts through the admin and the public site (the guided steps themselves:
test_admin_reshape_*.py)."""

from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone

from supportscope.policy import preview, serial
from supportscope.policy.editing import drafts
from supportscope.policy.editing.live import live_records, publish_records
from supportscope.policy.editing.reshaping import (
    NewChoice,
    add_follow_up,
    cite_clause,
    find,
    retire_answer,
    set_record,
)
from supportscope.policy.models import Clause, Draft, Verdict
from supportscope.policy.preview import PREVIEW_COOKIE
from supportscope.policy.snapshot import cache, previews
from supportscope.policy.store import current_revision
from supportscope.web.pagecache import pages
from tests.adminforms import open_draft

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_pages")]

INGRESS = "unsupported-scenarios--unmanaged-ingress"
NGINX = "component=ingress&ingress=nginx&preview=ga"


def draft_url(draft: Draft, rest: str = "") -> str:
    return f"/admin/policy/draft/{draft.pk}/{rest}"


def edit_in_draft(admin_client, draft: Draft, key: str, **changes: str):
    form = admin_client.get(draft_url(draft, f"edit/{key}/")).context["form"]
    data = {name: value for name, value in form.initial.items() if name in form.fields}
    for name, value in list(data.items()):
        if isinstance(value, bool):
            data[name] = "on" if value else ""
        elif value is None:
            data[name] = ""
    data.update(changes)
    data["draft_version"] = str(Draft.objects.get(pk=draft.pk).version)
    return admin_client.post(draft_url(draft, f"edit/{key}/"), data)


def verdict_key(draft: Draft, name: str) -> str:
    return find(Draft.objects.get(pk=draft.pk).records, "verdict", name)


def api(client, query: str = NGINX) -> dict:
    return client.get(f"/api/v1/verdict?{query}").json()


def test_a_drafts_life_through_the_admin(admin_client, client):
    draft = open_draft(admin_client)
    key = verdict_key(draft, "unmanaged-ingress-unsupported")
    response = edit_in_draft(admin_client, draft, key, level="best_effort")
    assert response.status_code == 302, response.context["form"].errors

    # Live is untouched, for the public and for the admin.
    assert api(client)["verdict"] == "unsupported"
    page = admin_client.get(draft_url(draft, "change/")).content.decode()
    assert "1 object changed in this draft" in page

    report = admin_client.get(draft_url(draft, "impact/"))
    assert report.status_code == 200
    queries = {change.query for change in report.context["report"].verdicts}
    assert "topic=networking&component=ingress&ingress=nginx" in queries
    token = report.context["report"].token

    before = current_revision()
    published = admin_client.post(draft_url(draft, "act/publish/"), {"_impact": token})
    assert published.status_code == 302
    assert current_revision() == before + 1
    assert api(client)["verdict"] == "best_effort"
    assert Draft.objects.get(pk=draft.pk).state == Draft.PUBLISHED


def test_publishing_with_a_stale_report_goes_back_to_the_report(admin_client):
    draft = open_draft(admin_client)
    edit_in_draft(admin_client, draft, verdict_key(draft, "unmanaged-ingress-unsupported"),
                  level="best_effort")  # fmt: skip
    response = admin_client.post(draft_url(draft, "act/publish/"), {"_impact": "0" * 16})
    assert response["Location"].endswith(draft_url(draft, "impact/"))
    assert Draft.objects.get(pk=draft.pk).state == Draft.OPEN


def test_an_edit_form_names_a_bad_route_line(admin_client):
    draft = open_draft(admin_client)
    node = find(draft.records, "node", "ingress")
    response = edit_in_draft(admin_client, draft, node, edges="nginx unmanaged")
    assert response.status_code == 200
    assert "value -> target" in response.context["form"].errors["edges"][0]


def test_the_impact_report_lists_citations_extra_answers_and_gone_values(admin_client):
    draft = open_draft(admin_client)

    def reshape(records):
        records = cite_clause(
            records, anchor="supported-scenarios--networking", verdicts=["oss-unsupported"]
        )
        records = retire_answer(records, question="oss", value="helm")
        return add_follow_up(
            records, node="ingress", value="nginx",
            question={"key": "nginx-operator", "text_en": "Who?", "text_ko": "누가?"},
            choices=[NewChoice("customer", "Customer", "고객",
                                       "unmanaged-ingress-unsupported"),
                     NewChoice("addon", "Add-on", "추가", "managed-ingress-supported")],
        )  # fmt: skip

    drafts.edit_draft(draft.pk, reshape, expected_version=None)
    report = admin_client.get(draft_url(draft, "impact/")).context["report"]
    assert any(c.verdict == "oss-unsupported" for c in report.citations)
    assert any(row.question == "nginx-operator" for row in report.extra_answers)
    assert [(g.key, g.value, g.notice) for g in report.gone] == [("oss", "helm", True)]
    assert not report.problems


def test_staff_preview_shows_the_draft_on_every_public_page_and_nobody_else(admin_client, client):
    draft = open_draft(admin_client)
    edit_in_draft(admin_client, draft, verdict_key(draft, "unmanaged-ingress-unsupported"),
                  level="best_effort", rationale_en="Draft rationale.")  # fmt: skip
    clause = find(Draft.objects.get(pk=draft.pk).records, "clause", INGRESS)
    edit_in_draft(admin_client, draft, clause, body_en="Draft clause text.")

    client.get(f"/triage/?{NGINX}")  # a public page, now held by the page cache
    started = admin_client.post(draft_url(draft, "act/preview/"))
    assert started.cookies[PREVIEW_COOKIE].value == str(draft.pk)

    staff_page = admin_client.get(f"/triage/?{NGINX}")
    assert "Draft rationale." in staff_page.content.decode()
    assert "Preview of the draft" in staff_page.content.decode()
    assert "no-store" in staff_page["Cache-Control"]
    assert api(admin_client)["verdict"] == "best_effort"
    assert "Draft clause text." in admin_client.get("/policy/").content.decode()
    assert admin_client.get("/triage/map/").status_code == 200

    # The public, even with the cookie, sees the live policy; the cache holds no draft page.
    client.cookies[PREVIEW_COOKIE] = str(draft.pk)
    public = client.get(f"/triage/?{NGINX}").content.decode()
    assert "Draft rationale." not in public
    assert "Preview of the draft" not in public
    assert api(client)["verdict"] == "unsupported"

    drafts.discard_draft(draft.pk)  # a closed draft is previewed no more
    assert "Preview of the draft" not in admin_client.get("/triage/").content.decode()

    stopped = admin_client.post(draft_url(draft, "act/unpreview/"))
    assert stopped.cookies[PREVIEW_COOKIE].value == ""
    admin_client.cookies.pop(PREVIEW_COOKIE, None)
    assert api(admin_client)["verdict"] == "unsupported"


def test_an_unfinished_draft_previews_the_live_policy_with_the_banner(admin_client):
    draft = open_draft(admin_client)
    node = find(draft.records, "node", "ingress")
    edit_in_draft(admin_client, draft, node, edges="nginx -> nowhere")
    admin_client.post(draft_url(draft, "act/preview/"))
    page = admin_client.get("/triage/").content.decode()
    assert "Preview of the draft" in page
    previews._held.clear()


def test_a_scheduled_draft_shows_as_scheduled_and_goes_live_at_the_first_request_after(
    admin_client, client, monkeypatch
):
    draft = open_draft(admin_client)
    edit_in_draft(admin_client, draft, verdict_key(draft, "unmanaged-ingress-unsupported"),
                  level="best_effort")  # fmt: skip
    at = timezone.localtime(timezone.now() + timedelta(hours=2)).replace(second=0, microsecond=0)
    response = admin_client.post(
        draft_url(draft, "act/schedule/"), {"publish_at": at.strftime("%Y-%m-%dT%H:%M")}
    )
    assert response.status_code == 302
    assert "scheduled for" in admin_client.get("/admin/policy/draft/").content.decode()
    assert (
        "Scheduled: goes live at" in admin_client.get(draft_url(draft, "change/")).content.decode()
    )

    assert api(client)["verdict"] == "unsupported"  # before its time
    later = at + timedelta(minutes=1)
    assert api(client)["verdict"] == "unsupported"  # the page is cached...
    monkeypatch.setattr(preview.timezone, "now", lambda: later)
    assert api(client)["verdict"] == "best_effort"  # ...yet the first request after its time
    assert Draft.objects.get(pk=draft.pk).state == Draft.PUBLISHED


def test_the_publish_scheduled_command_publishes_what_is_due():
    draft = drafts.open_draft("Cron", user=None)
    now = timezone.now()
    drafts.schedule_draft(draft.pk, now + timedelta(seconds=1), now=now)
    Draft.objects.filter(pk=draft.pk).update(publish_at=now - timedelta(seconds=1))
    out = io.StringIO()
    call_command("publish_scheduled", stdout=out)
    # The draft changed nothing, so publishing records no revision, and closes it.
    assert Draft.objects.get(pk=draft.pk).state == Draft.PUBLISHED
    call_command("publish_scheduled", stdout=out)
    assert "no scheduled draft is due" in out.getvalue()


def test_discard_and_rebase_through_the_admin(admin_client):
    draft = open_draft(admin_client)
    edit_in_draft(admin_client, draft, verdict_key(draft, "oss-unsupported"),
                  rationale_en="Mine.")  # fmt: skip
    Verdict.objects.filter(name="coredns-supported").update(rationale_en="Live moved.")
    page = admin_client.get(draft_url(draft, "change/")).content.decode()
    assert "The live policy changed after this draft began" in page
    admin_client.post(draft_url(draft, "act/rebase/"))
    assert Draft.objects.get(pk=draft.pk).base == live_records()
    admin_client.post(draft_url(draft, "act/discard/"))
    assert Draft.objects.get(pk=draft.pk).state == Draft.DISCARDED
    assert admin_client.post(draft_url(draft, "act/explode/")).status_code == 400


# -- clause positions, modifiers and roll-back through the admin ---------------------------


def test_a_duplicate_clause_position_is_refused_on_the_clause_page(admin_client):
    from tests.adminforms import post_change

    clause = Clause.objects.get(section__slug="unsupported-scenarios", key="unmanaged-ingress")
    other = Clause.objects.filter(section=clause.section).exclude(pk=clause.pk).first()
    response = post_change(
        admin_client, f"/admin/policy/clause/{clause.pk}/change/", {"order": str(other.order)}
    )
    assert response.status_code == 200
    assert "already has position" in str(response.context["adminform"].form.errors)


def test_the_modifier_list_of_a_verdict_offers_only_modifiers(admin_client):
    verdict = Verdict.objects.get(name="oss-unsupported")
    form = admin_client.get(f"/admin/policy/verdict/{verdict.pk}/change/").context["adminform"].form
    assert [q.key for q in form.fields["modifiers"].queryset] == ["preview", "advice"]


def test_a_whole_revision_is_rolled_back_from_the_history(admin_client):
    live = live_records()
    changed = cite_clause(live, anchor=INGRESS, verdicts=["oss-unsupported"])
    publish_records(changed, user=None, summary="cite", expected_live=live)
    number = current_revision()
    url = f"/admin/policy/revision/rollback/{number}/"
    assert admin_client.get(url).status_code == 200
    done = admin_client.post(url)
    assert done.status_code == 302
    assert INGRESS not in serial.read(Verdict.objects.get(name="oss-unsupported"))["citations"]


# -- receipts pinned to the content -------------------------------------------------------


def permalink(client, query: str = NGINX) -> str:
    response = client.get(f"/triage/?{query}&lang=en")
    return response.context["s"].permalink


def notice(client, link: str) -> str:
    parts = urlsplit(link)
    response = client.get(f"{parts.path}?{parts.query}")
    assert response.status_code == 200
    found = response.context["s"].notice
    return found.text if found else ""


def test_an_old_permalink_still_knows_after_export_and_load_into_a_fresh_database(client, tmp_path):
    for text in ("One.", "Two.", "Three."):  # this instance is at a higher revision
        live = live_records()
        changed = set_record(live, find(live, "verdict", "oss-unsupported"),
                                     {**live[find(live, "verdict", "oss-unsupported")],
                                      "rationale_en": text})  # fmt: skip
        publish_records(changed, user=None, summary=text, expected_live=live)
    link = permalink(client)
    old_revision = current_revision()
    assert dict(parse_qsl(urlsplit(link).query))["rev"] == str(old_revision)
    call_command("export_policy", str(tmp_path), stdout=io.StringIO())

    # A fresh database: no rows, no revisions; then the exported files.
    from supportscope.policy import models

    for model in ("Overlay", "Modifier", "Edge", "Node", "Verdict", "Choice", "Question",
                  "ChoiceGroup", "Clause", "Section", "Revision", "PolicyState"):  # fmt: skip
        getattr(models, model).objects.all().delete()
    call_command("load_policy", str(tmp_path), stdout=io.StringIO())
    cache.clear()
    pages.clear()
    assert current_revision() < old_revision

    assert notice(client, link) == ""  # the same policy: recognised, no notice

    live = live_records()
    key = find(live, "verdict", "unmanaged-ingress-unsupported")
    reworded = cite_clause(live, anchor="supported-scenarios--networking",
                                   verdicts=["unmanaged-ingress-unsupported"])  # fmt: skip
    assert reworded[key]["level"] == "unsupported"
    publish_records(reworded, user=None, summary="cite more", expected_live=live)
    text = notice(client, link)
    assert "The policy has changed since this link was made." in text
    assert "the clauses it cites changed" in text


def test_a_permalink_notices_a_changed_verdict_and_names_a_malformed_fingerprint(client):
    link = permalink(client)
    live = live_records()
    key = find(live, "verdict", "unmanaged-ingress-unsupported")
    publish_records(
        set_record(live, key, {**live[key], "level": "best_effort"}),
        user=None, summary="soften", expected_live=live, needs_confirmation=False,
    )  # fmt: skip
    assert "The verdict changed" in notice(client, link)
    bad = client.get("/triage/?component=ingress&fp=nothex")
    assert bad.status_code == 400
    assert "nothex" in bad.content.decode()


def test_a_new_object_is_added_to_a_draft_and_one_change_can_be_undone(admin_client):
    draft = open_draft(admin_client)
    data = {
        "key": "cloud-shell", "order": "99", "kind": "item", "retired": "",
        "body_en": "A new clause.", "body_ko": "새 조항.", "section": "unsupported-scenarios",
        "draft_version": str(Draft.objects.get(pk=draft.pk).version),
    }  # fmt: skip
    added = admin_client.post(draft_url(draft, "edit/clause:new/"), data)
    assert added.status_code == 302
    records = Draft.objects.get(pk=draft.pk).records
    key = find(records, "clause", "unsupported-scenarios--cloud-shell")
    assert key == "clause:new-1"
    assert not Clause.objects.filter(key="cloud-shell").exists()

    verdict = verdict_key(draft, "oss-unsupported")
    edit_in_draft(admin_client, draft, verdict, rationale_en="Changed.")
    admin_client.post(draft_url(draft, "act/revert/"), {"key": verdict})
    draft.refresh_from_db()
    assert draft.records[verdict] == draft.base[verdict]
    assert key in draft.records  # the other change stays

    removed = admin_client.post(
        draft_url(draft, f"edit/{key}/"),
        {"_delete": "1", "draft_version": str(draft.version)},
    )
    assert removed.status_code == 302
    assert key not in Draft.objects.get(pk=draft.pk).records


def test_a_stale_draft_form_is_refused_and_says_so(admin_client):
    draft = open_draft(admin_client)
    key = verdict_key(draft, "oss-unsupported")
    form = admin_client.get(draft_url(draft, f"edit/{key}/")).context["form"]
    drafts.edit_draft(draft.pk, lambda r: r, expected_version=None)  # someone else saved
    data = {k: v for k, v in form.initial.items() if k in form.fields}
    data["modifiers"] = []
    data["draft_version"] = str(draft.version)  # the version the form was loaded at
    response = admin_client.post(draft_url(draft, f"edit/{key}/"), data)
    assert response.status_code == 200
    assert "Someone else changed this draft" in str(response.context["form"].non_field_errors())


def test_draft_actions_take_post_only_and_name_bad_input(admin_client):
    draft = open_draft(admin_client)
    assert admin_client.get(draft_url(draft, "act/publish/")).status_code == 405
    bad = admin_client.post(draft_url(draft, "act/schedule/"), {"publish_at": "soon"})
    assert bad.status_code == 302
    assert Draft.objects.get(pk=draft.pk).publish_at is None
    at = timezone.localtime(timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    admin_client.post(draft_url(draft, "act/schedule/"), {"publish_at": at})
    assert Draft.objects.get(pk=draft.pk).publish_at is not None
    admin_client.post(draft_url(draft, "act/unschedule/"))
    assert Draft.objects.get(pk=draft.pk).publish_at is None
    assert admin_client.get(draft_url(draft, "edit/nothing:1/")).status_code == 404


def test_drafts_are_for_staff_with_policy_permissions(client, django_user_model):
    viewer = django_user_model.objects.create_user(
        "viewer", password="pw-viewer-123", is_staff=True
    )
    client.force_login(viewer)
    assert client.get("/admin/policy/draft/add/").status_code == 403
    draft = drafts.open_draft("Private", user=None)
    client.cookies[PREVIEW_COOKIE] = str(draft.pk)
    assert "Preview of the draft" not in client.get("/triage/").content.decode()
