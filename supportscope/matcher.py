"""Finding a tree's choices in the words of a ticket. Pure: no Django imports.

Each choice carries search terms per language (``Choice.terms``). ``rank`` scores the
choices of one question against a text and reports which words matched; ``suggest``
walks the tree from the start, answering every question that the text settles and
stopping at the first one it does not.

Matching rules:

* Case and width are folded (NFKC, casefold); runs of spaces, hyphens, underscores,
  slashes, brackets, double quotes, commas and semicolons count as one space, so
  ``ingress-nginx`` finds ``ingress nginx``.
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
* A mention denied or contrasted away ("we did not change", "not on BYOCNI", "아니고",
  "설치한 게 아니라") counts nothing, nor does any term that starts inside it. A Korean
  term carrying the subject particle is what acts ("카펜터가 노드를 안 만들어요"): "안"
  after it is a symptom, not a denial.
* Inside an identifier (a URL, an image or annotation key, a generated resource name)
  a term counts ``IDENTIFIER_WEIGHT``, unless it is written with ``.``, ``/`` or ``:``.
* A term written ``~how do we`` is weak: ``WEAK_WEIGHT``, and no request bonus alone.
* A term written ``@>=365d`` is a stated time ("14 months ago"). Where the text's time
  meets one choice's condition, a choice whose own condition it misses is ruled out.

Scores: each distinct matched term counts 1, plus 0.5 for every extra word in it (a
longer term is more specific); said again, a term adds a quarter of its weight, up
to half as much again. Choices in the tree's first groups (what the customer asks
for, subscription and cluster state, what the customer changed) get ``REQUEST_BONUS``
when they match: the policy judges those by the request or the change, whatever
component the text also names; one
matched as strongly as ``REQUEST_CLEAR`` counts double. A question is settled when its
best choice leads the next one by ``MARGIN`` and by a factor of ``RATIO``; otherwise
the ranked choices are returned for the engineer to pick from.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from supportscope.engine import LANGUAGES, Question, Tree, resolve
from supportscope.tickettext import (
    DURATION_TERM,
    HANGUL,
    WORD,
    WORD_CHAR,
    Duration,
    durations,
    negated,
    normalize,
    normalize_marked,
    satisfies,
)

MARGIN = 0.5
# The best choice must also outscore the runner-up by this factor: two choices with
# 2.5 and 2 points are a coin flip, whatever the margin says.
RATIO = 1.25
REQUEST_BONUS = 0.5
# A request matched this strongly (two distinct terms, or one of three words) counts
# double: "Defender flagged a CVE in the add-on's image" is a vulnerability question
# whatever component the image belongs to.
REQUEST_CLEAR = 2.0
REPEATS_COUNTED = 3  # occurrences of one term that can add to its score
# A term found inside an identifier (a URL, an image or annotation name, a generated
# resource name) counts this much: the customer's own sentences say what they ask.
IDENTIFIER_WEIGHT = 0.25
# A term written "~how do we" is weak: generic wording that counts half, and earns no
# request bonus on its own.
WEAK_MARK = "~"
WEAK_WEIGHT = 0.5


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


# -- terms --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Term:
    value: str  # the choice
    shown: str  # the term as written in the tree
    weight: float
    term: str  # normalized; "" for a duration term
    first: str  # the first word: the text is searched for it before any pattern runs
    duration: tuple[str, int] | None = None
    weak: bool = False  # generic wording ("~how do we"): half weight, no request bonus
    exact: bool = False  # written with '.', '/' or ':': meant for identifiers too


_PATTERNS: dict[str, re.Pattern[str]] = {}


def _pattern(term: str) -> re.Pattern[str]:
    """The pattern of a normalized term, compiled on first use, matched where its first
    word starts a word.

    Between the words of a longer term one other word may stand ("roll etcd back"),
    and a Korean word inside it may carry its particle ("태그를 추가" for "태그 추가").
    """
    pattern = _PATTERNS.get(term)
    if pattern is not None:
        return pattern
    words = term.split(" ")
    body = re.escape(words[0])
    for previous, word in itertools.pairwise(words):
        particle = "[가-힣]{0,3}" if HANGUL.search(previous[-1]) else ""
        body += particle + " (?:[^ ]+ )?" + re.escape(word)
    if not HANGUL.search(term[-1]):
        # A Latin term ends where a Latin word ends (an "s" or "es" plural may follow, and
        # so may a Korean particle: "nginx가", "BYOCNI를"); after a Korean word,
        # particles and endings may follow.
        body += r"(?:e?s)?(?![0-9a-z])"
    pattern = _PATTERNS[term] = re.compile(body)
    return pattern


def term_text(raw: str) -> str:
    """A term as an engineer reads it: without the weak mark."""
    return raw.strip().removeprefix(WEAK_MARK).strip()


def _term(value: str, raw: str, weight: float | None = None) -> _Term | None:
    weak = raw.strip().startswith(WEAK_MARK)
    shown = term_text(raw)
    term = normalize(shown)
    if not term:
        return None
    duration = DURATION_TERM.match(term)
    if duration:
        return _Term(value, shown, 1.0, "", "", (duration[1], int(duration[2])))
    if weight is None:
        weight = 1.0 + 0.5 * term.count(" ")
    if weak:
        weight *= WEAK_WEIGHT
    exact = any(sign in shown for sign in "./:")
    return _Term(value, shown, weight, term, term.split(" ")[0], weak=weak, exact=exact)


_CACHE: dict[int, tuple[Question, tuple[_Term, ...]]] = {}
_CACHE_SIZE = 4096


def _compiled(question: Question) -> tuple[_Term, ...]:
    """The question's terms, read once per question object (the tree is immutable, so
    a question's terms never change under the same object)."""
    cached = _CACHE.get(id(question))
    if cached is not None and cached[0] is question:
        return cached[1]
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.clear()
    terms: dict[tuple[str, str], _Term] = {}
    for choice in question.choices:
        for lang in LANGUAGES:
            for raw in choice.terms.get(lang, ()):
                item = _term(choice.value, raw)
                if item is not None:
                    terms.setdefault((choice.value, normalize(term_text(raw))), item)
    compiled = tuple(terms.values())
    _CACHE[id(question)] = (question, compiled)
    return compiled


def _starts_word(haystack: str, index: int) -> bool:
    return index == 0 or not WORD.match(haystack[index - 1])


_WORD_START = re.compile(rf"(?<![{WORD_CHAR}])[{WORD_CHAR}]")


class TextIndex:
    """Where each word of a normalized text starts, by its first two characters, so that
    a term is looked for only where a word begins as it does."""

    def __init__(self, haystack: str, identifiers: tuple[tuple[int, int], ...] = ()) -> None:
        self.haystack = haystack
        self.identifiers = identifiers
        self.starts: dict[str, list[int]] = {}
        for found in _WORD_START.finditer(haystack):
            position = found.start()
            self.starts.setdefault(haystack[position : position + 2], []).append(position)

    def in_identifier(self, position: int) -> bool:
        # Identifiers are found left to right and do not overlap.
        k = bisect.bisect_right(self.identifiers, (position, math.inf)) - 1
        return k >= 0 and position < self.identifiers[k][1]

    def word_starts(self, word: str) -> Iterator[int]:
        haystack = self.haystack
        if len(word) >= 2 and WORD.match(word):
            for position in self.starts.get(word[:2], ()):
                if haystack.startswith(word, position):
                    yield position
            return
        start = haystack.find(word)  # one letter, or a sign first: search it all
        while start != -1:
            if _starts_word(haystack, start):
                yield start
            start = haystack.find(word, start + 1)


def find_term(
    haystack: str, term: str, first: str, index: TextIndex | None = None
) -> Iterator[re.Match[str]]:
    """Where a normalized term matches in a normalized text, starting a word."""
    if index is None:
        index = TextIndex(haystack)
    for start in index.word_starts(first):
        found = _pattern(term).match(haystack, start)
        if found is not None:
            yield found


class _Hit(NamedTuple):
    start: int
    end: int
    term: _Term
    shown: str
    weight: float
    gapped: bool = False  # another word stands between the term's words here

    @property
    def length(self) -> int:
        """A hit that stepped over a word is as long as its term, not its span."""
        return len(self.term.term) if self.gapped else self.end - self.start


def _hits(
    terms: Iterable[_Term],
    haystack: str,
    spans: tuple[Duration, ...],
    index: TextIndex,
) -> Iterator[_Hit]:
    """Every place a term matches; a denied one weighs 0, and inside an identifier a
    term counts ``IDENTIFIER_WEIGHT`` of its weight."""
    for term in terms:
        if term.duration is not None:
            op, days = term.duration
            for span in spans:
                if satisfies(span, op, days):
                    said_as = haystack[span.start : span.end]
                    yield _Hit(span.start, span.end, term, said_as, term.weight)
            continue
        said = 0
        for found in find_term(haystack, term.term, term.first, index):
            start, end = found.start(), found.end()
            gapped = _gapped(haystack, start, end, term)
            if negated(haystack, start, end):
                # Denied: it scores nothing, and no shorter term inside it counts either.
                yield _Hit(start, end, term, term.shown, 0.0, gapped)
                continue
            weight = term.weight
            if not term.exact and index.in_identifier(start):
                weight *= IDENTIFIER_WEIGHT
            yield _Hit(start, end, term, term.shown, weight, gapped)
            said += 1
            if said == REPEATS_COUNTED:
                break


def _gapped(haystack: str, start: int, end: int, term: _Term) -> bool:
    """Whether another word stands between the words of a term where it matched."""
    return bool(term.term) and haystack.count(" ", start, end) > term.term.count(" ")


def rank(
    question: Question,
    text: str,
    priority_groups: Iterable[str] = (),
    *,
    normalized: bool = False,
    spans: tuple[Duration, ...] | None = None,
    index: TextIndex | None = None,
) -> tuple[Ranked, ...]:
    """The question's choices, best first, with the terms each matched (all choices)."""
    identifiers: tuple[tuple[int, int], ...]
    if normalized:
        haystack, identifiers = text, ()
    else:
        haystack, identifiers = normalize_marked(text)
    if spans is None:
        spans = durations(haystack)
    if index is None:
        index = TextIndex(haystack, identifiers)
    terms = _compiled(question)
    hits = list(_hits(terms, haystack, spans, index))

    # Longest match first; a hit inside a longer accepted hit of another term is dropped.
    # A hit with a word standing between its words ("azure [network] policy") is as long
    # as its term, not its span, and is dropped if it overlaps any accepted hit: the
    # word it stepped over belongs to the other term ("network policy").
    hits.sort(key=lambda hit: (-hit.length, hit.start))
    # reach[p]: the furthest end of an accepted hit that covers position p.
    reach = [0] * (len(haystack) + 1)
    accepted: set[tuple[int, int]] = set()
    matched: dict[str, dict[str, float]] = {}
    strong: set[str] = set()  # choices with a match that is neither weak nor in an identifier
    # A denied mention counts nothing, and no term that starts inside it counts either.
    denied = bytearray(len(haystack) + 1)
    for hit in hits:
        if not hit.weight:
            denied[hit.start : hit.end] = b"\x01" * (hit.end - hit.start)
    for start, end, term, shown, weight, gapped in hits:
        if not weight or denied[start]:
            continue
        if reach[start] >= end and not (reach[start] == end and (start, end) in accepted):
            continue
        if gapped and any(reach[start:end]):
            continue
        accepted.add((start, end))
        for position in range(start, end):
            reach[position] = max(reach[position], end)
        words = matched.setdefault(term.value, {})
        if not term.weak and weight == term.weight:
            strong.add(term.value)
        # A term said again adds a quarter of its weight, twice at most.
        words[shown] = (
            min(words[shown] + weight / 4, max(words[shown], term.weight * 1.5))
            if shown in words
            else weight
        )
    # A stated time decides between choices that turn on it: where the text's time meets
    # one choice's condition ("14 months" and 12 months or more), a choice whose own
    # condition it misses (under 12 months) is ruled out, whatever else it matched.
    met = {hit.term.value for hit in hits if hit.term.duration is not None}
    if met:
        timed = {term.value for term in terms if term.duration is not None}
        for value in timed - met:
            matched.pop(value, None)
            strong.discard(value)
    priority = set(priority_groups)
    order = {choice.value: index for index, choice in enumerate(question.choices)}
    ranked = []
    for choice in question.choices:
        words = matched.get(choice.value, {})
        score = sum(words.values())
        if choice.value in strong and choice.group in priority:
            # Asked for in so many words: the request outweighs the components named.
            score += score if score >= REQUEST_CLEAR else REQUEST_BONUS
        ranked.append(Ranked(choice.value, score, tuple(words)))
    ranked.sort(key=lambda item: (-item.score, order[item.value]))
    return tuple(ranked)


def clearly_ahead(best: float, other: float) -> bool:
    """Whether a score beats another by both the margin and the ratio."""
    return best - other >= MARGIN and best >= RATIO * other


def settled(ranked: tuple[Ranked, ...]) -> bool:
    if not ranked or ranked[0].score <= 0:
        return False
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    return clearly_ahead(ranked[0].score, runner_up)


@dataclass(frozen=True)
class _Reading:
    """One ticket being read: the tree, the normalized text and how to read it."""

    tree: Tree
    haystack: str
    spans: tuple[Duration, ...]
    priority: tuple[str, ...]
    defaults: Mapping[str, str]
    upgrade: Callable[[dict[str, str]], dict[str, str]] | None
    index: TextIndex


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

    Where two choices match about equally, the text is ambiguous; but if following
    each of them (with the rest of the text) reaches a verdict of the same level, the
    ambiguity does not change the answer, and the best-ranked one is proposed with
    the others listed as alternatives.
    """
    haystack, identifiers = normalize_marked(text)
    reading = _Reading(
        tree,
        haystack,
        durations(haystack),
        tuple(priority_groups),
        defaults or {},
        upgrade,
        TextIndex(haystack, identifiers),
    )
    answers: dict[str, str] = {}
    evidence: dict[str, list[str]] = {}
    for key in tree.modifiers:
        found = rank(
            tree.questions[key],
            haystack,
            normalized=True,
            spans=reading.spans,
            index=reading.index,
        )
        if settled(found):
            answers[key] = found[0].value
            evidence[key] = list(found[0].matched)
    return _walk(reading, answers, evidence, lookahead=True)


def _walk(
    reading: _Reading, answers: dict[str, str], evidence: dict[str, list[str]], *, lookahead: bool
) -> Suggestion:
    tree = reading.tree
    answers = dict(answers)
    evidence = dict(evidence)
    alternatives: dict[str, tuple[Ranked, ...]] = {}
    assumed: list[str] = []
    open_question: Question | None = None
    candidates: tuple[Ranked, ...] = ()
    for _step in range(len(tree.questions) + 1):
        current = reading.upgrade(dict(answers)) if reading.upgrade else dict(answers)
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
        if question.key in tree.grouping:
            # A question that only picks a group (``topic``): read the question it groups,
            # whose answer implies the group.
            question = tree.questions[tree.grouping[question.key]]
        ranked = rank(
            question,
            reading.haystack,
            reading.priority,
            normalized=True,
            spans=reading.spans,
            index=reading.index,
        )
        chosen = ranked[0] if settled(ranked) else None
        if chosen is None and lookahead and ranked[0].score > 0:
            chosen = _agreeing(reading, answers, evidence, question, ranked)
        if chosen is not None:
            answers[question.key] = chosen.value
            evidence[question.key] = list(chosen.matched)
            alternatives[question.key] = tuple(
                item for item in ranked if item.score > 0 and item.value != chosen.value
            )
        elif ranked[0].score <= 0 and question.key in reading.defaults:
            answers[question.key] = reading.defaults[question.key]
            evidence[question.key] = []
            assumed.append(question.key)
        else:
            open_question, candidates = question, ranked
            break
    evidence = {key: words for key, words in evidence.items() if key in answers}
    return Suggestion(answers, evidence, open_question, candidates, tuple(assumed), alternatives)


def _agreeing(
    reading: _Reading,
    answers: dict[str, str],
    evidence: dict[str, list[str]],
    question: Question,
    ranked: tuple[Ranked, ...],
) -> Ranked | None:
    """The best choice, if every choice about as good leads to a verdict of one level."""
    best = ranked[0].score
    contenders = [item for item in ranked if item.score > 0 and not clearly_ahead(best, item.score)]
    levels = set()
    for item in contenders:
        after = _walk(reading, {**answers, question.key: item.value}, evidence, lookahead=False)
        outcome = resolve(reading.tree, after.answers)
        if outcome.result is None:
            return None
        levels.add(outcome.result.level)
    return ranked[0] if len(levels) == 1 else None
