"""What each revision changed, the state of the policy at any revision, and restoring it.

Every saved change records, per object, a *snapshot* before and after: plain JSON of
the fields an admin can edit, with related rows by natural key (a clause's section by
slug, a verdict's citations as ordered clause anchors, a node's edges as
``{value: target}``). From these entries:

* the state of an object at revision N is the ``after`` of its last entry up to N, or
  else the ``before`` of its first entry after N, or else (never changed) its current
  state;
* the difference between revisions A and B is, per object touched in (A, B], the state
  at A against the state at B;
* restoring writes a snapshot back onto the object; the caller records it as a new
  revision.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field, Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supportscope.policy import serial
from supportscope.policy.models import Revision, RevisionObject
from supportscope.policy.serial import SPECS, WriteError, is_tracked, label, write
from supportscope.policy.serial import kind_of as model_key

Snapshot = dict[str, Any]
_WORDS = re.compile(r"\s+|\S+")
RestoreError = WriteError  # a snapshot cannot be written back: something it names is gone

__all__ = ["SPECS", "is_tracked", "label", "model_key", "write"]

EXTRA_LABELS = {
    "citations": gettext_lazy("citations"),
    "modifiers": gettext_lazy("modifiers"),
    "edges": gettext_lazy("routes"),
    "overlays": gettext_lazy("overlays"),
}


def snapshot(obj: Model) -> Snapshot:
    """The editable state of ``obj`` as plain JSON: its record (see ``serial``)."""
    return serial.read(obj)


def changed_fields(before: Snapshot | None, after: Snapshot | None) -> list[str]:
    keys = list(dict.fromkeys([*(before or {}), *(after or {})]))
    return [key for key in keys if (before or {}).get(key) != (after or {}).get(key)]


def entry(model: str, pk: int, before: Snapshot | None, after: Snapshot | None) -> dict[str, Any]:
    """One object's change, as stored in ``Revision.changes``."""
    change = "added" if before is None else "deleted" if after is None else "changed"
    return {
        "model": model,
        "pk": pk,
        "object": label(model, after or before or {}),
        "change": change,
        "fields": changed_fields(before, after),
        "before": before,
        "after": after,
    }


class Recorder:
    """Collects before/after snapshots of the objects one save touches."""

    def __init__(self) -> None:
        self._before: dict[tuple[str, int], Snapshot | None] = {}
        self._objects: dict[tuple[str, int], Model] = {}
        self._deleted: set[tuple[str, int]] = set()

    def before(self, obj: Model) -> None:
        """Remember ``obj`` as it is in the database now (call before changing it)."""
        if not is_tracked(obj):
            return
        if obj.pk is None:
            return
        ident = (model_key(obj), obj.pk)
        if ident not in self._before:
            fresh = type(obj)._default_manager.filter(pk=obj.pk).first()
            self._before[ident] = snapshot(fresh) if fresh is not None else None

    def remember_snapshot(self, obj: Model, data: Snapshot | None) -> None:
        if obj.pk is not None and is_tracked(obj):
            self._before.setdefault((model_key(obj), obj.pk), data)

    def touched(self, obj: Model) -> None:
        """``obj`` was saved (added or changed)."""
        if not is_tracked(obj) or obj.pk is None:
            return
        ident = (model_key(obj), obj.pk)
        self._before.setdefault(ident, None)
        self._objects[ident] = obj
        self._deleted.discard(ident)

    def deleted(self, model: str, pk: int) -> None:
        self._deleted.add((model, pk))

    def entries(self) -> list[dict[str, Any]]:
        out = []
        for ident, before in self._before.items():
            model, pk = ident
            if ident in self._deleted:
                after = None
            else:
                spec = SPECS[model]
                obj = spec.model._default_manager.filter(pk=pk).first()
                after = snapshot(obj) if obj is not None else None
            if before != after:
                out.append(entry(model, pk, before, after))
        return out


# -- history -------------------------------------------------------------------


def record_objects(revision: Revision) -> None:
    """Index the objects ``revision`` changed, for ``revisions_of``."""
    idents = dict.fromkeys(
        (c["model"], c["pk"]) for c in revision.changes if c.get("model") and c.get("pk")
    )
    RevisionObject.objects.bulk_create(
        RevisionObject(revision=revision, kind=kind, object_id=pk) for kind, pk in idents
    )


def revisions_of(model: str, pk: int) -> list[Revision]:
    """The revisions that changed one object, newest first."""
    return list(
        Revision.objects.filter(touched_objects__kind=model, touched_objects__object_id=pk)
        .select_related("user")
        .order_by("-number")
    )


def _entries_for(revision: Revision, model: str, pk: int) -> list[dict[str, Any]]:
    return [c for c in revision.changes if c.get("model") == model and c.get("pk") == pk]


def state_at(model: str, pk: int, number: int) -> Snapshot | None:
    """The snapshot of one object as it was right after revision ``number``."""
    revisions = revisions_of(model, pk)
    for revision in revisions:  # newest first
        if revision.number <= number:
            found = _entries_for(revision, model, pk)
            if found and "after" in found[-1]:
                after: dict[str, Any] | None = found[-1]["after"]
                return after
            break
    later = [r for r in revisions if r.number > number]
    if later:
        found = _entries_for(later[-1], model, pk)
        if found and "before" in found[0]:
            before: dict[str, Any] | None = found[0]["before"]
            return before
    obj = SPECS[model].model._default_manager.filter(pk=pk).first()
    return snapshot(obj) if obj is not None else None


@dataclass
class Line:
    """One line of a diff: ``tag`` is equal, delete or insert; ``parts`` are (changed, text)."""

    tag: str
    parts: list[tuple[bool, str]]


@dataclass
class FieldDiff:
    name: str
    label: str
    before: str
    after: str
    lines: list[Line]


@dataclass
class ObjectDiff:
    model: str
    pk: int
    label: str
    change: str
    before: Snapshot | None
    after: Snapshot | None
    fields: list[FieldDiff]


def as_text(value: Any) -> str:
    """A snapshot value as lines of text, for diffing and display."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return "\n".join(str(item) for item in value)
    if isinstance(value, dict):
        return "\n".join(f"{key} → {target or '—'}" for key, target in value.items())
    return str(value)


def _words(text: str) -> list[str]:
    return _WORDS.findall(text)


def _inline(old: str, new: str) -> tuple[Line, Line]:
    """A replaced line, with the changed words marked on both sides."""
    a, b = _words(old), _words(new)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    if matcher.ratio() < 0.5:  # mostly rewritten: word marks would only be noise
        return Line("delete", [(True, old)]), Line("insert", [(True, new)])
    left: list[tuple[bool, str]] = []
    right: list[tuple[bool, str]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            left.append((False, "".join(a[i1:i2])))
            right.append((False, "".join(b[j1:j2])))
        else:
            if i2 > i1:
                left.append((True, "".join(a[i1:i2])))
            if j2 > j1:
                right.append((True, "".join(b[j1:j2])))
    return Line("delete", left), Line("insert", right)


def diff_lines(before: str, after: str) -> list[Line]:
    """A line diff (difflib) with word-level marks inside replaced lines. Plain text only:
    templates escape it."""
    a, b = before.splitlines(), after.splitlines()
    lines: list[Line] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines += [Line("equal", [(False, text)]) for text in a[i1:i2]]
            continue
        old, new = a[i1:i2], b[j1:j2]
        if tag == "replace":
            pairs = min(len(old), len(new))
            for k in range(pairs):
                left, right = _inline(old[k], new[k])
                lines += [left, right]
            old, new = old[pairs:], new[pairs:]
        lines += [Line("delete", [(True, text)]) for text in old]
        lines += [Line("insert", [(True, text)]) for text in new]
    return lines


def field_label(model: str, name: str) -> str:
    if name in EXTRA_LABELS:
        return str(EXTRA_LABELS[name])
    try:
        field = SPECS[model].model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(field.verbose_name) if isinstance(field, Field) else name


def object_diff(model: str, pk: int, before: Snapshot | None, after: Snapshot | None) -> ObjectDiff:
    fields = []
    for name in changed_fields(before, after):
        old = as_text((before or {}).get(name))
        new = as_text((after or {}).get(name))
        fields.append(FieldDiff(name, field_label(model, name), old, new, diff_lines(old, new)))
    change = "added" if before is None else "deleted" if after is None else "changed"
    return ObjectDiff(model, pk, label(model, after or before or {}), change, before, after, fields)


def revision_diff(revision: Revision) -> list[ObjectDiff]:
    """What one revision changed, object by object."""
    out = []
    for change in revision.changes:
        if change.get("model") in SPECS and ("before" in change or "after" in change):
            out.append(
                object_diff(
                    change["model"], change["pk"], change.get("before"), change.get("after")
                )
            )
    return out


def diff_between(first: int, second: int) -> list[ObjectDiff]:
    """Every object changed after revision ``first`` up to ``second``: state at one vs the other."""
    low, high = sorted((first, second))
    states: dict[tuple[str, int], list[Snapshot | None]] = {}
    for revision in Revision.objects.filter(number__gt=low, number__lte=high).order_by("number"):
        for change in revision.changes:
            if change.get("model") not in SPECS or "before" not in change:
                continue
            ident = (change["model"], change["pk"])
            if ident not in states:
                states[ident] = [change.get("before"), change.get("after")]
            else:
                states[ident][1] = change.get("after")
    out = []
    for (model, pk), (before, after) in states.items():
        if before != after:
            if first > second:
                before, after = after, before
            out.append(object_diff(model, pk, before, after))
    return out


# -- restoring -----------------------------------------------------------------


def apply_snapshot(model: str, pk: int, data: Snapshot) -> Model:
    """Write ``data`` onto the object (re-creating it if it was deleted). The caller holds
    the transaction, bumps the version and records the revision."""
    obj = SPECS[model].model._default_manager.filter(pk=pk).first() or SPECS[model].model(pk=pk)
    return write(model, data, obj)
