"""Drafts: a copy of the policy edited apart from the live one, published as one revision.

A draft holds the live records it began from (``base``) and its own (``records``); it
may be incomplete meanwhile, and publishing checks it whole through
``live.publish_records``. When the live policy moved since the draft began, the draft is
refused (``DraftOutdated``) or rebased: a three-way merge per object (``merge``) that
never overwrites a change made on both sides. A draft can also be scheduled; the next
due time rides on the policy state row, which every worker reads with the revision.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from supportscope.policy import freshness, serial
from supportscope.policy.editing.checks import DraftOutdated, check_records
from supportscope.policy.editing.live import Saved, live_records, publish_records
from supportscope.policy.integrity import EditRefused
from supportscope.policy.models import Draft, PolicyState
from supportscope.policy.serial import Records
from supportscope.policy.store import current_revision


def open_draft(title: str, *, user: Any) -> Draft:
    """A draft holding a copy of the live policy; the live policy is untouched."""
    with transaction.atomic():
        live = live_records()
        return Draft.objects.create(
            title=title.strip() or _("Untitled draft"),
            created_by=user if getattr(user, "pk", None) else None,
            base_revision=current_revision(),
            base=live,
            records=live,
        )


def _open(draft_id: int) -> Draft:
    draft = Draft.objects.select_for_update().filter(pk=draft_id).first()
    if draft is None:
        raise EditRefused([_("There is no draft %(id)s.") % {"id": draft_id}])
    if draft.state != Draft.OPEN:
        raise EditRefused(
            [
                _("Draft “%(title)s” is %(state)s.")
                % {"title": draft, "state": draft.get_state_display()}
            ]
        )
    return draft


def edit_draft(
    draft_id: int, change: Callable[[Records], Records], *, expected_version: int | None
) -> Draft:
    """Apply ``change`` (records in, records out) to an open draft, at the version the
    editor loaded. The draft may be incomplete meanwhile; publishing checks it whole."""
    with transaction.atomic():
        draft = _open(draft_id)
        if expected_version is not None and expected_version != draft.version:
            raise EditRefused(
                [_("Someone else changed this draft meanwhile; reload it and edit again.")],
                kind="stale",
            )
        draft.records = change(dict(draft.records))
        draft.version += 1
        draft.problems = []
        draft.save(update_fields=["records", "version", "problems", "updated"])
    return draft


@dataclass(frozen=True)
class Merge:
    records: Records
    theirs: list[str]  # labels of objects the live policy changed since the base
    conflicts: list[str]  # labels of objects both changed, differently


def merge(base: Records, live: Records, mine: Records) -> Merge:
    """Three-way merge per object: what only one side changed is taken from that side."""
    out: Records = {}
    theirs, conflicts = [], []
    for key in dict.fromkeys([*live, *mine, *base]):
        b, lv, m = base.get(key), live.get(key), mine.get(key)
        kind = serial.split_ref(key)[0]
        name = serial.label(kind, lv or m or b or {})
        if lv != b:
            theirs.append(name)
        if m == b:
            chosen = lv
        elif lv in (b, m):
            chosen = m
        else:
            conflicts.append(name)
            chosen = m
        if chosen is not None:
            out[key] = chosen
    return Merge(out, sorted(theirs), sorted(conflicts))


def rebase_draft(draft_id: int, *, expected_version: int | None) -> Merge:
    """Take into the draft what changed live since it began; refuse on conflicts."""
    with transaction.atomic():
        draft = _open(draft_id)
        if expected_version is not None and expected_version != draft.version:
            raise EditRefused([_("Someone else changed this draft meanwhile.")], kind="stale")
        live = live_records()
        merged = merge(draft.base, live, draft.records)
        if merged.conflicts:
            raise DraftOutdated(merged.theirs, merged.conflicts)
        draft.base, draft.records = live, merged.records
        draft.base_revision = current_revision()
        draft.version += 1
        draft.save()
    return merged


def publish_draft(
    draft_id: int, *, user: Any, confirm: str | None = None, rebase: bool = False
) -> Saved:
    """Publish an open draft as one revision. Refused (``DraftOutdated``) when the live
    policy changed since the draft began, unless ``rebase`` (then merged, never
    overwritten; refused on a conflict)."""
    with transaction.atomic():
        draft = _open(draft_id)
        live = live_records()
        target = dict(draft.records)
        if live != draft.base:
            merged = merge(draft.base, live, draft.records)
            if merged.conflicts or not rebase:
                raise DraftOutdated(merged.theirs, merged.conflicts)
            target = merged.records
        saved = publish_records(
            target,
            user=user,
            summary=_("published draft “%(title)s”") % {"title": draft.title},
            expected_live=live,
            confirm=confirm,
            needs_confirmation=confirm is not None or not rebase,
        )
        draft.state = Draft.PUBLISHED
        draft.published_revision = saved.revision
        draft.publish_at = None
        draft.save()
        sync_next_publication()
    return saved


def discard_draft(draft_id: int) -> None:
    with transaction.atomic():
        draft = _open(draft_id)
        draft.state = Draft.DISCARDED
        draft.publish_at = None
        draft.save()
        sync_next_publication()


def schedule_draft(draft_id: int, when: datetime | None, *, now: datetime | None = None) -> Draft:
    """Publish the draft by itself at ``when`` (None: unschedule). It must pass its checks."""
    with transaction.atomic():
        draft = _open(draft_id)
        if when is not None:
            if when <= (now or timezone.now()):
                raise EditRefused([_("Pick a time in the future.")])
            check_records(draft.records)
        draft.publish_at = when
        draft.save(update_fields=["publish_at", "updated"])
        sync_next_publication()
    return draft


@dataclass(frozen=True)
class DuePublication:
    draft: int
    title: str
    revision: int | None  # None: refused (see problems), or the draft changed nothing
    problems: list[str]

    @property
    def published(self) -> bool:
        return not self.problems


def publish_due(now: datetime | None = None) -> list[DuePublication]:
    """Publish every scheduled draft whose time has come (oldest first). A draft that
    fails its checks or conflicts with the live policy stays open, unscheduled, with
    the problems in its title's place in the admin (the next edit clears them)."""
    now = now or timezone.now()
    done = []
    for draft in Draft.objects.filter(state=Draft.OPEN, publish_at__lte=now).order_by("publish_at"):
        try:
            saved = publish_draft(draft.pk, user=draft.created_by, rebase=True)
        except EditRefused as refused:
            Draft.objects.filter(pk=draft.pk).update(publish_at=None, problems=refused.problems)
            done.append(DuePublication(draft.pk, draft.title, None, refused.problems))
        else:
            done.append(DuePublication(draft.pk, draft.title, saved.revision, []))
    sync_next_publication()
    return done


def sync_next_publication() -> None:
    """Write when the next open draft is due into the policy state row, which every
    worker reads with the revision: no extra query per request to notice a schedule."""
    first = (
        Draft.objects.filter(state=Draft.OPEN, publish_at__isnull=False)
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )
    PolicyState.objects.get_or_create(pk=1)
    PolicyState.objects.filter(pk=1).update(
        next_publication=int(first.timestamp()) if first else None
    )
    freshness.changed()  # other workers hear of it through the watcher (freshness.py)
