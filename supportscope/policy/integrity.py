"""Rules every saved policy change must keep, checked inside the saving transaction.

* A clause (or a section holding one) that a verdict cites is not deleted or retired.
* The tree still compiles: every path ends in a verdict and every citation resolves
  to a live clause. Otherwise the transaction is rolled back: an invalid tree is never
  served.
* No question takes the name of a parameter that is not an answer (``lang``, ``rev``…).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from supportscope.core.engine import Tree, TreeError, build_tree
from supportscope.core.vocabulary import RESERVED_PARAMS
from supportscope.policy import store
from supportscope.policy.models import Citation, Clause, Section


class EditRefused(Exception):
    """A change that must not be saved; ``problems`` say why, in the admin's words."""

    def __init__(self, problems: list[str], kind: str = "invalid") -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
        self.kind = kind


def citing_verdicts(clauses: Iterable[Clause]) -> list[str]:
    """Names of the verdicts that cite any of ``clauses``."""
    pks = [clause.pk for clause in clauses if clause.pk is not None]
    return sorted(
        set(
            Citation.objects.filter(clause__in=pks)
            .order_by()
            .values_list("verdict__name", flat=True)
        )
    )


def cited_clause_message(clause: Clause, verdicts: list[str], action: str) -> str:
    return _(
        "Clause %(anchor)s cannot be %(action)s: it is cited by %(verdicts)s. "
        "Change those verdicts' citations first."
    ) % {"anchor": clause.anchor, "action": action, "verdicts": ", ".join(verdicts)}


def section_citations(section: Section) -> list[str]:
    return citing_verdicts(Clause.objects.filter(section=section))


def compiled_tree() -> Tree:
    """The tree as stored now (inside the caller's transaction), or ``EditRefused``."""
    try:
        tree = build_tree(store.tree_data(), clauses=store.live_anchors())
    except TreeError as error:
        raise EditRefused(
            [_("The decision tree would be invalid:"), *error.problems], kind="tree"
        ) from error
    problems = reserved_key_problems(tree)
    if problems:
        raise EditRefused(problems, kind="tree")
    return tree


def reserved_key_problems(tree: Tree) -> list[str]:
    """A question named like a parameter that is not an answer, said in the admin's words."""
    clashes = sorted(set(tree.questions) & RESERVED_PARAMS)
    if not clashes:
        return []
    return [
        _("A question's key cannot be %(keys)s: links use it for something else (%(all)s).")
        % {"keys": ", ".join(clashes), "all": ", ".join(sorted(RESERVED_PARAMS))}
    ]
