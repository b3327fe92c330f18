"""The policy engine: a pure function from answers to the next question or a verdict.

It imports nothing from Django. ``build_tree`` turns the plain data of a tree (the
same shape as ``policy_content/tree.json``) into an immutable, validated ``Tree``;
``resolve`` walks it. The types (``Tree`` and its parts, ``Outcome``, the errors) live
in ``model.py`` and the checks that make a tree safe to serve (``validate``) in
``validation.py``; this module re-exports them, so callers import from here.

Three kinds of data are kept apart:

* routing: ``nodes`` say which question is asked where, and where each answer leads;
* policy facts: ``verdicts`` carry a level, a rationale, what would make the case
  supported, and citations of policy clauses;
* wording: ``questions`` and their ``choices`` carry the text shown to people.

A node may offer only some of its question's choices: one question (``component``) is
asked by several nodes, each offering one group of its choices after a first question
(``topic``) that picks the group. An answer then implies the answers before it: a
link that carries ``component`` alone still resolves, the ``topic`` that offers it
being read from it (see ``_implied``).

A verdict may list *modifiers*: questions (such as ``preview``) whose answers overlay
another verdict on it. The overlay can only lower the level, and a modifier is asked
only while one of its overlays could still lower it. A modifier none of whose overlays
could lower the verdict (``advice``: the customer asks how to set up or tune the part)
is never asked; its answer, given by a link or a ticket's reading, adds its overlay
where the overlay stands at the verdict's level, citing one more clause.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from supportscope.core.memo import PerObject
from supportscope.core.model import (
    LANGUAGES,
    UNKNOWN,
    Choice,
    Group,
    InvalidAnswer,
    Level,
    Node,
    Outcome,
    Question,
    Result,
    Terms,
    Text,
    Tree,
    TreeError,
    Verdict,
    _no_terms,
    pick,
)
from supportscope.core.validation import validate

__all__ = [
    "LANGUAGES",
    "UNKNOWN",
    "Choice",
    "Group",
    "InvalidAnswer",
    "Level",
    "Node",
    "Outcome",
    "Question",
    "Result",
    "Terms",
    "Text",
    "Tree",
    "TreeError",
    "Verdict",
    "build_tree",
    "check_answers",
    "pick",
    "resolve",
    "validate",
]


# -- building ------------------------------------------------------------------


def _text(data: Any) -> Text:
    return MappingProxyType({lang: str(data.get(lang, "")) for lang in LANGUAGES}) if data else {}


def _terms(data: Any) -> Terms:
    if not data:
        return _no_terms()
    return MappingProxyType(
        {lang: tuple(str(term) for term in data.get(lang, ())) for lang in LANGUAGES}
    )


def build_tree(data: Mapping[str, Any], *, revision: int = 0, clauses: Iterable[str] = ()) -> Tree:
    """Validate tree data and build the immutable tree, or raise ``TreeError``."""
    try:
        tree = Tree(
            revision=revision,
            start=data["start"],
            groups=tuple(Group(g["key"], _text(g["label"])) for g in data.get("groups", ())),
            questions=MappingProxyType(
                {
                    q["key"]: Question(
                        key=q["key"],
                        text=_text(q["text"]),
                        help=_text(q.get("help")),
                        allow_unknown=bool(q.get("allow_unknown", False)),
                        choices=tuple(
                            Choice(
                                value=c["value"],
                                label=_text(c["label"]),
                                description=_text(c.get("description")),
                                group=c.get("group"),
                                terms=_terms(c.get("terms")),
                            )
                            for c in q["choices"]
                        ),
                    )
                    for q in data["questions"]
                }
            ),
            nodes=MappingProxyType(
                {
                    n["name"]: Node(n["name"], n["question"], MappingProxyType(dict(n["next"])))
                    for n in data["nodes"]
                }
            ),
            verdicts=MappingProxyType(
                {
                    v["name"]: Verdict(
                        name=v["name"],
                        level=Level(v["level"]),
                        rationale=_text(v["rationale"]),
                        make_supported=_text(v.get("make_supported")) or None,
                        citations=tuple(v["citations"]),
                        modifiers=tuple(v.get("modifiers", ())),
                    )
                    for v in data["verdicts"]
                }
            ),
            modifiers=MappingProxyType(
                {
                    m["question"]: MappingProxyType(dict(m["overlays"]))
                    for m in data.get("modifiers", ())
                }
            ),
            clauses=frozenset(clauses),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise TreeError([f"malformed tree data: {error!r}"]) from error
    problems = list(validate(tree))
    if problems:
        raise TreeError(problems)
    return replace(
        tree, offered=MappingProxyType(_narrowed(tree)), grouping=MappingProxyType(_grouping(tree))
    )


def _grouping(tree: Tree) -> dict[str, str]:
    """The questions whose every answer leads to a node asking one other question."""
    below: dict[str, set[str]] = {}
    for node in tree.nodes.values():
        targets = [tree.nodes.get(target) for target in node.next.values()]
        asked = {t.question if t is not None else "" for t in targets}
        below.setdefault(node.question, set()).update(asked)
    return {
        key: next(iter(keys)) for key, keys in below.items() if len(keys) == 1 and "" not in keys
    }


def _narrowed(tree: Tree) -> dict[str, Question]:
    """Each node's question, keeping only the choices the node routes (in their order)."""
    out = {}
    for node in tree.nodes.values():
        question = tree.questions[node.question]
        if set(question.values) != set(node.next):
            choices = tuple(c for c in question.choices if c.value in node.next)
            out[node.name] = replace(question, choices=choices)
    return out


# -- resolving -----------------------------------------------------------------


def check_answers(tree: Tree, answers: Mapping[str, str]) -> None:
    """Raise ``InvalidAnswer`` for the first known key that carries an unknown value.

    It looks at the answers given, not at every question of the tree, so the cost of
    a check does not grow with the size of the tree (only a group's answer, ``topic``,
    is checked against the nodes asking it, for fitting the answer it groups).
    """
    questions = tree.questions
    for key, value in answers.items():
        question = questions.get(key)
        if question is not None and value not in question.allowed:
            raise InvalidAnswer(key, value, question.allowed)
    for key, grouped in tree.grouping.items():
        if key in answers and grouped in answers:
            _check_group(tree, key, answers[key], grouped, answers[grouped])


def _check_group(tree: Tree, key: str, value: str, grouped: str, answer: str) -> None:
    """A group's answer (``topic``) and the answer it groups must fit together."""
    if value == UNKNOWN or answer == UNKNOWN:
        return
    for node in tree.nodes.values():
        if (
            node.question == key
            and value in node.next
            and value not in _offering(tree, node, answer)
        ):
            raise InvalidAnswer(
                grouped, answer, tree.asked_at(tree.nodes[node.next[value]]).allowed
            )


def _offering(tree: Tree, node: Node, answer: str) -> list[str]:
    """The answers to ``node``'s grouping question whose next node offers ``answer`` to
    the question it groups (every answer of a grouping question leads to such a node)."""
    return [value for value, target in node.next.items() if answer in tree.nodes[target].next]


# Outcomes already worked out, per tree, by the answers given (in any order): the
# suggester resolves the same few sets of answers some thirty times for one ticket, and
# the pages ask for the same paths again and again. An outcome is immutable and depends on
# the tree and the answers to its questions alone; other keys of a query string are left
# out of the key (they change nothing, and a stranger could send any number of them), and
# a value outside a question's choices is refused before anything is kept. At most
# RESOLVED_KEPT per tree, forgotten all at once.
RESOLVED_KEPT = 4096
_RESOLVED: PerObject[dict[frozenset[tuple[str, str]], Outcome]] = PerObject(16)


def resolve(tree: Tree, answers: Mapping[str, str]) -> Outcome:
    """The next question to ask, or the verdict, for ``answers``.

    Keys that are not questions of the tree, and answers that the path never asks
    for, are ignored. A known key with a value outside its choices raises
    ``InvalidAnswer`` (and nothing is kept).
    """
    kept = _RESOLVED.get(tree, dict)
    questions = tree.questions
    try:
        key = frozenset(item for item in answers.items() if item[0] in questions)
    except TypeError:  # a value that cannot be a key: never kept (the checks name it)
        key = None
    outcome = kept.get(key) if key is not None else None
    if outcome is None:
        check_answers(tree, answers)
        outcome = _resolve_from(tree, answers, tree.start, ())
        if key is not None:
            if len(kept) >= RESOLVED_KEPT:
                kept.clear()
            kept[key] = outcome
    return outcome


def _resolve_from(
    tree: Tree, answers: Mapping[str, str], name: str, used: tuple[tuple[str, str], ...]
) -> Outcome:
    nodes = tree.nodes
    while name in nodes:
        node = nodes[name]
        question = tree.asked_at(node)
        value = answers.get(question.key)
        if value is None:
            value = _implied(tree, node, answers)
        if value is None:
            return Outcome(answers=used, question=question)
        if value != UNKNOWN and value not in node.next:
            # A known value this node does not offer: the link mixes two groups.
            raise InvalidAnswer(question.key, value, question.allowed)
        if value == UNKNOWN:

            def follow(
                v: str,
                u: tuple[tuple[str, str], ...],
                key: str = question.key,
                routes: Mapping[str, str] = node.next,
            ) -> Outcome:
                return _resolve_from(tree, {**answers, key: v}, routes[v], u)

            return _branch(question, used, follow)
        used = (*used, (question.key, value))
        name = node.next[value]
    return _modify(tree, answers, Result(tree.verdicts[name]), 0, used)


def _implied(tree: Tree, node: Node, answers: Mapping[str, str]) -> str | None:
    """The answer to ``node``'s question that a later answer implies, if only one does.

    ``topic=networking`` is implied by ``component=ingress`` when only the node after
    ``networking`` offers ``ingress``: a link (or a ticket's reading) may name the
    choice without the group it sits in.
    """
    grouped = tree.grouping.get(node.question)
    if grouped is None or grouped not in answers:
        return None  # only a group is read, from the answer it groups
    found = _offering(tree, node, answers[grouped])
    return found[0] if len(found) == 1 else None


def _modify(
    tree: Tree,
    answers: Mapping[str, str],
    result: Result,
    index: int,
    used: tuple[tuple[str, str], ...],
) -> Outcome:
    """Apply the verdict's modifiers from ``index`` on."""
    keys = result.base.modifiers
    for position in range(index, len(keys)):
        key = keys[position]
        value = answers.get(key)
        if not tree.lowers(key, result.level):
            # No answer to this modifier could lower the verdict: it is not asked, but a
            # given answer adds an overlay of the verdict's own level.
            if value is not None and value != UNKNOWN:
                overlay = tree.overlay(key, value)
                if overlay is not None and overlay.level is result.level:
                    used = (*used, (key, value))
                    result = Result(result.base, (*result.overlays, overlay))
            continue
        question = tree.questions[key]
        if value is None:
            return Outcome(answers=used, question=question)
        if value == UNKNOWN:

            def modify(
                v: str,
                u: tuple[tuple[str, str], ...],
                p: int = position,
                k: str = key,
                r: Result = result,
            ) -> Outcome:
                return _modify(tree, {**answers, k: v}, _overlaid(tree, r, k, v), p + 1, u)

            return _branch(question, used, modify)
        used = (*used, (key, value))
        result = _overlaid(tree, result, key, value)
    return Outcome(answers=used, result=result)


def _overlaid(tree: Tree, result: Result, key: str, value: str) -> Result:
    overlay = tree.overlay(key, value)
    return Result(result.base, (*result.overlays, overlay)) if overlay else result


def _branch(
    question: Question,
    used: tuple[tuple[str, str], ...],
    follow: Callable[[str, tuple[tuple[str, str], ...]], Outcome],
) -> Outcome:
    """The answer to ``question`` is unknown: follow every value and show them side by side."""
    used = (*used, (question.key, UNKNOWN))
    branches = []
    for value in question.values:
        branch = follow(value, used)
        if branch.question is not None:
            # A branch needs another answer first: ask for it, then come back here.
            return Outcome(answers=used, question=branch.question)
        branches.append((value, branch))
    return Outcome(answers=used, depends_on=question, branches=tuple(branches))
