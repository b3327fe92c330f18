"""Changing the live policy, always as one checked revision.

Every change goes through ``save`` (a change written row by row, as the admin's forms
do) or ``publish_records`` (a whole set of records, as drafts, roll backs and the
reshaping steps produce). Both, inside one transaction:

1. claim each changed row at the version the editor loaded (``lock``), or refuse;
2. write the rows and collect their before/after records;
3. compile the tree with the live clauses, or refuse with the problems;
4. compare every answer path of the old and new tree; when verdicts change, the editor
   must confirm that exact list (its ``token``) first, else ``ConfirmationNeeded``;
5. record a ``Revision`` and bump the policy revision, which every worker follows.

A refusal raises ``EditRefused`` (or a subclass) and rolls everything back. ``restore``
and ``rollback_revision`` undo through the same path, as new revisions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.utils.translation import gettext as _

from supportscope.policy import impact, revisions, serial
from supportscope.policy.editing.checks import (
    DraftOutdated,
    check_records,
    checked_tree,
    confirmed_changes,
)
from supportscope.policy.integrity import EditRefused, compiled_tree
from supportscope.policy.models import PolicyState, Revision
from supportscope.policy.serial import Records
from supportscope.policy.store import record_revision


@dataclass(frozen=True)
class Saved:
    """What a save or a publication did: the revision it recorded, the verdicts it changed."""

    revision: int | None  # None: nothing changed, nothing recorded
    changes: list[impact.Change] = field(default_factory=list)


@contextmanager
def _refusing_write_errors() -> Iterator[None]:
    """Write inside a savepoint; a write the writer or the database refuses (a bad value,
    a broken constraint) becomes ``EditRefused`` with its problems."""
    try:
        with transaction.atomic():
            yield
    except (serial.WriteError, IntegrityError) as error:
        raise EditRefused(getattr(error, "problems", None) or [str(error)]) from error


# -- locking ------------------------------------------------------------------------


def lock(obj: Model, expected: int | None) -> None:
    """Claim ``obj`` at the version the editor loaded, or refuse: the heart of "no lost update".

    ``UPDATE … WHERE version = expected`` matches no row once another save has committed
    (PostgreSQL re-checks the condition after waiting for a concurrent writer; SQLite has
    one writer at a time), so of two saves based on the same version only one succeeds.
    """
    model = type(obj)
    rows = (
        model._default_manager.filter(pk=obj.pk, version=expected).update(
            version=(expected or 0) + 1
        )
        if expected is not None
        else 0
    )
    if rows != 1:
        raise EditRefused(
            [
                _(
                    "%(object)s was changed by someone else while you were editing it. "
                    "Nothing was saved."
                )
                % {"object": obj}
            ],
            kind="stale",
        )
    obj.version = (expected or 0) + 1  # type: ignore[attr-defined]


# -- saving a change to the live policy --------------------------------------------------


def summary_of(entries: list[dict[str, Any]]) -> str:
    words = {"added": _("added"), "changed": _("changed"), "deleted": _("deleted")}
    text = "; ".join(f"{words.get(e['change'], e['change'])} {e['object']}" for e in entries)
    return text if len(text) <= 300 else text[:297] + "…"


def save(
    apply: Callable[[revisions.Recorder], None],
    *,
    user: Any,
    summary: str | None = None,
    confirm: str | None = None,
    check_only: bool = False,
    needs_confirmation: bool = True,
) -> Saved:
    """Write a change (``apply`` writes rows and tells the recorder), check it, record it.

    ``confirm`` is the token of the verdict changes the editor saw; ``check_only`` saves
    nothing and raises ``ConfirmationNeeded`` with the changes (possibly none).
    """
    recorder = revisions.Recorder()
    with transaction.atomic():
        old_tree = compiled_tree()
        with _refusing_write_errors():
            apply(recorder)
        entries = recorder.entries()
        if not entries and not check_only:
            return Saved(None)
        changes = confirmed_changes(
            old_tree,
            checked_tree(),
            confirm=confirm,
            needs_confirmation=needs_confirmation,
            check_only=check_only,
        )
        if not entries:
            return Saved(None)
        number = record_revision(user, summary or summary_of(entries), entries)
    return Saved(number, changes)


def restore(
    kind: str,
    pk: int,
    number: int,
    *,
    user: Any,
    expected_version: int | None,
    confirm: str | None = None,
    check_only: bool = False,
) -> Saved:
    """Write one object back as it was right after revision ``number``, as a new revision."""
    target = revisions.state_at(kind, pk, number)
    if target is None:
        raise EditRefused([_("This object did not exist at that revision.")])
    model = serial.SPECS[kind].model

    def apply(recorder: revisions.Recorder) -> None:
        existing = model._default_manager.filter(pk=pk).first()
        if existing is not None:
            lock(existing, expected_version)
            recorder.before(existing)
        obj = revisions.apply_snapshot(kind, pk, target)
        recorder.touched(obj)

    summary = _("restored %(object)s to revision %(number)s") % {
        "object": serial.label(kind, target),
        "number": number,
    }
    saved = save(apply, user=user, summary=summary, confirm=confirm, check_only=check_only)
    if saved.revision is None:
        raise EditRefused([_("It is already in that state; nothing to restore.")])
    return saved


# -- whole sets of records ---------------------------------------------------------------


def live_records() -> Records:
    return serial.read_all()


def _write_order(key: str) -> tuple[int, str]:
    return serial.ORDER.index(serial.split_ref(key)[0]), key


def apply_records(live: Records, target: Records) -> list[dict[str, Any]]:
    """Make the database hold ``target`` (the database holds ``live`` now); return the
    revision entries. Inside the caller's transaction. Rows are written in dependency
    order, routes and overlays in a second pass, and deletions last, related rows first,
    so a choice, its routes and its verdict never block each other."""
    written: dict[str, Model] = {}
    changed = sorted((k for k in target if target[k] != live.get(k)), key=_write_order)
    removed = sorted((k for k in live if k not in target), key=_write_order, reverse=True)
    for key in changed:
        kind, ident = serial.split_ref(key)
        spec = serial.SPECS[kind]
        obj = spec.model._default_manager.filter(pk=int(ident)).first() if key in live else None
        written[key] = serial.write(kind, target[key], obj, extras=False)
        if obj is not None:
            spec.model._default_manager.filter(pk=obj.pk).update(version=F("version") + 1)
    for key in changed:
        serial.write_extras(serial.split_ref(key)[0], target[key], written[key])
    for key in removed:  # routes, overlays and citations of removed rows go first
        kind, ident = serial.split_ref(key)
        if serial.SPECS[kind].extras:
            empty: dict[str, Any] = {
                name: [] if name in ("citations", "modifiers") else {}
                for name in serial.SPECS[kind].extras
            }
            serial.write_extras(kind, empty, serial.SPECS[kind].model(pk=int(ident)))
    for key in removed:
        kind, ident = serial.split_ref(key)
        serial.SPECS[kind].model._default_manager.filter(pk=int(ident)).delete()
    entries = []
    for key in [*changed, *removed]:
        kind, ident = serial.split_ref(key)
        pk = written[key].pk if key in written else int(ident)
        after = serial.read(written[key]) if key in written else None
        entries.append(revisions.entry(kind, pk, live.get(key), after))
    return entries


def publish_records(
    target: Records,
    *,
    user: Any,
    summary: str,
    expected_live: Records | None = None,
    confirm: str | None = None,
    needs_confirmation: bool = True,
    check_only: bool = False,
) -> Saved:
    """Make ``target`` the live policy as one revision, atomically.

    ``expected_live`` is the live policy the target was made from; if the live policy
    differs now, nothing is written (``DraftOutdated``): a change is never overwritten.
    """
    check_records(target)
    with transaction.atomic():
        # One publisher at a time: the state row is locked before live is read, so two
        # publications based on the same live policy cannot both pass the check below.
        PolicyState.objects.get_or_create(pk=1)
        PolicyState.objects.select_for_update().filter(pk=1).first()
        live = live_records()
        if expected_live is not None and live != expected_live:
            changed = sorted(
                serial.label(serial.split_ref(k)[0], live.get(k) or expected_live[k])
                for k in set(live) | set(expected_live)
                if live.get(k) != expected_live.get(k)
            )
            raise DraftOutdated(changed, [])
        changes = confirmed_changes(
            check_records(live),
            check_records(target),
            confirm=confirm,
            needs_confirmation=needs_confirmation,
            check_only=check_only,
        )
        with _refusing_write_errors():
            entries = apply_records(live, target)
        if not entries:
            return Saved(None)
        checked_tree()  # the rows as written compile too (belt and braces)
        number = record_revision(user, summary[:300], entries)
    return Saved(number, changes)


def rollback_revision(
    number: int, *, user: Any, confirm: str | None = None, check_only: bool = False
) -> Saved:
    """Undo everything revision ``number`` did (additions included), as a new revision.

    Refused when a later revision changed the same objects: undoing would overwrite it.
    """
    revision = Revision.objects.filter(number=number).first()
    if revision is None:
        raise EditRefused([_("There is no revision %(number)s.") % {"number": number}])
    live = live_records()
    target = dict(live)
    moved = []
    for change in revision.changes:
        kind, pk = change.get("model"), change.get("pk")
        if kind not in serial.SPECS or "before" not in change:
            continue
        key = serial.ref(kind, pk)
        if live.get(key) != change.get("after"):
            moved.append(change.get("object") or key)
            continue
        if change["before"] is None:
            target.pop(key, None)
        else:
            target[key] = change["before"]
    if moved:
        raise EditRefused(
            [
                _(
                    "Changed again after revision %(number)s: %(objects)s. Roll back the later "
                    "revisions first, or restore objects one by one."
                )
                % {"number": number, "objects": ", ".join(moved)}
            ]
        )
    return publish_records(
        target,
        user=user,
        summary=_("rolled back revision %(number)s") % {"number": number},
        expected_live=live,
        confirm=confirm,
        check_only=check_only,
    )
