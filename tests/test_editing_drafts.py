"""Drafts (``editing.drafts``): kept apart from the live policy, rebased, published, scheduled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from supportscope.policy import drafts_report
from supportscope.policy.editing.checks import ConfirmationNeeded, DraftOutdated
from supportscope.policy.editing.drafts import (
    discard_draft,
    edit_draft,
    open_draft,
    publish_draft,
    publish_due,
    rebase_draft,
    schedule_draft,
)
from supportscope.policy.editing.live import live_records
from supportscope.policy.editing.reshaping import new_key
from supportscope.policy.integrity import EditRefused
from supportscope.policy.models import Draft, Revision, Verdict
from supportscope.policy.store import current_revision, current_state
from tests.records import INGRESS, edit_rationale, follow_up, level

pytestmark = pytest.mark.django_db


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


# -- publishing at a time ----------------------------------------------------------------


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


@pytest.mark.parametrize(("lang", "state"), [("en", "discarded"), ("ko", "폐기됨")])
def test_editing_a_closed_draft_is_refused_naming_its_state_in_the_admins_language(lang, state):
    draft = open_draft("Closed", user=None)
    discard_draft(draft.pk)
    with translation.override(lang), pytest.raises(EditRefused) as refused:
        edit_draft(draft.pk, lambda r: r, expected_version=None)
    assert state in refused.value.problems[0]
