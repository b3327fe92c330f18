"""Files <-> database: the shipped policy loads, edits survive, round trips are lossless."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from supportscope.core.content import read_policy, write_policy
from supportscope.policy.models import (
    Choice,
    ChoiceGroup,
    Clause,
    PolicyState,
    Question,
    Revision,
    Section,
    Verdict,
)
from supportscope.policy.store import (
    CONTENT_DIR,
    ImportRefused,
    current_revision,
    export_data,
    import_policy,
)

pytestmark = pytest.mark.django_db


def test_a_migrated_database_already_serves_the_shipped_policy():
    assert Section.objects.count() == 17
    assert Clause.objects.count() == sum(len(s.clauses) for s in read_policy(CONTENT_DIR).sections)
    assert Verdict.objects.filter(name="unmanaged-ingress-unsupported").exists()
    assert current_revision() >= 1


def test_load_export_load_is_lossless(tmp_path):
    """The database exports exactly the shipped files, and loading the export changes nothing."""
    call_command("export_policy", str(tmp_path), stdout=io.StringIO())
    for path in sorted(CONTENT_DIR.rglob("*.*")):
        exported = tmp_path / path.relative_to(CONTENT_DIR)
        assert exported.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), path
    before = current_revision()
    report = import_policy(read_policy(tmp_path))
    assert not report.changed
    assert not report.kept
    assert not report.conflicts
    assert current_revision() == before


def test_reloading_unchanged_files_records_no_revision():
    before = Revision.objects.count()
    out = io.StringIO()
    call_command("load_policy", stdout=out)
    assert "no change" in out.getvalue()
    assert Revision.objects.count() == before


def _edit_clause(body_en: str) -> Clause:
    clause = Clause.objects.get(section__slug="unsupported-scenarios", key="app-certificates")
    clause.body_en = body_en
    clause.save()
    return clause


def test_load_policy_keeps_an_admin_edit_when_the_file_did_not_change():
    _edit_clause("Edited by an admin.")
    out = io.StringIO()
    call_command("load_policy", stdout=out)
    assert "kept     clause unsupported-scenarios--app-certificates" in out.getvalue()
    assert Clause.objects.get(key="app-certificates").body_en == "Edited by an admin."


def _changed_files(tmp_path: Path) -> Path:
    policy = read_policy(CONTENT_DIR)
    section = next(s for s in policy.sections if s.slug == "unsupported-scenarios")
    clause = next(c for c in section.clauses if c.key == "app-certificates")
    clause.body["en"] = "Changed in the files."
    write_policy(tmp_path, policy)
    return tmp_path


def test_load_policy_takes_a_file_change_when_nobody_edited_the_row(tmp_path):
    before = current_revision()
    call_command("load_policy", str(_changed_files(tmp_path)), stdout=io.StringIO())
    clause = Clause.objects.get(key="app-certificates")
    assert clause.body_en == "Changed in the files."
    assert "Changed in the files." in clause.html_en
    assert current_revision() == before + 1


def test_load_policy_reports_a_conflict_and_keeps_the_admin_edit(tmp_path):
    _edit_clause("Edited by an admin.")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 conflict"):
        call_command("load_policy", str(_changed_files(tmp_path)), stdout=io.StringIO(), stderr=err)
    assert "CONFLICT clause unsupported-scenarios--app-certificates" in err.getvalue()
    assert Clause.objects.get(key="app-certificates").body_en == "Edited by an admin."


def test_load_policy_force_takes_the_files_text_over_a_conflict(tmp_path):
    _edit_clause("Edited by an admin.")
    call_command("load_policy", str(_changed_files(tmp_path)), "--force", stdout=io.StringIO())
    assert Clause.objects.get(key="app-certificates").body_en == "Changed in the files."


def test_an_admin_added_row_survives_a_reload():
    extra = Question.objects.create(key="extra", order=99, text_en="Extra?", text_ko="추가?")
    extra.choices.create(value="yes", order=1, label_en="Yes", label_ko="예")
    call_command("load_policy", stdout=io.StringIO())
    assert Question.objects.filter(key="extra").exists()


def test_an_import_that_would_break_the_tree_changes_nothing(tmp_path):
    policy = read_policy(CONTENT_DIR)
    policy.tree["verdicts"][0]["citations"] = ["supported-scenarios--no-such-clause"]
    revision = PolicyState.objects.get().revision
    with pytest.raises(ImportRefused, match="no-such-clause"):
        import_policy(policy, force=True)
    assert PolicyState.objects.get().revision == revision
    assert Verdict.objects.get(name=policy.tree["verdicts"][0]["name"]).citations.count() > 0


def test_load_policy_reports_a_broken_tree_as_a_command_error(tmp_path):
    policy = read_policy(CONTENT_DIR)
    policy.tree["nodes"][0]["next"]["api-server"] = "nowhere"
    write_policy(tmp_path, policy)
    with pytest.raises(CommandError, match="nowhere"):
        call_command("load_policy", str(tmp_path), "--force", stdout=io.StringIO())


def test_load_policy_reports_malformed_files_as_a_command_error(tmp_path):
    (tmp_path / "sections").mkdir()
    (tmp_path / "sections" / "01-x.md").write_text("nonsense", encoding="utf-8")
    with pytest.raises(CommandError, match="front matter"):
        call_command("load_policy", str(tmp_path), stdout=io.StringIO())


def test_export_reflects_edits_in_the_database(tmp_path):
    _edit_clause("Edited by an admin.")
    exported = export_data()
    section = next(s for s in exported.sections if s.slug == "unsupported-scenarios")
    assert next(c for c in section.clauses if c.key == "app-certificates").body["en"] == (
        "Edited by an admin."
    )


def test_search_terms_round_trip_between_files_database_and_export(tmp_path):
    """Terms load from tree.json, are edited one per line, and export as lists again."""
    policy = read_policy(CONTENT_DIR)
    question = next(q for q in policy.tree["questions"] if q["key"] == "ingress")
    choice = next(c for c in question["choices"] if c["value"] == "kong")
    choice["terms"] = {"en": ["Kong Gateway", "kong-proxy"], "ko": ["콩 게이트웨이"]}
    import_policy(policy)
    row = Question.objects.get(key="ingress").choices.get(value="kong")
    assert row.terms_en == "Kong Gateway\nkong-proxy"
    assert row.terms_ko == "콩 게이트웨이"

    row.terms_en = "  Kong Gateway \n\n kong-proxy\nKIC\n"
    row.save()
    # A choice without terms exports without the key (every shipped choice has terms).
    Question.objects.get(key="ingress").choices.filter(value="nginx").update(
        terms_en="", terms_ko=""
    )
    exported = export_data().tree
    kong = next(
        c
        for q in exported["questions"]
        if q["key"] == "ingress"
        for c in q["choices"]
        if c["value"] == "kong"
    )
    assert kong["terms"] == {"en": ["Kong Gateway", "kong-proxy", "KIC"], "ko": ["콩 게이트웨이"]}
    nginx = next(
        c
        for q in exported["questions"]
        if q["key"] == "ingress"
        for c in q["choices"]
        if c["value"] == "nginx"
    )
    assert "terms" not in nginx


def test_every_shipped_text_fits_its_column():
    # SQLite does not enforce a CharField's max_length; PostgreSQL refuses the load.
    tree = json.loads((CONTENT_DIR / "tree.json").read_text(encoding="utf-8"))
    rows = [(ChoiceGroup, "label", g["label"]) for g in tree.get("groups", ())]
    for question in tree["questions"]:
        rows += [(Question, part, question[part]) for part in ("text", "help") if part in question]
        for choice in question["choices"]:
            rows += [
                (Choice, part, choice[part]) for part in ("label", "description") if part in choice
            ]
    too_long = [
        (model.__name__, part, lang, len(text))
        for model, part, texts in rows
        for lang, text in texts.items()
        if len(text) > model._meta.get_field(f"{part}_{lang}").max_length
    ]
    assert len(rows) > 250
    assert too_long == []
