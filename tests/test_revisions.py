"""Revisions: snapshots, the state at any revision, diffs between two, and restoring."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from supportscope.core.content import read_policy, write_policy
from supportscope.policy import revisions
from supportscope.policy.models import Clause, Revision, Verdict
from supportscope.policy.store import CONTENT_DIR, current_revision
from tests.adminforms import post_change

pytestmark = pytest.mark.django_db

INGRESS = "unsupported-scenarios--unmanaged-ingress"


def ingress_clause() -> Clause:
    return Clause.objects.get(section__slug="unsupported-scenarios", key="unmanaged-ingress")


def edit(client, text: str) -> int:
    target = ingress_clause()
    response = post_change(client, f"/admin/policy/clause/{target.pk}/change/", {"body_en": text})
    assert response.status_code == 302
    return current_revision()


def test_a_snapshot_holds_related_rows_by_natural_key():
    data = revisions.snapshot(Verdict.objects.get(name="unmanaged-ingress-unsupported"))
    assert data["citations"] == [INGRESS]
    assert data["modifiers"] == []
    assert data["level"] == "unsupported"
    clause = revisions.snapshot(ingress_clause())
    assert clause["section"] == "unsupported-scenarios"
    assert clause["key"] == "unmanaged-ingress"


def test_the_state_at_any_revision_is_rebuilt_from_the_entries(admin_client):
    original = ingress_clause().body_en
    start = current_revision()
    first = edit(admin_client, "First wording.")
    second = edit(admin_client, "Second wording.")
    pk = ingress_clause().pk
    assert revisions.state_at("clause", pk, start)["body_en"] == original
    assert revisions.state_at("clause", pk, first)["body_en"] == "First wording."
    assert revisions.state_at("clause", pk, second)["body_en"] == "Second wording."
    assert [r.number for r in revisions.revisions_of("clause", pk)][:2] == [second, first]


def test_the_diff_between_two_revisions_marks_the_changed_words(admin_client):
    start = edit(admin_client, "Support does not manage nginx.")
    end = edit(admin_client, "Support does not manage kong.")
    (diff,) = revisions.diff_between(start, end)
    assert revisions.diff_between(end, start)[0].fields[0].after == "Support does not manage nginx."
    (field,) = diff.fields
    assert field.name == "body_en"
    assert field.after == "Support does not manage kong."
    deleted, inserted = field.lines
    assert deleted.parts[-1] == (True, "nginx.")
    assert inserted.parts[-1] == (True, "kong.")
    assert "".join(text for changed, text in inserted.parts if not changed) == (
        "Support does not manage "
    )


def test_diff_lines_keep_equal_lines_and_mark_added_ones():
    lines = revisions.diff_lines("a\nb", "a\nb\nc")
    assert [line.tag for line in lines] == ["equal", "equal", "insert"]
    assert lines[2].parts == [(True, "c")]


def test_the_history_pages_show_diffs_escaped(admin_client):
    start = current_revision()
    end = edit(admin_client, 'Now <script>alert("x")</script> and <b>bold</b>.')
    revision = Revision.objects.get(number=end)
    detail = admin_client.get(f"/admin/policy/revision/{revision.pk}/change/").content.decode()
    compare = admin_client.get(
        f"/admin/policy/revision/compare/?from={start}&to={end}"
    ).content.decode()
    for html in (detail, compare):
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
        assert "<b>bold</b>" not in html
    listing = admin_client.get("/admin/policy/revision/").content.decode()
    assert f"r{end}" in listing


def test_compare_names_bad_revision_numbers(admin_client):
    response = admin_client.get("/admin/policy/revision/compare/?from=x&to=2")
    assert response.status_code == 400
    assert "revision numbers" in response.content.decode()


def test_restore_brings_the_old_text_back_as_a_new_revision(admin_client):
    original = ingress_clause().body_en
    start = current_revision()
    edit(admin_client, "A wording we regret.")
    pk = ingress_clause().pk
    url = f"/admin/policy/revision/restore/{start}/clause/{pk}/"

    page = admin_client.get(url)
    assert page.status_code == 200
    assert "A wording we regret." in page.content.decode()
    version = page.context["current_version"]
    response = admin_client.post(url, {"version": version})

    assert response.status_code == 302
    assert ingress_clause().body_en == original
    restored = Revision.objects.order_by("-number").first()
    assert restored.number == start + 2
    assert restored.summary.startswith("restored clause " + INGRESS)
    assert restored.changes[0]["after"]["body_en"] == original
    api = admin_client.get("/api/v1/verdict?component=ingress&ingress=nginx").json()
    assert api["citations"][0]["quote"] == original
    assert api["policy_revision"] == start + 2


def test_restore_refuses_a_stale_version(admin_client):
    start = current_revision()
    edit(admin_client, "Later wording.")
    pk = ingress_clause().pk
    url = f"/admin/policy/revision/restore/{start}/clause/{pk}/"
    response = admin_client.post(url, {"version": "1"})
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    assert ingress_clause().body_en == "Later wording."


def test_restoring_a_verdict_level_asks_to_confirm_the_verdict_changes(admin_client):
    verdict = Verdict.objects.get(name="unmanaged-ingress-unsupported")
    start = current_revision()
    url = f"/admin/policy/verdict/{verdict.pk}/change/"
    response = post_change(admin_client, url, {"level": "best_effort"})
    token = response.context["impact_token"]
    post_change(admin_client, url, {"level": "best_effort"}, _impact=token)
    verdict.refresh_from_db()
    assert verdict.level == "best_effort"

    restore = f"/admin/policy/revision/restore/{start}/verdict/{verdict.pk}/"
    check = admin_client.post(restore, {"version": verdict.version})
    assert check.status_code == 200
    # every path to the verdict: four unmanaged ingress controllers, and a customer's
    # ingress broken by an upstream bug or a Kubernetes version
    assert check.context["impact_total"] == 6
    done = admin_client.post(
        restore, {"version": verdict.version, "_impact": check.context["impact_token"]}
    )
    assert done.status_code == 302
    assert Verdict.objects.get(pk=verdict.pk).level == "unsupported"


def test_restore_of_an_unchanged_object_has_nothing_to_do(admin_client):
    pk = ingress_clause().pk
    page = admin_client.get(f"/admin/policy/revision/restore/{current_revision()}/clause/{pk}/")
    assert "nothing to restore" in page.content.decode()


def test_restore_names_an_unknown_kind_of_object(admin_client):
    response = admin_client.get("/admin/policy/revision/restore/1/user/1/")
    assert response.status_code == 400
    assert "clause" in response.content.decode()


def test_apply_snapshot_refuses_a_citation_of_a_clause_that_is_gone():
    verdict = Verdict.objects.get(name="unmanaged-ingress-unsupported")
    data = {**revisions.snapshot(verdict), "citations": ["unsupported-scenarios--nope"]}
    with pytest.raises(revisions.RestoreError) as error:
        revisions.apply_snapshot("verdict", verdict.pk, data)
    assert "unsupported-scenarios--nope" in str(error.value)


def test_a_file_import_records_snapshots_too(tmp_path):
    policy = read_policy(CONTENT_DIR)
    section = next(s for s in policy.sections if s.slug == "unsupported-scenarios")
    item = next(c for c in section.clauses if c.key == "unmanaged-ingress")
    item.body["en"] = "Changed in the files."
    write_policy(tmp_path, policy)
    call_command("load_policy", str(tmp_path), stdout=io.StringIO())
    revision = Revision.objects.order_by("-number").first()
    (change,) = revision.changes
    assert change["model"] == "clause"
    assert change["after"]["body_en"] == "Changed in the files."
    assert change["before"]["body_en"] != "Changed in the files."
    assert revisions.revisions_of("clause", ingress_clause().pk)[0] == revision
