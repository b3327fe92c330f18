"""Where the words and terms of one ticket stand. Pure: no Django imports.

``TextIndex`` is built once per request from a normalized ticket
(``tickettext.normalize_ticket``): where each word starts, which lines were pasted, the
title, what the customer says they installed (``core/installed.py``). ``core/ranking.py``
asks it where each term of a question matches; the matcher re-walks the tree for every
contender, so each term is looked for once per text and then looked up.

A term's pattern (``term_search``) is compiled once per process: a Latin term matches whole
words (an optional plural may follow), a Hangul term where a word starts, and between
the words of a longer term one other word may stand.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from supportscope.core.installed import Installed, installed
from supportscope.core.tickettext import HANGUL, WORD, WORD_CHAR, Normalized, Spans


class Search(NamedTuple):
    """How a normalized term is looked for in a text, worked out once per term."""

    pattern: re.Pattern[str]
    # one word of letters and digits: whether it matches where a word of the text
    # starts depends on that word alone (what follows it is a sign or a space)
    one_word: bool
    # its words of letters and digits: where the term matches, each starts a word (the
    # first where the match starts, each later one right after a space), so a text with
    # no word that starts as one of them does has no match
    plain: frozenset[str]


_SEARCHES: dict[str, Search] = {}
LETTERS_AND_DIGITS = re.compile(rf"[{WORD_CHAR}]+")


# Korean words for "our" and "my": in a term they own the next word, which follows at once
# (with a particle they are the subject of a sentence instead).
_KO_OWNERS = frozenset({"저희", "우리", "제"})


def term_search(term: str) -> Search:
    """How a normalized term is looked for: its pattern, compiled on first use, matched
    where its first word starts a word.

    Between the words of a longer term one other word may stand ("roll etcd back"),
    and a Korean word inside it may carry its particle ("태그를 추가" for "태그 추가").
    """
    search = _SEARCHES.get(term)
    if search is not None:
        return search
    words = term.split(" ")
    body = re.escape(words[0])
    for previous, word in itertools.pairwise(words):
        if previous in _KO_OWNERS:
            # "저희 이미지" (our image), not "저희가 이미지 태그를 바꾸면" (we change a tag)
            body += " " + re.escape(word)
            continue
        particle = "[가-힣]{0,3}" if HANGUL.search(previous[-1]) else ""
        # the word stepped over does not end a sentence ("stopped routing. all hosts")
        body += particle + " (?:[^ ]*[^ .!?] )?" + re.escape(word)
    if not HANGUL.search(term[-1]):
        # A Latin term ends where a Latin word ends (an "s" or "es" plural may follow, and
        # so may a Korean particle: "nginx가", "BYOCNI를"); after a Korean word,
        # particles and endings may follow.
        body += r"(?:e?s)?(?![0-9a-z])"
    plain = plain_words(term)
    search = _SEARCHES[term] = Search(re.compile(body), len(words) == 1 and bool(plain), plain)
    return search


def plain_words(term: str) -> frozenset[str]:
    """A normalized term's words of letters and digits only (``Search.plain``)."""
    return frozenset(word for word in term.split(" ") if LETTERS_AND_DIGITS.fullmatch(word))


def _starts_word(haystack: str, index: int) -> bool:
    return index == 0 or not WORD.match(haystack[index - 1])


Span = tuple[int, int]


class TextIndex:
    """Where each word of a normalized text starts, so that a term is looked for only
    where a word begins as its first word does.

    One index serves a whole request: the suggester ranks several questions over the
    same text, and re-walks the tree for every contender, so where a word or a term is
    found is worked out once per text (``word_starts``, ``spans``) and then looked up.
    """

    def __init__(
        self,
        haystack: str,
        identifiers: Spans = (),
        pasted: Spans = (),
        title: tuple[int, int] | None = None,
        written: Spans = (),
        steps: Spans = (),
    ) -> None:
        self.haystack = haystack
        self.identifiers = identifiers
        self.pasted = pasted
        self.written = written
        self.title = title
        # what the customer says they installed, in their own words: a table or a log
        # line ("vmss000002 NotReady agent …") says nothing of the kind
        self.installed: tuple[Installed, ...] = tuple(
            item
            for item in installed(haystack, steps, identifiers)
            if not within(pasted, item.start)
        )
        self._installed_spans = tuple((item.start, item.end) for item in self.installed)
        self._words: dict[str, list[int]] = {}  # each distinct word, where it stands
        for found in LETTERS_AND_DIGITS.finditer(haystack):
            self._words.setdefault(found[0], []).append(found.start())
        self._sorted_words = sorted(self._words)  # a word's extensions follow it
        # every start of a word of the text: whether any word starts with a term's word
        self.heads: frozenset[str] = frozenset(
            word[:end] for word in self._words for end in range(1, len(word) + 1)
        )
        # The first two characters of the text where a word starts (a word of one letter
        # with what follows it): a term whose first word starts otherwise is not looked for.
        self.prefixes = frozenset(
            prefix
            for word, places in self._words.items()
            for prefix in ((word[:2],) if len(word) >= 2 else (haystack[p : p + 2] for p in places))
        )
        self._word_starts: dict[str, tuple[int, ...]] = {}
        self._spans: dict[str, tuple[Span, ...]] = {}

    @classmethod
    def of(cls, read: Normalized) -> TextIndex:
        return cls(
            read.haystack, read.identifiers, read.pasted, read.title, read.written, read.steps
        )

    def in_identifier(self, position: int) -> bool:
        return within(self.identifiers, position)

    def in_pasted(self, position: int) -> bool:
        return within(self.pasted, position)

    def in_title(self, position: int) -> bool:
        return self.title is not None and self.title[0] <= position < self.title[1]

    def installed_at(self, position: int) -> Installed | None:
        k = bisect.bisect_right(self._installed_spans, (position, math.inf)) - 1
        if k >= 0 and position < self._installed_spans[k][1]:
            return self.installed[k]
        return None

    def word_starts(self, word: str) -> tuple[int, ...]:
        """Where a word of the text starts with ``word``, left to right."""
        found = self._word_starts.get(word)
        if found is None:
            found = self._word_starts[word] = tuple(self._find_word(word))
        return found

    def spans(self, term: str, first: str) -> tuple[Span, ...]:
        """Where a normalized term (whose first word is ``first``) matches, left to right."""
        found = self._spans.get(term)
        if found is None:
            search = term_search(term)
            # Most terms a question offers have a word that starts no word of this text:
            # told by one look-up, without running the pattern.
            possible = search.plain <= self.heads
            found = self._spans[term] = self._find_term(search, first) if possible else ()
        return found

    def _find_word(self, word: str) -> Iterable[int]:
        if LETTERS_AND_DIGITS.fullmatch(word):
            places = [self._words[extended] for extended in self._extending(word)]
            return places[0] if len(places) == 1 else sorted(itertools.chain(*places))
        return self._scan_word(word)

    def _extending(self, word: str) -> Iterator[str]:
        """The distinct words of the text that start with ``word`` (letters and digits
        only), found by bisection in the sorted words rather than by testing each."""
        words = self._sorted_words
        k = bisect.bisect_left(words, word)
        while k < len(words) and words[k].startswith(word):
            yield words[k]
            k += 1

    def _scan_word(self, word: str) -> Iterator[int]:
        """Where a word with a sign in it ("x509:", "k8s.io") starts a word of the text."""
        haystack = self.haystack
        lead = LETTERS_AND_DIGITS.match(word)
        if lead is not None:  # the text's word there is the letters and digits before the sign
            for position in self._words.get(lead[0], ()):
                if haystack.startswith(word, position):
                    yield position
            return
        start = haystack.find(word)  # one letter, or a sign first: search it all
        while start != -1:
            if _starts_word(haystack, start):
                yield start
            start = haystack.find(word, start + 1)

    def _find_term(self, search: Search, first: str) -> tuple[Span, ...]:
        if search.one_word:
            return self._find_one_word(search.pattern, first)
        haystack = self.haystack
        found = (search.pattern.match(haystack, start) for start in self.word_starts(first))
        return tuple((match.start(), match.end()) for match in found if match is not None)

    def _find_one_word(self, pattern: re.Pattern[str], term: str) -> tuple[Span, ...]:
        """Where a term of one word of letters and digits matches: its pattern runs once
        per distinct word of the text that starts with it, not once per place."""
        found: list[Span] = []
        for word in self._extending(term):
            match = pattern.match(word)
            if match is not None:
                found.extend((start, start + match.end()) for start in self._words[word])
        found.sort()
        return tuple(found)


def within(spans: Spans, position: int) -> bool:
    """Whether a position lies in one of the spans (found left to right, not overlapping)."""
    k = bisect.bisect_right(spans, (position, math.inf)) - 1
    return k >= 0 and position < spans[k][1]


def find_term(
    haystack: str, term: str, first: str, index: TextIndex | None = None
) -> Iterator[Span]:
    """Where a normalized term matches in a normalized text, starting a word: (start, end)."""
    if index is None:
        index = TextIndex(haystack)
    yield from index.spans(term, first)
