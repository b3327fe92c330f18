"""Finding a tree's choices in the words of a ticket. Pure: no Django imports.

Each choice carries search terms per language (``Choice.terms``). ``rank`` scores the
choices of one question against a text and reports which words matched; ``suggest``
walks the tree from the start, answering every question that the text settles and
stopping at the first one it does not.

Matching rules:

* Case and width are folded (NFKC, casefold); runs of spaces, hyphens and
  underscores count as one space, so ``ingress-nginx`` finds ``ingress nginx``.
* A Latin term matches whole words only (``cni`` is not found in ``acnid``), with an
  optional plural ``s`` or ``es``; between the words of a longer term one other word may stand
  ("roll etcd back" matches "roll back").
* A Hangul term matches where a word starts, whatever follows: Korean attaches
  particles and endings to the word (인그레스가, 인그레스를, 로드밸런서에서), so
  ``인그레스`` is found in all of them; it is not found inside another word.
* Where terms overlap in the text, the longest wins: "service mesh add-on" is one
  match for the add-on, not also a match for "service mesh".
* Terms of both languages are looked for in every text: Korean tickets are full of
  English product names.

Scores: each distinct matched term counts 1, plus 0.5 for every extra word in it (a
longer term is more specific). Choices in the tree's first groups (what the customer
asks for, and subscription and cluster state) get ``REQUEST_BONUS`` when they match:
the policy judges those by the request, whatever component the text also names. A
question is settled when its best choice leads the next one by ``MARGIN``; otherwise
the ranked choices are returned for the engineer to pick from.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from supportscope.engine import LANGUAGES, Question, Tree, resolve

MARGIN = 0.5
REQUEST_BONUS = 0.5

_SEPARATORS = re.compile(r"[\s_\-‐-―/·]+")
_HANGUL = re.compile(r"[가-힣]")
_WORD_CHAR = r"0-9a-z가-힣"


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return _SEPARATORS.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class Ranked:
    value: str
    score: float
    matched: tuple[str, ...]


@dataclass(frozen=True)
class Suggestion:
    answers: dict[str, str]
    evidence: dict[str, list[str]]
    # the first question left open, and its choices ranked (empty when all settled)
    open_question: Question | None
    candidates: tuple[Ranked, ...]
    # questions answered by a default because the text says nothing about them
    assumed: tuple[str, ...] = ()
    # per settled question, the runners-up that also matched
    alternatives: dict[str, tuple[Ranked, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Term:
    value: str  # the choice
    shown: str  # the term as written in the tree
    weight: float
    pattern: re.Pattern[str]


def _pattern(term: str) -> re.Pattern[str]:
    # Between the words of a Latin term, one other word may stand ("roll etcd back").
    words = [re.escape(word) for word in term.split(" ")]
    body = words[0]
    for word in words[1:]:
        gap = "" if _HANGUL.search(word) else r"(?:[^ ]+ )?"
        body += " " + gap + word
    if _HANGUL.match(term):
        # Starts a word; particles and endings may follow.
        return re.compile(rf"(?<![{_WORD_CHAR}]){body}")
    tail = "" if _HANGUL.search(term[-1]) else rf"(?:e?s)?(?![{_WORD_CHAR}])"
    return re.compile(rf"(?<![{_WORD_CHAR}]){body}{tail}")


_CACHE: dict[int, tuple[Question, tuple[_Term, ...]]] = {}
_CACHE_SIZE = 4096


def _compiled(question: Question) -> tuple[_Term, ...]:
    """The question's terms as patterns, compiled once per question object (the tree is
    immutable, so a question's terms never change under the same object)."""
    cached = _CACHE.get(id(question))
    if cached is not None and cached[0] is question:
        return cached[1]
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.clear()
    compiled = _compile_terms(question)
    _CACHE[id(question)] = (question, compiled)
    return compiled


def _compile_terms(question: Question) -> tuple[_Term, ...]:
    terms: dict[tuple[str, str], _Term] = {}
    for choice in question.choices:
        for lang in LANGUAGES:
            for raw in choice.terms.get(lang, ()):
                term = normalize(raw)
                if not term or (choice.value, term) in terms:
                    continue
                weight = 1.0 + 0.5 * term.count(" ")
                terms[(choice.value, term)] = _Term(choice.value, raw, weight, _pattern(term))
    return tuple(terms.values())


def rank(
    question: Question, text: str, priority_groups: Iterable[str] = (), *, normalized: bool = False
) -> tuple[Ranked, ...]:
    """The question's choices, best first, with the terms each matched (all choices)."""
    haystack = text if normalized else normalize(text)
    hits: list[tuple[int, int, _Term]] = []
    for term in _compiled(question):
        for found in term.pattern.finditer(haystack):
            hits.append((found.start(), found.end(), term))
    # Longest match first; a hit inside a longer accepted hit of another term is dropped.
    hits.sort(key=lambda hit: (-(hit[1] - hit[0]), hit[0]))
    taken: list[tuple[int, int]] = []
    matched: dict[str, dict[str, float]] = {}
    for start, end, term in hits:
        if any(s <= start and end <= e and (e - s) > (end - start) for s, e in taken):
            continue
        taken.append((start, end))
        matched.setdefault(term.value, {})[term.shown] = term.weight
    priority = set(priority_groups)
    order = {choice.value: index for index, choice in enumerate(question.choices)}
    ranked = []
    for choice in question.choices:
        words = matched.get(choice.value, {})
        score = sum(words.values())
        if words and choice.group in priority:
            score += REQUEST_BONUS
        ranked.append(Ranked(choice.value, score, tuple(words)))
    ranked.sort(key=lambda item: (-item.score, order[item.value]))
    return tuple(ranked)


def settled(ranked: tuple[Ranked, ...]) -> bool:
    if not ranked or ranked[0].score <= 0:
        return False
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    return ranked[0].score - runner_up >= MARGIN


def suggest(
    tree: Tree,
    text: str,
    *,
    priority_groups: Iterable[str] = (),
    defaults: Mapping[str, str] | None = None,
    upgrade: Callable[[dict[str, str]], dict[str, str]] | None = None,
) -> Suggestion:
    """Answer every question the text settles, from the start of the tree.

    Modifier questions (the release status) are read from the whole text up front,
    since the text may settle them before the path reaches them. ``defaults`` answers
    a question that the text does not mention at all (generally available is the
    usual release status); such answers are listed in ``assumed``. ``upgrade`` applies
    the rewriting that old links get, so that the same facts give the same verdict
    whichever way they arrive.
    """
    haystack = normalize(text)
    priority = tuple(priority_groups)
    defaults = defaults or {}
    answers: dict[str, str] = {}
    evidence: dict[str, list[str]] = {}
    alternatives: dict[str, tuple[Ranked, ...]] = {}
    assumed: list[str] = []
    for key in tree.modifiers:
        found = rank(tree.questions[key], haystack, normalized=True)
        if settled(found):
            answers[key] = found[0].value
            evidence[key] = list(found[0].matched)
    open_question: Question | None = None
    candidates: tuple[Ranked, ...] = ()
    for _step in range(len(tree.questions) + 1):
        current = upgrade(dict(answers)) if upgrade is not None else dict(answers)
        for key, value in current.items():
            if answers.get(key) != value:  # the upgrade moved this answer
                evidence[key] = evidence.get(key, []) + [
                    word for k, words in evidence.items() if k in tree.modifiers for word in words
                ]
        answers = current
        outcome = resolve(tree, answers)
        question = outcome.question
        if question is None:
            used = dict(outcome.answers)
            answers = {key: value for key, value in answers.items() if key in used}
            break
        ranked = rank(question, haystack, priority, normalized=True)
        if settled(ranked):
            answers[question.key] = ranked[0].value
            evidence[question.key] = list(ranked[0].matched)
            alternatives[question.key] = tuple(item for item in ranked[1:] if item.score > 0)
        elif ranked[0].score <= 0 and question.key in defaults:
            answers[question.key] = defaults[question.key]
            evidence[question.key] = []
            assumed.append(question.key)
        else:
            open_question, candidates = question, ranked
            break
    evidence = {key: words for key, words in evidence.items() if key in answers}
    return Suggestion(answers, evidence, open_question, candidates, tuple(assumed), alternatives)


# -- the filter on a step ---------------------------------------------------------

DOWNSTREAM_WEIGHT = 0.5
PARTIAL_WEIGHT = 0.75
MIN_PARTIAL = 2


@dataclass(frozen=True, slots=True)
class _FilterTerm:
    shown: str
    term: str
    weight: float
    pattern: re.Pattern[str]


_FILTER_CACHE: dict[int, tuple[Tree, dict[str, tuple[_FilterTerm, ...]]]] = {}


def _filter_terms(tree: Tree) -> dict[str, tuple[_FilterTerm, ...]]:
    """For each first-step choice: its labels and terms, and at half weight the labels
    and terms of every question asked below it (so ``nginx`` finds the ingress choice)."""
    cached = _FILTER_CACHE.get(id(tree))
    if cached is not None and cached[0] is tree:
        return cached[1]
    if len(_FILTER_CACHE) >= 16:
        _FILTER_CACHE.clear()
    start = tree.nodes[tree.start]
    question = tree.questions[start.question]
    out: dict[str, tuple[_FilterTerm, ...]] = {}
    for choice in question.choices:
        seen: dict[str, _FilterTerm] = {}

        def add(raw: str, weight: float, seen: dict[str, _FilterTerm] = seen) -> None:
            term = normalize(raw)
            if term and (term not in seen or seen[term].weight < weight):
                seen[term] = _FilterTerm(raw, term, weight, _pattern(term))

        for lang in LANGUAGES:
            add(choice.label.get(lang, ""), 1.0)
            for raw in choice.terms.get(lang, ()):
                add(raw, 1.0)
        for below in _questions_below(tree, start.next[choice.value]):
            for other in tree.questions[below].choices:
                for lang in LANGUAGES:
                    add(other.label.get(lang, ""), DOWNSTREAM_WEIGHT)
                    for raw in other.terms.get(lang, ()):
                        add(raw, DOWNSTREAM_WEIGHT)
        out[choice.value] = tuple(seen.values())
    _FILTER_CACHE[id(tree)] = (tree, out)
    return out


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
    question = tree.questions[tree.nodes[tree.start].question]
    terms = _filter_terms(tree)
    ranked = []
    for index, choice in enumerate(question.choices):
        matched: dict[str, float] = {}
        for item in terms[choice.value]:
            if item.pattern.search(words):
                score = item.weight * (1.0 + 0.5 * item.term.count(" "))
            elif len(words) >= MIN_PARTIAL and (
                item.term.startswith(words) or f" {words}" in item.term
            ):
                score = item.weight * PARTIAL_WEIGHT
            else:
                continue
            matched[item.shown] = max(score, matched.get(item.shown, 0.0))
        best = sorted(matched.items(), key=lambda pair: -pair[1])
        ranked.append(
            (
                -sum(matched.values()),
                index,
                Ranked(choice.value, sum(matched.values()), tuple(w for w, _ in best)),
            )
        )
    ranked.sort(key=lambda item: item[:2])
    return tuple(item[2] for item in ranked)
