"""Editing the policy: plain functions with explicit arguments and results.

Every change to the live policy goes through ``save`` (a change written row by row, as
the admin's forms do) or ``publish_records`` (a whole set of records, as drafts, roll
backs and the reshaping steps produce). Both, inside one transaction:

1. claim each changed row at the version the editor loaded (``lock``), or refuse;
2. write the rows and collect their before/after records;
3. compile the tree with the live clauses, or refuse with the problems;
4. compare every answer path of the old and new tree; when verdicts change, the editor
   must confirm that exact list (its ``token``) first, else ``ConfirmationNeeded``;
5. record a ``Revision`` and bump the policy revision, which every worker follows.

A refusal raises ``EditRefused`` (or a subclass) and rolls everything back. Nothing is
passed through the request: the admin views call these functions and show the result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from supportscope.engine import Tree, TreeError, build_tree
from supportscope.policy import freshness, impact, revisions, serial
from supportscope.policy.integrity import EditRefused as EditRefused
from supportscope.policy.integrity import compiled_tree, reserved_key_problems
from supportscope.policy.models import Draft, PolicyState, Revision
from supportscope.policy.serial import Record, Records
from supportscope.policy.store import current_revision, record_revision


class ConfirmationNeeded(EditRefused):
    """Verdicts would change: the editor confirms ``token`` after seeing ``changes``."""

    def __init__(self, changes: list[impact.Change], token: str) -> None:
        super().__init__(
            [
                _("Nothing is saved yet: check the verdict changes below, then confirm.")
                if changes
                else _("Nothing is saved yet: this change alters no verdict.")
            ],
            kind="confirm",
        )
        self.changes = changes
        self.token = token


class DraftOutdated(EditRefused):
    """The live policy changed after the draft began: rebase first (``changed`` lists it)."""

    def __init__(self, changed: list[str], conflicts: list[str]) -> None:
        problems = [
            _("The live policy changed after this draft began: %(objects)s.")
            % {"objects": ", ".join(changed)}
        ]
        if conflicts:
            problems.append(
                _("Both changed %(objects)s: edit the draft to settle them, then rebase.")
                % {"objects": ", ".join(conflicts)}
            )
        else:
            problems.append(_("Rebase the draft onto the live policy, check it, then publish."))
        super().__init__(problems, kind="outdated")
        self.changed = changed
        self.conflicts = conflicts


@dataclass(frozen=True)
class Saved:
    revision: int | None  # None: nothing changed, nothing recorded
    changes: list[impact.Change] = field(default_factory=list)


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


UNREACHABLE_HINT = "can never be reached"


def _checked_tree() -> Tree:
    try:
        return compiled_tree()
    except EditRefused as refused:
        if any(UNREACHABLE_HINT in problem for problem in refused.problems):
            refused.problems.append(
                _(
                    "A new verdict, answer or question must be routed in the same step: use "
                    "“Add an answer with its verdict” or “Add a follow-up question”, or "
                    "make the change in a draft."
                )
            )
        raise


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
        try:
            with transaction.atomic():
                apply(recorder)
        except (serial.WriteError, IntegrityError) as error:
            problems = getattr(error, "problems", None) or [str(error)]
            raise EditRefused(problems) from error
        entries = recorder.entries()
        if not entries and not check_only:
            return Saved(None)
        new_tree = _checked_tree()
        changes = impact.compare(old_tree, new_tree)
        token = impact.fingerprint(changes)
        if check_only or (needs_confirmation and changes and confirm != token):
            raise ConfirmationNeeded(changes, token)
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


def check_records(records: Records) -> Tree:
    """Every check a save runs, on a whole set of records: the tree compiles, citations
    resolve to live clauses, nothing is unreachable, and no two clauses of a section or
    choices of a question share a position. Raises ``EditRefused``."""
    problems = []
    idents: dict[tuple[str, str], int] = {}
    for key, record in records.items():
        kind = serial.split_ref(key)[0]
        try:
            ident = (kind, serial.SPECS[kind].ident(record))
        except (KeyError, TypeError):
            continue  # an incomplete record: the compile below names it
        idents[ident] = idents.get(ident, 0) + 1
    problems += [
        _("Two objects are both %(object)s; rename or remove one.")
        % {"object": f"{serial.LABELS[kind]} {ident}"}
        for (kind, ident), count in idents.items()
        if count > 1
    ]
    positions: dict[tuple[str, str, int], str] = {}
    for key, record in records.items():
        kind = serial.split_ref(key)[0]
        parent = {"clause": "section", "choice": "question"}.get(kind)
        if parent is None:
            continue
        try:
            slot = (kind, record[parent], record["order"])
        except (KeyError, TypeError):
            continue  # an incomplete record: the compile below names it
        if slot in positions:
            problems.append(
                _("%(a)s and %(b)s share position %(order)s; move one of them.")
                % {
                    "a": positions[slot],
                    "b": serial.label(kind, record),
                    "order": record["order"],
                }
            )
        positions[slot] = serial.label(kind, record)
    try:
        document = serial.to_document(records)
        tree = build_tree(document.tree, clauses=serial.live_anchors(records))
    except TreeError as error:
        raise EditRefused(
            [*problems, _("The decision tree would be invalid:"), *error.problems], kind="tree"
        ) from error
    except (KeyError, TypeError) as error:
        raise EditRefused([*problems, _("A record is incomplete: %s") % error]) from error
    problems += reserved_key_problems(tree)
    if problems:
        raise EditRefused(problems)
    return tree


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
        old_tree = check_records(live)
        new_tree = check_records(target)
        changes = impact.compare(old_tree, new_tree)
        token = impact.fingerprint(changes)
        if check_only or (needs_confirmation and changes and confirm != token):
            raise ConfirmationNeeded(changes, token)
        try:
            with transaction.atomic():
                entries = apply_records(live, target)
        except (serial.WriteError, IntegrityError) as error:
            raise EditRefused(getattr(error, "problems", None) or [str(error)]) from error
        if not entries:
            return Saved(None)
        _checked_tree()  # the rows as written compile too (belt and braces)
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
    if check_only:
        old_tree, new_tree = check_records(live), check_records(target)
        changes = impact.compare(old_tree, new_tree)
        raise ConfirmationNeeded(changes, impact.fingerprint(changes))
    summary = _("rolled back revision %(number)s") % {"number": number}
    return publish_records(target, user=user, summary=summary, expected_live=live, confirm=confirm)


# -- drafts --------------------------------------------------------------------------


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
            [_("Draft “%(title)s” is %(state)s.") % {"title": draft, "state": draft.state}]
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


def new_key(records: Records, kind: str) -> str:
    taken = {serial.split_ref(k)[1] for k in records if k.startswith(kind + ":")}
    n = 1
    while f"new-{n}" in taken:
        n += 1
    return serial.ref(kind, f"new-{n}")


def find(records: Records, kind: str, ident: str) -> str | None:
    """The key of the ``kind`` record whose natural key is ``ident``."""
    spec = serial.SPECS[kind]
    return next(
        (k for k, r in records.items() if k.startswith(kind + ":") and spec.ident(r) == ident),
        None,
    )


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


# -- reshaping, as changes of records --------------------------------------------------------


def _require(records: Records, kind: str, ident: str) -> str:
    key = find(records, kind, ident)
    if key is None:
        raise EditRefused(
            [_("There is no %(kind)s %(ident)s.") % {"kind": serial.LABELS[kind], "ident": ident}]
        )
    return key


def _next_order(records: Records, kind: str, **same: Any) -> int:
    orders = [
        r["order"]
        for k, r in records.items()
        if k.startswith(kind + ":") and all(r.get(f) == v for f, v in same.items())
    ]
    return max(orders, default=0) + 1


@dataclass(frozen=True)
class NewChoice:
    value: str
    label_en: str
    label_ko: str
    leads_to: str  # an existing verdict or node name, or a verdict in ``new_verdicts``


def add_answer(
    records: Records,
    *,
    question: str,
    choice: Record,
    verdict: str | None = None,
    new_verdict: Record | None = None,
) -> Records:
    """A new answer to ``question``, routed by every node that asks it to ``verdict`` (an
    existing one) or to ``new_verdict``, as one step."""
    out = dict(records)
    _require(out, "question", question)
    if find(out, "choice", f"{question}={choice['value']}") is not None:
        raise EditRefused(
            [
                _("%(key)s already has the value %(value)s.")
                % {"key": question, "value": choice["value"]}
            ]
        )
    if new_verdict is not None:
        if find(out, "verdict", new_verdict["name"]) is not None:
            raise EditRefused(
                [_("A verdict named %(name)s exists.") % {"name": new_verdict["name"]}]
            )
        out[new_key(out, "verdict")] = {
            "order": _next_order(out, "verdict"),
            "make_supported_en": "",
            "make_supported_ko": "",
            "modifiers": [],
            **new_verdict,
        }
        verdict = new_verdict["name"]
    elif verdict is None or find(out, "verdict", verdict) is None:
        raise EditRefused([_("Pick an existing verdict or describe a new one.")])
    out[new_key(out, "choice")] = {
        "description_en": "",
        "description_ko": "",
        "terms_en": "",
        "terms_ko": "",
        "group": None,
        **choice,
        "question": question,
        "order": _next_order(out, "choice", question=question),
    }
    for key, record in list(out.items()):
        if key.startswith("node:") and record["question"] == question:
            out[key] = {**record, "edges": {**record["edges"], choice["value"]: verdict}}
    retired = find(out, "retiredanswer", f"{question}={choice['value']}")
    if retired is not None:  # the value is valid again
        del out[retired]
    return out


def add_follow_up(
    records: Records,
    *,
    node: str,
    value: str,
    question: Record,
    choices: list[NewChoice],
    new_verdicts: Sequence[Record] = (),
) -> Records:
    """Ask a new question after ``node`` answered ``value``: the question, its choices,
    a new node asking it where that answer led, where each choice leads, and any new
    verdicts, as one step."""
    out = dict(records)
    node_key = _require(out, "node", node)
    if value not in out[node_key]["edges"]:
        raise EditRefused(
            [_("Node %(node)s has no answer %(value)s.") % {"node": node, "value": value}]
        )
    if find(out, "question", question["key"]) is not None:
        raise EditRefused([_("A question %(key)s exists.") % {"key": question["key"]}])
    if len({c.value for c in choices}) != len(choices) or len(choices) < 2:
        raise EditRefused([_("A question needs at least two different answers.")])
    q = {
        "key": question["key"],
        "order": _next_order(out, "question"),
        "text_en": question["text_en"],
        "text_ko": question["text_ko"],
        "help_en": question.get("help_en", ""),
        "help_ko": question.get("help_ko", ""),
        "allow_unknown": bool(question.get("allow_unknown")),
    }
    out[new_key(out, "question")] = q
    for order, choice in enumerate(choices, start=1):
        out[new_key(out, "choice")] = {
            "question": q["key"],
            "value": choice.value,
            "order": order,
            "label_en": choice.label_en,
            "label_ko": choice.label_ko,
            "description_en": "",
            "description_ko": "",
            "terms_en": "",
            "terms_ko": "",
            "group": None,
        }
    for verdict in new_verdicts:
        if find(out, "verdict", verdict["name"]) is not None:
            raise EditRefused([_("A verdict named %(name)s exists.") % {"name": verdict["name"]}])
        out[new_key(out, "verdict")] = {
            "order": _next_order(out, "verdict"),
            "make_supported_en": "",
            "make_supported_ko": "",
            "modifiers": [],
            **verdict,
        }
    name = f"{question['key']}-after-{node}"
    while find(out, "node", name) is not None:
        name += "-2"
    out[new_key(out, "node")] = {
        "name": name,
        "order": _next_order(out, "node"),
        "is_start": False,
        "question": q["key"],
        "edges": {c.value: c.leads_to for c in choices},
    }
    edges = dict(out[node_key]["edges"])
    edges[value] = name
    out[node_key] = {**out[node_key], "edges": edges}
    return out


def retire_answer(records: Records, *, question: str, value: str) -> Records:
    """Remove an answer with its routes and overlays, and whatever only it led to (verdicts
    and nodes nothing else reaches), in one step: no choice, route and verdict blocking
    each other. Old links carrying it are answered with a notice (see ``retired``)."""
    out = dict(records)
    choice_key = _require(out, "choice", f"{question}={value}")
    choice = out.pop(choice_key)
    if find(out, "retiredanswer", f"{question}={value}") is None:
        out[new_key(out, "retiredanswer")] = {
            "question": question,
            "value": value,
            "label_en": choice["label_en"],
            "label_ko": choice["label_ko"],
        }
    for key, record in list(out.items()):
        if key.startswith("node:") and record["question"] == question and value in record["edges"]:
            out[key] = {**record, "edges": {v: t for v, t in record["edges"].items() if v != value}}
        if key.startswith("modifier:") and record["question"] == question:
            overlays = {v: t for v, t in record["overlays"].items() if v != value}
            out[key] = {**record, "overlays": overlays}
    _drop_unreached(out)
    return out


def _drop_unreached(out: Records) -> None:
    """Remove verdicts and nodes that nothing routes to any more (the start stays)."""
    while True:
        targets = {t for k, r in out.items() if k.startswith("node:") for t in r["edges"].values()}
        targets |= {
            t for k, r in out.items() if k.startswith("modifier:") for t in r["overlays"].values()
        }
        gone = [
            k
            for k, r in out.items()
            if (k.startswith("verdict:") and r["name"] not in targets)
            or (k.startswith("node:") and not r["is_start"] and r["name"] not in targets)
        ]
        if not gone:
            return
        for key in gone:
            del out[key]


def move_clause(records: Records, *, anchor: str, position: int) -> Records:
    """Move a clause to ``position`` (1 = first) in its section; the others renumber."""
    out = dict(records)
    key = _require(out, "clause", anchor)
    section = out[key]["section"]
    siblings = sorted(
        (k for k, r in out.items() if k.startswith("clause:") and r["section"] == section),
        key=lambda k: (out[k]["order"], k),
    )
    siblings.remove(key)
    position = max(1, min(position, len(siblings) + 1))
    siblings.insert(position - 1, key)
    for order, sibling in enumerate(siblings, start=1):
        if out[sibling]["order"] != order:
            out[sibling] = {**out[sibling], "order": order}
    return out


def cite_clause(records: Records, *, anchor: str, verdicts: list[str]) -> Records:
    """Add the clause as the last citation of each of ``verdicts`` (if not cited yet)."""
    out = dict(records)
    _require(out, "clause", anchor)
    for name in verdicts:
        key = _require(out, "verdict", name)
        if anchor not in out[key]["citations"]:
            out[key] = {**out[key], "citations": [*out[key]["citations"], anchor]}
    return out


def set_record(records: Records, key: str, record: Record) -> Records:
    """Replace (or add, for a ``kind:new`` key) one record."""
    out = dict(records)
    kind, ident = serial.split_ref(key)
    if kind not in serial.SPECS:
        raise EditRefused([_("Unknown kind of object %(kind)s.") % {"kind": kind}])
    if ident == "new":
        key = new_key(out, kind)
    out[key] = record
    return out


def delete_record(records: Records, key: str) -> Records:
    out = dict(records)
    if key not in out:
        raise EditRefused([_("%(key)s is not in the draft.") % {"key": key}])
    del out[key]
    return out
