"""The editing service, without the admin: drafts, publishing, reshaping, roll-back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from supportscope.engine import resolve
from supportscope.policy import drafts_report, serial
from supportscope.policy.editing.checks import ConfirmationNeeded, DraftOutdated, check_records
from supportscope.policy.editing.drafts import (
    discard_draft,
    edit_draft,
    open_draft,
    publish_draft,
    publish_due,
    rebase_draft,
    schedule_draft,
)
from supportscope.policy.editing.live import (
    live_records,
    lock,
    publish_records,
    rollback_revision,
    save,
)
from supportscope.policy.editing.reshaping import (
    NewChoice,
    add_follow_up,
    cite_clause,
    find,
    move_clause,
    new_key,
    retire_answer,
    set_record,
)
from supportscope.policy.integrity import EditRefused
from supportscope.policy.models import Choice, Clause, Draft, Edge, Node, Revision, Verdict
from supportscope.policy.snapshot import compile_records
from supportscope.policy.store import current_revision, current_state, export_data

pytestmark = pytest.mark.django_db

INGRESS = "unsupported-scenarios--unmanaged-ingress"


def level(records: serial.Records, **answers: str) -> str:
    tree = check_records(records)
    outcome = resolve(tree, answers)
    assert outcome.result is not None, outcome.question
    return outcome.result.level.value


def key_of(records: serial.Records, kind: str, ident: str) -> str:
    found = find(records, kind, ident)
    assert found is not None
    return found


def edit_rationale(records: serial.Records, name: str, text: str) -> serial.Records:
    key = key_of(records, "verdict", name)
    return set_record(records, key, {**records[key], "rationale_en": text})


def follow_up(records: serial.Records) -> serial.Records:
    """Nginx ingress now depends on who runs it: the add-on is supported."""
    return add_follow_up(
        records,
        node="ingress",
        value="nginx",
        question={"key": "nginx-operator", "text_en": "Who runs nginx?", "text_ko": "누가?"},
        choices=[
            NewChoice("customer", "The customer", "고객", "unmanaged-ingress-unsupported"),
            NewChoice("addon", "The routing add-on", "추가 기능", "nginx-addon-supported"),
        ],
        new_verdicts=[
            {
                "name": "nginx-addon-supported",
                "level": "supported",
                "rationale_en": "The add-on is managed.",
                "rationale_ko": "관리되는 추가 기능입니다.",
                "citations": ["supported-scenarios--networking"],
            }
        ],
    )


# -- records and the one serialiser ------------------------------------------------------


def test_the_records_of_the_live_policy_make_exactly_the_exported_document():
    assert serial.to_document(live_records()) == export_data()


def test_a_record_written_back_reads_back_the_same():
    verdict = Verdict.objects.get(name="unmanaged-ingress-unsupported")
    record = serial.read(verdict)
    changed = {
        **record,
        "rationale_en": "Reworded.",
        "citations": list(reversed(record["citations"])),
    }
    serial.write("verdict", changed, verdict)
    assert serial.read(verdict) == changed


def test_the_fingerprint_depends_on_content_not_on_row_ids_or_revisions():
    records = live_records()
    renumbered = {f"{key}-copy": record for key, record in records.items()}
    assert serial.fingerprint(serial.to_document(renumbered)) == serial.fingerprint(
        serial.to_document(records)
    )
    changed = edit_rationale(records, "unmanaged-ingress-unsupported", "Other words.")
    assert serial.fingerprint(serial.to_document(changed)) != serial.fingerprint(
        serial.to_document(records)
    )


# -- saving live ---------------------------------------------------------------------------


def test_a_live_save_that_changes_verdicts_waits_for_the_confirmed_list():
    verdict = Verdict.objects.get(name="unmanaged-ingress-unsupported")

    def apply(recorder):
        recorder.before(verdict)
        Verdict.objects.filter(pk=verdict.pk).update(level="best_effort")
        recorder.touched(verdict)

    before = current_revision()
    with pytest.raises(ConfirmationNeeded) as asked:
        save(apply, user=None)
    assert {c.after.result.level.value for c in asked.value.changes} == {"best_effort"}
    assert current_revision() == before
    assert Verdict.objects.get(pk=verdict.pk).level == "unsupported"  # rolled back

    saved = save(apply, user=None, confirm=asked.value.token)
    assert saved.revision == before + 1
    assert Verdict.objects.get(pk=verdict.pk).level == "best_effort"


def test_lock_refuses_a_version_someone_else_claimed():
    clause = Clause.objects.get(section__slug="unsupported-scenarios", key="unmanaged-ingress")
    lock(clause, clause.version)
    with pytest.raises(EditRefused) as refused:
        lock(clause, clause.version - 1)
    assert refused.value.kind == "stale"


# -- drafts ---------------------------------------------------------------------------------


def test_a_draft_leaves_the_live_policy_untouched_until_it_is_published():
    draft = open_draft("Spring update", user=None)
    before = current_revision()
    edit_draft(
        draft.pk,
        lambda r: edit_rationale(r, "unmanaged-ingress-unsupported", "Draft words."),
        expected_version=draft.version,
    )
    edit_draft(draft.pk, follow_up, expected_version=None)
    assert Verdict.objects.get(name="unmanaged-ingress-unsupported").rationale_en != "Draft words."
    assert not Verdict.objects.filter(name="nginx-addon-supported").exists()
    assert current_revision() == before

    draft.refresh_from_db()
    changes = drafts_report.draft_impact(draft)
    saved = publish_draft(draft.pk, user=None, confirm=changes.token)

    assert saved.revision == before + 1
    assert Revision.objects.count() == Revision.objects.filter(number__lte=before + 1).count()
    live = live_records()
    assert level(live, component="ingress", ingress="nginx", **{"nginx-operator": "addon"},
                 preview="ga") == "supported"  # fmt: skip
    assert Verdict.objects.get(name="unmanaged-ingress-unsupported").rationale_en == "Draft words."
    objects = {c["object"] for c in Revision.objects.get(number=saved.revision).changes}
    assert {"verdict unmanaged-ingress-unsupported", "verdict nginx-addon-supported",
            "question nginx-operator", "node ingress"} <= objects  # fmt: skip
    assert Draft.objects.get(pk=draft.pk).state == Draft.PUBLISHED


def test_publishing_asks_to_confirm_the_verdict_changes_of_the_whole_draft():
    draft = open_draft("Follow-up", user=None)
    edit_draft(draft.pk, follow_up, expected_version=None)
    with pytest.raises(ConfirmationNeeded) as asked:
        publish_draft(draft.pk, user=None, confirm="0" * 16)
    assert any("nginx-operator=addon" in change.query for change in asked.value.changes)
    assert Draft.objects.get(pk=draft.pk).state == Draft.OPEN


def test_a_draft_that_fails_the_checks_cannot_be_published():
    draft = open_draft("Broken", user=None)

    def orphan(records):
        key = new_key(records, "verdict")
        return {**records, key: {
            "name": "nobody-reaches-me", "order": 99, "level": "supported",
            "rationale_en": "x", "rationale_ko": "x", "make_supported_en": "",
            "make_supported_ko": "", "citations": [INGRESS], "modifiers": []}}  # fmt: skip

    edit_draft(draft.pk, orphan, expected_version=None)
    with pytest.raises(EditRefused) as refused:
        publish_draft(draft.pk, user=None, confirm="")
    assert any("nobody-reaches-me" in problem for problem in refused.value.problems)
    assert not Verdict.objects.filter(name="nobody-reaches-me").exists()


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


def test_a_draft_is_refused_when_live_moved_and_a_rebase_takes_the_live_change():
    draft = open_draft("Slow", user=None)
    edit_draft(
        draft.pk,
        lambda r: edit_rationale(r, "unmanaged-ingress-unsupported", "Mine."),
        expected_version=None,
    )
    Verdict.objects.filter(name="oss-unsupported").update(rationale_en="Changed live meanwhile.")

    with pytest.raises(DraftOutdated) as outdated:
        publish_draft(draft.pk, user=None, confirm="")
    assert outdated.value.changed == ["verdict oss-unsupported"]
    assert outdated.value.conflicts == []

    merged = rebase_draft(draft.pk, expected_version=None)
    assert merged.theirs == ["verdict oss-unsupported"]
    draft.refresh_from_db()
    publish_draft(draft.pk, user=None, confirm=drafts_report.draft_impact(draft).token)
    assert Verdict.objects.get(name="oss-unsupported").rationale_en == "Changed live meanwhile."
    assert Verdict.objects.get(name="unmanaged-ingress-unsupported").rationale_en == "Mine."


def test_a_conflict_is_never_overwritten():
    draft = open_draft("Clash", user=None)
    edit_draft(
        draft.pk,
        lambda r: edit_rationale(r, "unmanaged-ingress-unsupported", "Mine."),
        expected_version=None,
    )
    Verdict.objects.filter(name="unmanaged-ingress-unsupported").update(rationale_en="Theirs.")
    with pytest.raises(DraftOutdated) as outdated:
        rebase_draft(draft.pk, expected_version=None)
    assert outdated.value.conflicts == ["verdict unmanaged-ingress-unsupported"]
    with pytest.raises(DraftOutdated):
        publish_draft(draft.pk, user=None, rebase=True)
    assert Verdict.objects.get(name="unmanaged-ingress-unsupported").rationale_en == "Theirs."


def test_an_edit_based_on_an_old_draft_version_is_refused():
    draft = open_draft("Two editors", user=None)
    edit_draft(draft.pk, lambda r: r, expected_version=draft.version)
    with pytest.raises(EditRefused) as refused:
        edit_draft(draft.pk, lambda r: r, expected_version=draft.version)
    assert refused.value.kind == "stale"


def test_a_discarded_draft_can_no_longer_be_edited_or_published():
    draft = open_draft("Never mind", user=None)
    discard_draft(draft.pk)
    with pytest.raises(EditRefused):
        publish_draft(draft.pk, user=None)
    assert Draft.objects.get(pk=draft.pk).state == Draft.DISCARDED


# -- publishing at a time ---------------------------------------------------------------------


def test_a_scheduled_draft_goes_live_at_its_time_and_not_before():
    now = timezone.now()
    draft = open_draft("At nine", user=None)
    edit_draft(
        draft.pk,
        lambda r: edit_rationale(r, "unmanaged-ingress-unsupported", "From nine."),
        expected_version=None,
    )
    schedule_draft(draft.pk, now + timedelta(hours=1), now=now)
    assert current_state()[1] == int((now + timedelta(hours=1)).timestamp())
    assert publish_due(now + timedelta(minutes=59)) == []
    assert Verdict.objects.get(name="unmanaged-ingress-unsupported").rationale_en != "From nine."

    (done,) = publish_due(now + timedelta(hours=1, seconds=1))
    assert done.revision == current_revision()
    assert Verdict.objects.get(name="unmanaged-ingress-unsupported").rationale_en == "From nine."
    assert Draft.objects.get(pk=draft.pk).state == Draft.PUBLISHED


def test_a_scheduled_draft_that_fails_its_checks_stays_open_and_says_why():
    now = timezone.now()
    draft = open_draft("Clash at nine", user=None)
    edit_draft(
        draft.pk,
        lambda r: edit_rationale(r, "unmanaged-ingress-unsupported", "Mine."),
        expected_version=None,
    )
    schedule_draft(draft.pk, now + timedelta(minutes=5), now=now)
    Verdict.objects.filter(name="unmanaged-ingress-unsupported").update(rationale_en="Theirs.")
    (done,) = publish_due(now + timedelta(minutes=6))
    assert done.revision is None
    draft.refresh_from_db()
    assert draft.state == Draft.OPEN
    assert draft.publish_at is None
    assert any("unmanaged-ingress-unsupported" in p for p in draft.problems)


def test_scheduling_needs_a_future_time():
    draft = open_draft("Past", user=None)
    with pytest.raises(EditRefused):
        schedule_draft(draft.pk, timezone.now() - timedelta(minutes=1))


def test_the_next_publication_time_rides_on_the_revision_check():
    now = timezone.now()
    first = open_draft("First", user=None)
    second = open_draft("Second", user=None)
    assert current_state()[1] is None
    schedule_draft(second.pk, now + timedelta(hours=2), now=now)
    schedule_draft(first.pk, now + timedelta(hours=1), now=now)
    assert current_state()[1] == int((now + timedelta(hours=1)).timestamp())
    discard_draft(first.pk)
    assert current_state()[1] == int((now + timedelta(hours=2)).timestamp())
    schedule_draft(second.pk, None)
    assert current_state()[1] is None


# -- reshaping ---------------------------------------------------------------------------------


def test_a_follow_up_question_changes_only_the_path_it_is_asked_on():
    live = live_records()
    reshaped = follow_up(live)
    assert level(reshaped, component="ingress", ingress="nginx", preview="ga",
                 **{"nginx-operator": "customer"}) == "unsupported"  # fmt: skip
    assert level(reshaped, component="ingress", ingress="kong", preview="ga") == level(
        live, component="ingress", ingress="kong", preview="ga"
    )
    tree = check_records(reshaped)
    asked = resolve(tree, {"component": "ingress", "ingress": "nginx"})
    assert asked.question is not None
    assert asked.question.key == "nginx-operator"


def test_a_follow_up_needs_an_existing_answer_and_a_new_key():
    live = live_records()
    with pytest.raises(EditRefused):
        add_follow_up(live, node="ingress", value="no-such", question={"key": "x"},
                              choices=[])  # fmt: skip
    with pytest.raises(EditRefused):
        add_follow_up(live, node="ingress", value="nginx",
                              question={"key": "ingress", "text_en": "", "text_ko": ""},
                              choices=[])  # fmt: skip


def test_retiring_an_answer_removes_its_routes_and_what_only_it_reached_in_one_step():
    live = live_records()
    retired = retire_answer(live, question="oss", value="helm")
    assert find(retired, "choice", "oss=helm") is None
    assert find(retired, "verdict", "oss-helm-best-effort") is None  # only helm led there
    assert find(retired, "retiredanswer", "oss=helm") is not None
    saved = publish_records(retired, user=None, summary="retire helm",
                                    expected_live=live, needs_confirmation=False)  # fmt: skip
    assert saved.revision == current_revision()
    assert not Choice.objects.filter(question__key="oss", value="helm").exists()
    assert not Edge.objects.filter(value="helm").exists()
    assert not Verdict.objects.filter(name="oss-helm-best-effort").exists()


def test_moving_a_clause_renumbers_its_section_without_duplicates():
    live = live_records()
    moved = move_clause(live, anchor=INGRESS, position=1)
    section = sorted(
        (r for k, r in moved.items() if k.startswith("clause:")
         and r["section"] == "unsupported-scenarios"),
        key=lambda r: r["order"],
    )  # fmt: skip
    assert section[0]["key"] == "unmanaged-ingress"
    assert [r["order"] for r in section] == list(range(1, len(section) + 1))
    publish_records(moved, user=None, summary="move", expected_live=live)
    first = Clause.objects.filter(section__slug="unsupported-scenarios").order_by("order").first()
    assert first.key == "unmanaged-ingress"


def test_a_clause_can_be_cited_by_chosen_verdicts():
    live = live_records()
    cited = cite_clause(live, anchor=INGRESS, verdicts=["oss-unsupported"])
    key = key_of(cited, "verdict", "oss-unsupported")
    assert cited[key]["citations"][-1] == INGRESS
    assert cite_clause(cited, anchor=INGRESS, verdicts=["oss-unsupported"]) == cited


def test_rolling_back_a_revision_undoes_its_additions_as_a_new_revision():
    live = live_records()
    publish_records(follow_up(live), user=None, summary="follow-up",
                            expected_live=live, needs_confirmation=False)  # fmt: skip
    added = current_revision()
    assert Node.objects.filter(question__key="nginx-operator").exists()

    with pytest.raises(ConfirmationNeeded) as asked:  # verdicts change back: confirm first
        rollback_revision(added, user=None, confirm=None)
    saved = rollback_revision(added, user=None, confirm=asked.value.token)
    assert saved.revision == added + 1
    assert not Node.objects.filter(question__key="nginx-operator").exists()
    assert not Verdict.objects.filter(name="nginx-addon-supported").exists()
    assert serial.to_document(live_records()) == serial.to_document(live)


def test_rolling_back_is_refused_when_a_later_revision_changed_the_same_object():
    live = live_records()
    changed = edit_rationale(live, "oss-unsupported", "First.")
    publish_records(changed, user=None, summary="one", expected_live=live)
    first = current_revision()
    again = edit_rationale(changed, "oss-unsupported", "Second.")
    publish_records(again, user=None, summary="two", expected_live=changed)
    with pytest.raises(EditRefused) as refused:
        rollback_revision(first, user=None)
    assert "verdict oss-unsupported" in refused.value.problems[0]


def test_a_draft_compiles_to_a_snapshot_with_its_own_fingerprint():
    live = live_records()
    snapshot = compile_records(follow_up(live), revision=1, draft=7, draft_title="t")
    assert snapshot.draft == 7
    assert "nginx-operator" in snapshot.tree.questions
    assert snapshot.fingerprint != serial.fingerprint(serial.to_document(live))


@pytest.mark.parametrize("kind", list(serial.SPECS))
def test_every_editable_field_of_a_policy_object_is_in_its_one_serialiser(kind):
    """A new field goes into the spec once; import/export, revisions, drafts, restore and
    the fingerprint then carry it. This fails if a field is added to a model only."""
    spec = serial.SPECS[kind]
    editable = {
        field.name
        for field in spec.model._meta.get_fields()
        if getattr(field, "editable", False)
        and not field.auto_created
        and field.concrete
        and field.name not in {"version", "source_hash"}
    }
    covered = {*spec.fields, *spec.keys, *spec.extras, "clauses"}  # clauses: the citations
    assert editable <= covered, editable - covered


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
