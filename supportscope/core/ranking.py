"""Scoring a question's choices against the words of a ticket. Pure: no Django imports.

Each choice carries search terms per language (``Choice.terms``). ``rank`` scores the
choices of one question against a text and reports which words matched, and what it
discounted and why (``Note``); ``core/walk.py`` walks the tree with it.

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
matched as strongly as ``REQUEST_CLEAR`` counts double.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from supportscope.core.engine import LANGUAGES, Question, Tree
from supportscope.core.installed import Installed, said_aside
from supportscope.core.layout import is_evidence
from supportscope.core.memo import PerObject
from supportscope.core.negation import negated, sentence_at, unmade_change
from supportscope.core.textindex import (
    TextIndex,
    plain_words,
    term_search,
    within,
)
from supportscope.core.tickettext import (
    DURATION_TERM,
    HANGUL,
    WORD,
    Duration,
    durations,
    normalize,
    normalize_ticket,
    satisfies,
)

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
# A name found only in pasted lines (logs, commands, tables, YAML, stack traces) counts
# this much; an error code or a failure reason found there (``layout.is_evidence``) counts
# in full: it shows what happened.
PASTED_WEIGHT = 0.25
# A name in what the customer ran or applied (a command, YAML) counts this much.
INPUT_WEIGHT = 1.0
# A term in the title counts this much more than in the customer's other sentences.
TITLE_WEIGHT = 1.0
# The first step's groups whose choices say what the customer changed: a change the text
# only asks whether to make ("should we SSH in and patch?"), or a sign-in only to look, is
# not counted for them (``negation.unmade_change``).
ASKED_GROUPS = frozenset({"changes"})


@dataclass(frozen=True, slots=True)
class Note:
    """Why a choice's words counted less, or what they showed.

    ``kind``: ``installed`` (the customer installed what the word names, ``detail`` says
    how), ``runs`` (the customer only says they run or use it: "we run Linkerd"),
    ``changed`` (the customer says they changed the AKS-managed resource the word
    names; ``detail`` is their sentence), ``pasted`` (found only in pasted lines),
    ``identifier`` (only inside URLs, image or key names), ``denied`` (named only to deny
    it), ``time`` (the text's stated time misses this choice's condition), ``learned``
    (a close call on words, settled by the tie-breaker, ``core/learned.py``; ``detail``
    names the candidates it was weighed against, comma-separated), ``reads-like`` (an
    answer no word gives, read by the tie-breaker: the ticket reads like past tickets about
    the first-step choice ``detail`` that stands for it, ``tiebreak.unasked``),
    ``stands-for`` (a choice whose words were read as the answer ``detail`` to a question
    the engine never asks, beside the part the text names: ``matcher._part_asked_about``),
    ``likely`` (an open question's candidate listed because the ticket reads likeliest to be
    about it, by the tie-breaker's classifier, whatever its words: ``tiebreak.likeliest``),
    ``theirs`` (an open question's candidate listed because the text says the customer
    installed ``word`` themselves, and this choice is for software of their own:
    ``matcher._theirs_listed``).
    """

    kind: str
    word: str = ""
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Ranked:
    value: str
    score: float
    matched: tuple[str, ...]
    notes: tuple[Note, ...] = ()


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
    evidence: bool = False  # an error code or failure reason: counts in full in a log
    # its words of letters and digits (``textindex.plain_words``): where it matches, each
    # starts a word of the text (``TextIndex.heads``)
    plain: frozenset[str] = frozenset()


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
    first = term.split(" ")[0]
    evidence = is_evidence(shown)
    plain = plain_words(term)
    return _Term(
        value, shown, weight, term, first, weak=weak, exact=exact, evidence=evidence, plain=plain
    )


@dataclass(frozen=True, slots=True)
class _Compiled:
    terms: tuple[_Term, ...]
    # terms by the first two characters of their first word, when it starts with a
    # letter or digit: a text is searched only for the terms whose start it has
    by_prefix: dict[str, tuple[_Term, ...]]
    others: tuple[_Term, ...]  # durations, and first words of one character or a sign
    # the choices that say what the customer changed: a change only asked about, or only
    # looked at, is none
    asked: frozenset[str] = frozenset()


# A question's compiled terms, per question object (a tree has about a hundred questions;
# a worker keeps one or two trees at a time).
_COMPILED: PerObject[_Compiled] = PerObject(4096)


def _compiled(question: Question) -> _Compiled:
    """The question's terms, read once per question object (the tree is immutable, so
    a question's terms never change under the same object)."""
    return _COMPILED.get(question, lambda: _compile(question))


def _compile(question: Question) -> _Compiled:
    terms: dict[tuple[str, str], _Term] = {}
    for choice in question.choices:
        for lang in LANGUAGES:
            for raw in choice.terms.get(lang, ()):
                item = _term(choice.value, raw)
                if item is not None:
                    terms.setdefault((choice.value, normalize(term_text(raw))), item)
    by_prefix: dict[str, list[_Term]] = {}
    others: list[_Term] = []
    for item in terms.values():
        if item.duration is None and len(item.first) >= 2 and WORD.match(item.first):
            by_prefix.setdefault(item.first[:2], []).append(item)
        else:
            others.append(item)
    return _Compiled(
        tuple(terms.values()),
        {key: tuple(items) for key, items in by_prefix.items()},
        tuple(others),
        frozenset(choice.value for choice in question.choices if choice.group in ASKED_GROUPS),
    )


def timed(question: Question) -> bool:
    """Whether any of the question's terms is a stated time ("@>=365d"): only then does
    ranking it need the times the text states (``rank``'s ``spans``)."""
    return any(term.duration is not None for term in _compiled(question).others)


_TREE_WORDS: PerObject[frozenset[str]] = PerObject(16)


def tree_words(tree: Tree) -> frozenset[str]:
    """The first word of every term of the tree: what a text can be searched for."""
    return _TREE_WORDS.get(
        tree,
        lambda: frozenset(
            item.first for question in tree.questions.values() for item in _compiled(question).terms
        ),
    )


def warm(tree: Tree) -> None:
    """Compile every question's terms and patterns once (a worker does it at start-up)."""
    for question in tree.questions.values():
        for item in _compiled(question).terms:
            if item.term:
                term_search(item.term)
    tree_words(tree)


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


def _candidates(compiled: _Compiled, index: TextIndex) -> Iterator[_Term]:
    """The terms that can match the text: those whose first word starts as one of its
    words does, and those that are searched for everywhere."""
    yield from compiled.others
    heads = index.heads
    for prefix in compiled.by_prefix.keys() & index.prefixes:
        # Most share their first letters with a word of the text but not all their
        # words: one subset test each rules them out, before any other work (as
        # ``TextIndex.spans`` would, after two look-ups).
        yield from [term for term in compiled.by_prefix[prefix] if term.plain <= heads]


class _Where(NamedTuple):
    pasted: bool  # counted at PASTED_WEIGHT: a name found in a pasted line
    identifier: bool  # counted at IDENTIFIER_WEIGHT
    installed: Installed | None


def _hits(
    terms: Iterable[_Term],
    haystack: str,
    spans: tuple[Duration, ...],
    index: TextIndex,
    where: dict[tuple[int, int], _Where] | None = None,
) -> Iterator[_Hit]:
    """Every place a term matches; a denied one weighs 0, inside an identifier a term
    counts ``IDENTIFIER_WEIGHT`` of its weight, and a name in a pasted line
    ``PASTED_WEIGHT`` (unless the customer says there that they installed it)."""
    for term in terms:
        if term.duration is not None:
            op, days = term.duration
            for span in spans:
                if satisfies(span, op, days):
                    said_as = haystack[span.start : span.end]
                    yield _Hit(span.start, span.end, term, said_as, term.weight)
            continue
        said = 0
        for start, end in index.spans(term.term, term.first):
            if said >= REPEATS_COUNTED and index.installed_at(start) is None:
                # Counted often enough; only where the customer says they installed it
                # does a later mention still tell something (said after pasted output).
                continue
            gapped = _gapped(haystack, start, end, term)
            if negated(haystack, start, end):
                # Denied: it scores nothing, and no shorter term inside it counts either.
                yield _Hit(start, end, term, term.shown, 0.0, gapped)
                continue
            weight = term.weight
            put = (
                (index.installed_at(start) or index.installed_at(end - 1))
                if index.installed
                else None
            )
            identifier = not term.exact and index.in_identifier(start)
            pasted = (
                not identifier
                and not term.evidence
                and bool(index.pasted)
                and index.in_pasted(start)
                and not (put is not None and put.explicit)
            )
            if identifier:
                weight *= IDENTIFIER_WEIGHT
            elif pasted:
                weight *= PASTED_WEIGHT
            elif index.title is not None and index.in_title(start):
                weight *= TITLE_WEIGHT
            elif index.written and INPUT_WEIGHT != 1.0 and within(index.written, start):
                weight *= INPUT_WEIGHT
            if where is not None:
                where[start, end] = _Where(pasted, identifier, put)
            yield _Hit(start, end, term, term.shown, weight, gapped)
            said += 1
            if said >= REPEATS_COUNTED and not index.installed:
                break


def _disowned(hits: list[_Hit], software_choices: tuple[str, ...]) -> set[tuple[str, str]]:
    """The (choice, term) pairs of the customer's software that the text says is not
    theirs ("we never installed Gatekeeper ourselves"): no other mention of that name
    counts for that choice either. A name denied only inside a longer term of another
    choice ("관리형 Prometheus는 안 씁니다": the managed one) is not disowned."""
    denied = [hit for hit in hits if not hit.weight]
    return {
        (hit.term.value, hit.shown)
        for hit in denied
        if hit.term.value in software_choices
        and not any(
            other.term.value != hit.term.value
            and other.start <= hit.start
            and hit.end <= other.end
            and other.end - other.start > hit.end - hit.start
            for other in denied
        )
    }


def _gapped(haystack: str, start: int, end: int, term: _Term) -> bool:
    """Whether another word stands between the words of a term where it matched."""
    return bool(term.term) and haystack.count(" ", start, end) > term.term.count(" ")


def _dated(hits: list[_Hit], haystack: str, recent: set[tuple[int, int]]) -> list[_Hit]:
    """``hits`` without a recent day ("yesterday", "지난주"; its place in ``recent``) whose
    sentence names nothing else the question asks about: the day dates that sentence's
    event, which may be another one (an upgrade, not the fix the question dates)."""
    named = [hit for hit in hits if hit.term.duration is None and hit.weight > 0]
    kept = []
    for hit in hits:
        if hit.term.duration is not None and (hit.start, hit.end) in recent:
            first, last = sentence_at(haystack, hit.start, hit.end)
            if not any(first <= other.start and other.end <= last for other in named):
                continue
        kept.append(hit)
    return kept


def rank(
    question: Question,
    text: str,
    priority_groups: Iterable[str] = (),
    *,
    normalized: bool = False,
    spans: tuple[Duration, ...] | None = None,
    index: TextIndex | None = None,
    installed_choices: tuple[str, ...] = (),
    known: frozenset[str] = frozenset(),
    software_choices: tuple[str, ...] = (),
) -> tuple[Ranked, ...]:
    """The question's choices, best first, with the terms each matched (all choices).

    ``installed_choices`` are the choices for software the customer installed (open
    source, a vendor's): one whose term names what the text says the customer installed
    ranks as a request does, and so does the first of them when the text says the
    customer installed something no term of the tree names (``known``: the first words
    of the tree's terms), such as a tool the tree does not list.
    """
    if normalized:
        haystack = text
        if index is None:
            index = TextIndex(haystack)
    else:
        read = normalize_ticket(text)
        haystack = read.haystack
        if index is None:
            index = TextIndex.of(read)
    if spans is None:
        spans = durations(haystack)
    compiled = _compiled(question)
    terms = compiled.terms
    where: dict[tuple[int, int], _Where] = {}
    hits = list(_hits(_candidates(compiled, index), haystack, spans, index, where))
    if installed_choices:
        # the customer's software said to be beside the point ("… but it is not involved")
        hits = [
            hit._replace(weight=hit.weight * PASTED_WEIGHT)
            if hit.weight and hit.term.value in installed_choices and said_aside(haystack, hit.end)
            else hit
            for hit in hits
        ]
    recent = {(span.start, span.end) for span in spans if span.recent}
    if recent:
        hits = _dated(hits, haystack, recent)

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
    notes: dict[str, dict[tuple[str, str], Note]] = {}
    boosted: set[str] = set()  # installed choices that name what the customer installed
    full: set[tuple[str, str]] = set()  # (choice, term) said in the customer's own words
    discounted: dict[tuple[str, str], str] = {}  # counted less, and why
    if compiled.asked:
        hits = [hit for hit in hits if not _asked(hit, compiled.asked, haystack, notes)]
    for hit in hits:
        if not hit.weight:
            denied[hit.start : hit.end] = b"\x01" * (hit.end - hit.start)
            _note(notes, hit.term.value, Note("denied", hit.shown))
    disowned = _disowned(hits, software_choices)
    for start, end, term, shown, weight, gapped in hits:
        if not weight or denied[start] or (term.value, shown) in disowned:
            continue
        if reach[start] >= end and not (reach[start] == end and (start, end) in accepted):
            continue
        if gapped and any(reach[start:end]):
            continue
        accepted.add((start, end))
        for position in range(start, end):
            reach[position] = max(reach[position], end)
        words = matched.setdefault(term.value, {})
        place = where.get((start, end))
        if place is not None and place.installed is not None:
            put = place.installed
            kind = "installed" if put.explicit else "runs"
            _note(notes, term.value, Note(kind, haystack[put.start : put.end], put.way))
            if term.value in installed_choices:
                boosted.add(term.value)
        if place is not None and (place.pasted or place.identifier):
            discounted.setdefault((term.value, shown), "pasted" if place.pasted else "identifier")
        else:
            full.add((term.value, shown))
        if not term.weak and weight >= term.weight:
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
            if matched.pop(value, None):
                _note(notes, value, Note("time"))
            strong.discard(value)
    for (value, shown), why in discounted.items():
        if (value, shown) not in full:
            _note(notes, value, Note(why, shown))
    unnamed = _unnamed_install(question, index, installed_choices, known)
    if unnamed is not None:
        value, put = unnamed
        name = haystack[put.start : put.end]
        matched.setdefault(value, {})[name] = 1.0
        strong.add(value)
        boosted.add(value)
        _note(notes, value, Note("installed", name, put.way))
    priority = set(priority_groups)
    order = {choice.value: index for index, choice in enumerate(question.choices)}
    ranked = []
    for choice in question.choices:
        words = matched.get(choice.value, {})
        score = sum(words.values())
        if choice.value in strong and (choice.group in priority or choice.value in boosted):
            # Asked for in so many words, or installed by the customer: the request (or
            # the customer's software) outweighs the components named.
            score += score if score >= REQUEST_CLEAR else REQUEST_BONUS
        said = tuple(notes.get(choice.value, {}).values())
        ranked.append(Ranked(choice.value, score, tuple(words), said))
    ranked.sort(key=lambda item: (-item.score, order[item.value]))
    return tuple(ranked)


def _asked(
    hit: _Hit, values: frozenset[str], haystack: str, notes: dict[str, dict[tuple[str, str], Note]]
) -> bool:
    """Whether ``hit`` names a change the text tells of as not made: only asked about, or
    only looked at (noted so)."""
    if not hit.weight or hit.term.value not in values:
        return False
    why = unmade_change(haystack, hit.start, hit.end)
    if why is None:
        return False
    _note(notes, hit.term.value, Note(why, hit.shown))
    return True


def _note(notes: dict[str, dict[tuple[str, str], Note]], value: str, note: Note) -> None:
    notes.setdefault(value, {}).setdefault((note.kind, note.word), note)


_FILE_SUFFIX = re.compile(r"\.(?:ya?ml|json|sh|tgz)$")


def _unnamed_install(
    question: Question,
    index: TextIndex,
    installed_choices: tuple[str, ...],
    known: frozenset[str],
) -> tuple[str, Installed] | None:
    """The first installed choice (in the order given: open source first) that the
    question offers, and what the customer says they installed, when no term of the
    tree names it (a tool the tree does not list)."""
    if not index.installed or not known:
        return None
    offered = set(question.values)
    target = next((value for value in installed_choices if value in offered), None)
    if target is None:
        return None
    haystack = index.haystack
    for put in index.installed:
        if not put.explicit:
            continue
        words = [_FILE_SUFFIX.sub("", word) for word in haystack[put.start : put.end].split(" ")]
        if not any(_known_word(word, known) for word in words):
            return target, put
    return None


def _known_word(word: str, known: frozenset[str]) -> bool:
    """Whether a word of the text starts as a term of the tree does."""
    if word in known or word.rstrip("s") in known:
        return True
    latin = re.match(r"[0-9a-z.]+", word)
    if latin is not None and latin[0] != word and latin[0] in known:
        return True  # a Latin name with a Korean particle: "sysbox가"
    if HANGUL.match(word):
        return any(word[:k] in known for k in range(1, len(word)))
    return False
