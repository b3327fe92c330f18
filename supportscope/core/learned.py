"""Which of a few close first answers a ticket reads most like, learned from labelled
tickets. Pure: no Django imports.

The rules (``core/ranking.py``) leave a question open when two or three choices match
about equally. Many such tickets still read, word for word, much more like past tickets
about one of them than the others. ``Learned`` is a complement naive Bayes classifier
over a ticket's words (tf-idf, each ticket of unit length; Korean cut into syllable
pairs, which needs no dictionary): for each choice it knows how common each word is in
the tickets about the *other* choices, and a ticket is most like the choice whose
"others" use its words least.

It is only a tie-breaker among the rules' own first candidates (``tiebreak.pick``):
it never names a choice the rules did not match, and never overrules a settled one.

The model is trained by ``python -m tests.learn`` on the working ticket files (never a
holdout) and shipped as ``learned.tsv`` beside this module, as sums rather than
weights, which keeps it small: per word its document frequency and its tf-idf mass over
all tickets, and per choice the mass of its own tickets. A choice the file does not know
(one added in the admin after training) is never picked by it.
"""

from __future__ import annotations

import math
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from supportscope.core.tickettext import normalize

SHIPPED = Path(__file__).with_name("learned.tsv")
FORMAT = 2
HANGUL = re.compile(r"[가-힣]+")
PUNCTUATION = ".,:;()[]{}\"'"
ALPHA = 0.3  # additive smoothing of each word's mass
MIN_DF = 2  # a word must be in this many training tickets to count
DIGITS = 4  # significant digits kept in the shipped sums


def tokens(text: str) -> list[str]:
    """Latin words as they are; Hangul as overlapping syllable pairs ("설치했" → 설치, 치했)."""
    plain = normalize(text)
    out = [run[i : i + 2] for run in HANGUL.findall(plain) for i in range(max(1, len(run) - 1))]
    out += [word for part in HANGUL.sub(" ", plain).split() if (word := part.strip(PUNCTUATION))]
    return out


def words(text: str) -> Counter[str]:
    """How often each word (``tokens``) is in a ticket's text, as the reader has it
    (``normalize_ticket(text).haystack``): what the model is trained and asked on."""
    return Counter(tokens(text))


@dataclass(frozen=True, eq=False)
class Learned:
    """``question``: the question whose choices it tells apart; ``vocabulary``: the words
    it knows, in order; per word, ``idf`` its inverse document frequency and ``mass`` its
    tf-idf weight summed over every training ticket; ``own``: per choice, the same sums
    over the tickets about that choice (a ticket about several counts a share for each).
    Arrays rather than dictionaries keep a worker's copy to a few megabytes."""

    question: str
    vocabulary: tuple[str, ...]
    idf: array[float]
    mass: array[float]
    own: Mapping[str, array[float]]

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {word: position for position, word in enumerate(self.vocabulary)}

    @cached_property
    def _others(self) -> dict[str, float]:
        """Per choice, the smoothed mass of the whole vocabulary in the other choices'
        tickets."""
        whole = sum(self.mass) + ALPHA * len(self.vocabulary)
        return {choice: whole - sum(own) for choice, own in self.own.items()}

    @classmethod
    def train(
        cls, question: str, labelled: Iterable[tuple[Mapping[str, int], Iterable[str]]]
    ) -> Learned:
        """From (a ticket's ``words``, the choices of ``question`` it is about) pairs."""
        counted = [(found, tuple(choices)) for found, choices in labelled]
        counted = [(found, choices) for found, choices in counted if choices]
        df = Counter(token for found, _choices in counted for token in found)
        size = len(counted)
        vocabulary = tuple(sorted(token for token, seen in df.items() if seen >= MIN_DF))
        positions = {word: position for position, word in enumerate(vocabulary)}
        idf = array("d", (math.log((1 + size) / (1 + df[word])) + 1 for word in vocabulary))
        mass = _zeros(len(vocabulary))
        own: dict[str, array[float]] = {}
        for found, choices in counted:
            vector = _vector(found, positions, idf)
            for choice in choices:
                share = own.setdefault(choice, _zeros(len(vocabulary)))
                for position, value in vector.items():
                    share[position] += value / len(choices)
            for position, value in vector.items():
                mass[position] += value
        return cls(question, vocabulary, idf, mass, own)

    def probabilities(self, found: Mapping[str, int], among: Iterable[str]) -> dict[str, float]:
        """How likely a ticket with these ``words`` is about each of ``among`` that the
        model knows, against each other (summing to 1); empty when it knows fewer than
        two of them."""
        known = [choice for choice in dict.fromkeys(among) if choice in self.own]
        if len(known) < 2:
            return {}
        vector = _vector(found, self._positions, self.idf)
        mass = self.mass
        scores = {}
        for choice in known:
            own, others = self.own[choice], self._others[choice]
            # each word counts the rarer it is in the other choices' tickets
            scores[choice] = sum(
                -value * math.log((ALPHA + mass[position] - own[position]) / others)
                for position, value in vector.items()
            )
        top = max(scores.values())
        weights = {choice: math.exp(score - top) for choice, score in scores.items()}
        whole = sum(weights.values())
        return {choice: weight / whole for choice, weight in weights.items()}

    def to_text(self) -> str:
        """The file ``SHIPPED`` holds: a line per word (its idf and mass), then per choice
        a line per word its tickets have (its own mass), each sum rounded to ``DIGITS``
        significant digits. Tab-separated lines, read one at a time: loading it never
        holds the whole model twice."""

        def short(value: float) -> str:
            return f"{value:.{DIGITS}g}"

        lines = [
            f"format\t{FORMAT}",
            f"question\t{self.question}",
            f"words\t{len(self.vocabulary)}",
        ]
        for word, idf, mass in zip(self.vocabulary, self.idf, self.mass, strict=True):
            lines.append(f"{word}\t{short(idf)}\t{short(mass)}")
        for choice, own in sorted(self.own.items()):
            found = [
                (word, value) for word, value in zip(self.vocabulary, own, strict=True) if value
            ]
            lines.append(f"choice\t{choice}\t{len(found)}")
            lines += [f"{word}\t{short(value)}" for word, value in found]
        return "\n".join(lines) + "\n"

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> Learned:
        """The model ``to_text`` wrote, from its lines; a file of another format, or a
        broken one, is refused with a ``ValueError`` that says where."""
        rows = (line.rstrip("\n").split("\t") for line in lines)
        try:
            kind, value = next(rows)
            if kind != "format" or value != str(FORMAT):
                raise ValueError(f"learned model format {value!r}, expected {FORMAT}")
            (_, question), (_, count) = next(rows), next(rows)
            vocabulary: list[str] = []
            idf, mass = array("d"), array("d")
            for _ in range(int(count)):
                word, word_idf, word_mass = next(rows)
                vocabulary.append(word)
                idf.append(float(word_idf))
                mass.append(float(word_mass))
            positions = {word: position for position, word in enumerate(vocabulary)}
            own: dict[str, array[float]] = {}
            for kind, choice, count in rows:
                if kind != "choice":
                    raise ValueError(f"expected a choice line, found {kind!r}")
                sums = own[choice] = _zeros(len(vocabulary))
                for _ in range(int(count)):
                    word, value = next(rows)
                    sums[positions[word]] = float(value)
        except (StopIteration, KeyError) as error:
            raise ValueError(f"learned model cut short or inconsistent: {error!r}") from error
        return cls(question, tuple(vocabulary), idf, mass, own)


def _zeros(size: int) -> array[float]:
    return array("d", bytes(8 * size))


def _vector(
    words: Mapping[str, int], positions: Mapping[str, int], idf: array[float]
) -> dict[int, float]:
    """A ticket's tf-idf vector of unit length, by the position of each known word."""
    vector = {
        positions[token]: (1 + math.log(times)) * idf[positions[token]]
        for token, times in words.items()
        if token in positions
    }
    length = math.sqrt(sum(value * value for value in vector.values())) or 1.0
    return {position: value / length for position, value in vector.items()}


@cache
def shipped() -> Learned | None:
    """The model trained on the working files, or None where it is not there."""
    if not SHIPPED.exists():
        return None
    with SHIPPED.open(encoding="utf-8") as lines:
        model = Learned.from_lines(lines)
    model.probabilities({}, list(model.own)[:2])  # what every use shares, worked out once
    return model
