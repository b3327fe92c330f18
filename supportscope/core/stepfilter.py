"""The filter box on the first step: its choices ranked for what an engineer types.

When the first question only picks a group (``topic``), the box searches the question
it groups (``component``) across every group, so typing ``nginx`` finds the ingress
choice from the first page; its link names the choice, which implies the group.

Pure, like the matcher it shares its reading with: a first-step choice is found by its
own labels and search terms in either language, and at half weight by those of every
question asked below it, so ``nginx`` finds the ingress choice and ``BYOCNI`` the
networking ones. A word being typed (``ingr``) counts a little less than a whole one.
"""

from __future__ import annotations

from dataclasses import dataclass

from supportscope.core.engine import LANGUAGES, Choice, Question, Tree
from supportscope.core.memo import PerObject
from supportscope.core.ranking import Ranked, term_text
from supportscope.core.textindex import TextIndex, find_term
from supportscope.core.tickettext import normalize

DOWNSTREAM_WEIGHT = 0.5
PARTIAL_WEIGHT = 0.75
MIN_PARTIAL = 2


@dataclass(frozen=True, slots=True)
class _FilterTerm:
    shown: str
    term: str
    weight: float
    label: bool = False  # the choice's own label, in either language


_FILTER_TERMS: PerObject[dict[str, tuple[_FilterTerm, ...]]] = PerObject(16)


def _filter_terms(tree: Tree) -> dict[str, tuple[_FilterTerm, ...]]:
    """For each first-step choice: its labels and terms, and at half weight the labels
    and terms of every question asked below it (so ``nginx`` finds the ingress choice),
    worked out once per tree."""
    return _FILTER_TERMS.get(tree, lambda: _gathered(tree))


def _gathered(tree: Tree) -> dict[str, tuple[_FilterTerm, ...]]:
    out: dict[str, tuple[_FilterTerm, ...]] = {}
    for choice, target in _first_choices(tree):
        seen: dict[str, _FilterTerm] = {}

        def add(
            raw: str, weight: float, seen: dict[str, _FilterTerm] = seen, label: bool = False
        ) -> None:
            raw = term_text(raw)
            term = normalize(raw)
            if term.startswith("@"):
                return  # a duration: nothing an engineer types in a filter box
            if term and (term not in seen or seen[term].weight < weight):
                seen[term] = _FilterTerm(raw, term, weight, label)

        for lang in LANGUAGES:
            add(choice.label.get(lang, ""), 1.0, label=True)
            for raw in choice.terms.get(lang, ()):
                add(raw, 1.0)
        for below in _questions_below(tree, target):
            for other in tree.questions[below].choices:
                for lang in LANGUAGES:
                    add(other.label.get(lang, ""), DOWNSTREAM_WEIGHT)
                    for raw in other.terms.get(lang, ()):
                        add(raw, DOWNSTREAM_WEIGHT)
        out[choice.value] = tuple(seen.values())
    return out


def filter_question(tree: Tree) -> Question:
    """The question the filter box searches: the first one, or the one it groups."""
    return tree.questions[tree.first_key]


def _first_choices(tree: Tree) -> list[tuple[Choice, str]]:
    """Each choice the filter box searches, with where answering it leads."""
    start = tree.nodes[tree.start]
    grouped = tree.grouping.get(start.question)
    if grouped is None:
        return [(c, start.next[c.value]) for c in tree.questions[start.question].choices]
    routes: dict[str, str] = {}
    for name in start.next.values():
        routes.update(tree.nodes[name].next)
    return [(c, routes[c.value]) for c in tree.questions[grouped].choices if c.value in routes]


def _questions_below(tree: Tree, name: str) -> list[str]:
    keys: list[str] = []
    stack = [name]
    visited: set[str] = set()
    while stack:
        current = stack.pop()
        node = tree.nodes.get(current)
        if node is None or current in visited:
            continue
        visited.add(current)
        if node.question not in keys:
            keys.append(node.question)
        stack.extend(node.next.values())
    return keys


def filter_choices(tree: Tree, query: str) -> tuple[Ranked, ...]:
    """The first step's choices ranked for what an engineer typed in the filter box.

    A term or label found in the query counts in full; a query that is the start of
    a longer term or label (typing is not finished: ``ingr``) counts a little less.
    Every choice is returned; those with a score of 0 did not match.
    """
    words = normalize(query)
    text = TextIndex(words)
    terms = _filter_terms(tree)
    ranked = []
    for index, choice in enumerate(filter_question(tree).choices):
        full: dict[str, float] = {}
        partial: dict[str, float] = {}
        for item in terms[choice.value]:
            if next(find_term(words, item.term, item.term.split(" ")[0], text), None):
                score = item.weight * (1.0 + 0.5 * item.term.count(" "))
                full[item.shown] = max(score, full.get(item.shown, 0.0))
            elif len(words) >= MIN_PARTIAL and item.term.startswith(words):
                # Typing the start of a choice's own label is the clearest intent.
                partial[item.shown] = item.weight * PARTIAL_WEIGHT + (0.1 if item.label else 0.05)
            elif len(words) >= MIN_PARTIAL and f" {words}" in item.term:
                partial[item.shown] = item.weight * PARTIAL_WEIGHT
        # Every word found counts; unfinished words count once, however many terms
        # they could still become.
        score = sum(full.values()) + max(partial.values(), default=0.0)
        best = sorted({**partial, **full}.items(), key=lambda pair: -pair[1])
        ranked.append((-score, index, Ranked(choice.value, score, tuple(w for w, _ in best))))
    ranked.sort(key=lambda item: item[:2])
    return tuple(item[2] for item in ranked)
