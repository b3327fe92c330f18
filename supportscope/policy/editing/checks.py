"""What every change to the policy must pass, and the refusals that say why it did not.

``check_records`` runs on a whole set of records (a draft, a reshaping step, a roll
back); ``checked_tree`` on the rows as stored, inside the saving transaction;
``confirmed_changes`` compares the old and new tree and lets a change through only once
the editor confirmed its verdict changes. A refusal is an ``EditRefused`` (or a
subclass): ``ConfirmationNeeded`` (verdicts would change and the editor has not
confirmed that list yet) or ``DraftOutdated`` (the live policy moved under a draft).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from supportscope.core.engine import Tree, TreeError, build_tree
from supportscope.policy import impact, serial
from supportscope.policy.integrity import EditRefused, compiled_tree, reserved_key_problems
from supportscope.policy.serial import Records


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


def confirmed_changes(
    old: Tree,
    new: Tree,
    *,
    confirm: str | None,
    needs_confirmation: bool = True,
    check_only: bool = False,
) -> list[impact.Change]:
    """The verdict changes from ``old`` to ``new``, once the editor has confirmed them.

    Raises ``ConfirmationNeeded`` with the changes and their token when ``check_only``
    (even with no change), or when they must be confirmed and ``confirm`` is not their
    token (the editor saw another list, or none).
    """
    changes = impact.compare(old, new)
    token = impact.fingerprint(changes)
    if check_only or (needs_confirmation and changes and confirm != token):
        raise ConfirmationNeeded(changes, token)
    return changes


UNREACHABLE_HINT = "can never be reached"


def checked_tree() -> Tree:
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
