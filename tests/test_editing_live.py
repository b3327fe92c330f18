"""Changing the live policy (``editing.live``): confirmed saves, locks, roll-backs."""

from __future__ import annotations

import pytest

from supportscope.policy import serial
from supportscope.policy.editing.checks import ConfirmationNeeded
from supportscope.policy.editing.live import (
    live_records,
    lock,
    publish_records,
    rollback_revision,
    save,
)
from supportscope.policy.integrity import EditRefused
from supportscope.policy.models import Clause, Node, Verdict
from supportscope.policy.store import current_revision
from tests.records import edit_rationale, follow_up

pytestmark = pytest.mark.django_db


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


def test_lock_claims_a_row_once_per_version():
    target = Clause.objects.get(section__slug="unsupported-scenarios", key="unmanaged-ingress")
    lock(target, 1)
    assert Clause.objects.get(pk=target.pk).version == 2
    with pytest.raises(EditRefused) as refused:
        lock(Clause.objects.get(pk=target.pk), 1)
    assert refused.value.kind == "stale"


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


def test_checking_a_roll_back_saves_nothing_and_lists_its_verdict_changes():
    live = live_records()
    publish_records(follow_up(live), user=None, summary="follow-up",
                    expected_live=live, needs_confirmation=False)  # fmt: skip
    added = current_revision()
    with pytest.raises(ConfirmationNeeded) as asked:
        rollback_revision(added, user=None, check_only=True)
    assert any("nginx-operator=addon" in change.query for change in asked.value.changes)
    assert current_revision() == added
    assert Node.objects.filter(question__key="nginx-operator").exists()
