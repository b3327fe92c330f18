"""What labelled tickets teach about a new one: which of a few close first answers it
reads most like (``Learned``), and how likely each level of support is for tickets worded
like it (``LevelModel``). Pure: no Django imports.

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
import random
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
        """Per choice, the log of the smoothed mass of the whole vocabulary in the other
        choices' tickets."""
        whole = sum(self.mass) + ALPHA * len(self.vocabulary)
        return {choice: math.log(whole - sum(own)) for choice, own in self.own.items()}

    @cached_property
    def _postings(self) -> tuple[tuple[str, ...], array[int], array[int], array[float]]:
        """The choices, and per word (by position: its entries run from ``offsets[p]`` to
        ``offsets[p + 1]``) the choices whose tickets have it, as indexes into the first,
        with how much less it counts against each than against a choice whose tickets lack
        it. Most choices' tickets lack most words, so a ticket is scored by its words'
        entries alone (``scores``)."""
        choices = tuple(self.own)
        owns = [self.own[choice] for choice in choices]
        offsets, indexes, less = array("l", [0]), array("b"), array("d")
        # straight into the arrays, word by word: no object per entry is ever made, which
        # would leave a worker's memory a few megabytes larger for good
        for position, mass in enumerate(self.mass):
            smoothed = ALPHA + mass
            for index, own in enumerate(owns):
                if own[position]:
                    indexes.append(index)
                    less.append(math.log(smoothed - own[position]) - math.log(smoothed))
            offsets.append(len(indexes))
        return choices, offsets, indexes, less

    @classmethod
    def train(
        cls, question: str, labelled: Iterable[tuple[Mapping[str, int], Iterable[str]]]
    ) -> Learned:
        """From (a ticket's ``words``, the choices of ``question`` it is about) pairs."""
        counted = [(found, tuple(choices)) for found, choices in labelled]
        counted = [(found, choices) for found, choices in counted if choices]
        vocabulary, positions, idf = _space([found for found, _choices in counted])
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

    def scores(self, found: Mapping[str, int]) -> dict[str, float]:
        """How much a ticket with these ``words`` reads like each choice the model knows,
        as log-odds up to a shared constant (``chances`` turns them into probabilities).

        Each word counts the rarer it is in the other choices' tickets: a choice scores
        ``-sum(value * log((ALPHA + mass - own) / others))`` over the ticket's words, which
        is the words' share against a choice whose tickets lack them all, plus what each
        choice's own tickets take off (``_postings``): about a third of the time of the
        sum itself for all 41 first-step choices of a long ticket."""
        vector = _vector(found, self._positions, self.idf)
        choices, offsets, indexes, less = self._postings
        mass = self.mass
        shared = -sum(
            value * math.log(ALPHA + mass[position]) for position, value in vector.items()
        )
        total = sum(vector.values())
        taken = [0.0] * len(choices)
        for position, value in vector.items():
            for entry in range(offsets[position], offsets[position + 1]):
                taken[indexes[entry]] += value * less[entry]
        others = self._others
        return {
            choice: shared + total * others[choice] - taken[index]
            for index, choice in enumerate(choices)
        }

    def probabilities(self, found: Mapping[str, int], among: Iterable[str]) -> dict[str, float]:
        """How likely a ticket with these ``words`` is about each of ``among`` that the
        model knows, against each other (summing to 1); empty when it knows fewer than
        two of them."""
        return chances(self.scores(found), among)

    def to_text(self) -> str:
        """The file ``SHIPPED`` holds: a line per word (its idf and mass), then per choice
        a line per word its tickets have (its own mass), each sum rounded to ``DIGITS``
        significant digits. Tab-separated lines, read one at a time: loading it never
        holds the whole model twice."""

        lines = [
            f"format\t{FORMAT}",
            f"question\t{self.question}",
            f"words\t{len(self.vocabulary)}",
        ]
        for word, idf, mass in zip(self.vocabulary, self.idf, self.mass, strict=True):
            lines.append(f"{word}\t{_short(idf)}\t{_short(mass)}")
        for choice, own in sorted(self.own.items()):
            found = [
                (word, value) for word, value in zip(self.vocabulary, own, strict=True) if value
            ]
            lines.append(f"choice\t{choice}\t{len(found)}")
            lines += [f"{word}\t{_short(value)}" for word, value in found]
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


def chances(scores: Mapping[str, float], among: Iterable[str]) -> dict[str, float]:
    """The probabilities of each of ``among`` that ``scores`` (``Learned.scores``) has,
    against each other (summing to 1); empty when it has fewer than two of them."""
    known = [choice for choice in dict.fromkeys(among) if choice in scores]
    if len(known) < 2:
        return {}
    top = max(scores[choice] for choice in known)
    weights = {choice: math.exp(scores[choice] - top) for choice in known}
    whole = sum(weights.values())
    return {choice: weight / whole for choice, weight in weights.items()}


def _space(found: list[Mapping[str, int]]) -> tuple[tuple[str, ...], dict[str, int], array[float]]:
    """The vocabulary a model is trained over, from the training tickets' words:
    the words in at least ``MIN_DF`` tickets, sorted; each one's position; and its inverse
    document frequency."""
    df = Counter(token for words in found for token in words)
    size = len(found)
    vocabulary = tuple(sorted(token for token, seen in df.items() if seen >= MIN_DF))
    positions = {word: position for position, word in enumerate(vocabulary)}
    idf = array("d", (math.log((1 + size) / (1 + df[word])) + 1 for word in vocabulary))
    return vocabulary, positions, idf


def _short(value: float) -> str:
    """A number as the shipped files hold it: ``DIGITS`` significant digits."""
    return f"{value:.{DIGITS}g}"


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


# The level model (``LevelModel``): its file beside this module, and how it is trained.
LEVELS_SHIPPED = Path(__file__).with_name("levels.tsv")
LEVELS_FORMAT = 1
EPOCHS = 10  # passes over the training tickets
RATE = 0.5  # AdaGrad's step before each weight's own scaling
DECAY = 1e-4  # L2 pull of each weight towards 0, at every step
SEED = 0  # the order of the tickets in each pass: training gives the same model every time


@dataclass(frozen=True, eq=False)
class LevelModel:
    """How likely each level of support is for a ticket, from its words: a multinomial
    logistic regression over the tf-idf vectors ``Learned`` uses, trained on the level of
    every labelled ticket. The rules read what a ticket is about; this reads how tickets
    at each level are worded ("we installed", "our code", "the preview flag"), which holds
    up on unseen reports (out of fold, it names the level of nine in ten). The walk uses
    it to doubt a verdict whose level the ticket reads unlike (``tiebreak.unlikely``).

    ``levels``: the level names, sorted; ``vocabulary`` and ``idf`` as in ``Learned``;
    ``weights``: per level, a weight per word of the vocabulary; ``bias``: per level."""

    levels: tuple[str, ...]
    vocabulary: tuple[str, ...]
    idf: array[float]
    weights: Mapping[str, array[float]]
    bias: Mapping[str, float]

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {word: position for position, word in enumerate(self.vocabulary)}

    @classmethod
    def train(cls, labelled: Iterable[tuple[Mapping[str, int], str]]) -> LevelModel:
        """From (a ticket's ``words``, its level) pairs: ``EPOCHS`` passes of AdaGrad in
        a fixed order (``SEED``), so that the same tickets always give the same model."""
        counted = list(labelled)
        levels = tuple(sorted({level for _found, level in counted}))
        vocabulary, positions, idf = _space([found for found, _level in counted])
        size = len(counted)
        vectors = [_vector(found, positions, idf) for found, _level in counted]
        targets = [levels.index(level) for _found, level in counted]
        weights = [_zeros(len(vocabulary)) for _ in levels]
        squares = [array("d", [1e-8]) * len(vocabulary) for _ in levels]
        bias = [0.0] * len(levels)
        bias_squares = [1e-8] * len(levels)
        order = list(range(size))
        shuffle = random.Random(SEED)  # noqa: S311 (an order of tickets, not a secret)
        for _epoch in range(EPOCHS):
            shuffle.shuffle(order)
            for ticket in order:
                vector = vectors[ticket]
                likely = _softmax([_score(weights[k], bias[k], vector) for k in range(len(levels))])
                for k, chance in enumerate(likely):
                    error = chance - (1.0 if k == targets[ticket] else 0.0)
                    weight, square = weights[k], squares[k]
                    for position, value in vector.items():
                        step = error * value + DECAY * weight[position]
                        square[position] += step * step
                        weight[position] -= RATE * step / math.sqrt(square[position])
                    bias_squares[k] += error * error
                    bias[k] -= RATE * error / math.sqrt(bias_squares[k])
        return cls(
            levels,
            vocabulary,
            idf,
            {level: weights[k] for k, level in enumerate(levels)},
            {level: bias[k] for k, level in enumerate(levels)},
        )

    def probabilities(self, found: Mapping[str, int]) -> dict[str, float]:
        """How likely each level is for a ticket with these ``words`` (summing to 1)."""
        vector = _vector(found, self._positions, self.idf)
        scores = [_score(self.weights[level], self.bias[level], vector) for level in self.levels]
        return dict(zip(self.levels, _softmax(scores), strict=True))

    def to_text(self) -> str:
        """The file ``LEVELS_SHIPPED`` holds: the levels, their biases, then a line per
        word (its idf and a weight per level), each number rounded to ``DIGITS``
        significant digits."""

        lines = [
            f"format\t{LEVELS_FORMAT}",
            "levels\t" + "\t".join(self.levels),
            "bias\t" + "\t".join(_short(self.bias[level]) for level in self.levels),
            f"words\t{len(self.vocabulary)}",
        ]
        columns = [self.weights[level] for level in self.levels]
        for position, word in enumerate(self.vocabulary):
            numbers = [_short(self.idf[position]), *(_short(c[position]) for c in columns)]
            lines.append("\t".join([word, *numbers]))
        return "\n".join(lines) + "\n"

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> LevelModel:
        """The model ``to_text`` wrote, from its lines; a file of another format, or a
        broken one, is refused with a ``ValueError`` that says where."""
        rows = (line.rstrip("\n").split("\t") for line in lines)
        kind, value = next(rows, ("", ""))[:2]
        if kind != "format" or value != str(LEVELS_FORMAT):
            raise ValueError(f"level model format {value!r}, expected {LEVELS_FORMAT}")
        try:
            levels = _labelled(next(rows), "levels")
            biases = _labelled(next(rows), "bias")
            (count,) = _labelled(next(rows), "words")
            vocabulary: list[str] = []
            idf = array("d")
            columns = [array("d") for _ in levels]
            for _ in range(int(count)):
                word, word_idf, *weights = next(rows)
                vocabulary.append(word)
                idf.append(float(word_idf))
                for column, weight in zip(columns, weights, strict=True):
                    column.append(float(weight))
            if next(rows, None) is not None:
                raise ValueError("level model has lines after its words")
            bias = dict(zip(levels, map(float, biases), strict=True))
        except (StopIteration, ValueError) as error:
            raise ValueError(f"level model cut short or inconsistent: {error!r}") from error
        return cls(
            tuple(levels), tuple(vocabulary), idf, dict(zip(levels, columns, strict=True)), bias
        )


def _labelled(row: list[str], label: str) -> list[str]:
    """The values of a header line of the level model's file, which must start with
    ``label``."""
    if row[0] != label:
        raise ValueError(f"expected a {label!r} line, found {row[0]!r}")
    return row[1:]


def _score(weights: array[float], bias: float, vector: Mapping[int, float]) -> float:
    return bias + sum(weights[position] * value for position, value in vector.items())


def _softmax(scores: list[float]) -> list[float]:
    top = max(scores)
    weights = [math.exp(score - top) for score in scores]
    whole = sum(weights)
    return [weight / whole for weight in weights]


@cache
def shipped_levels() -> LevelModel | None:
    """The level model trained on the working files, or None where it is not there."""
    if not LEVELS_SHIPPED.exists():
        return None
    with LEVELS_SHIPPED.open(encoding="utf-8") as lines:
        return LevelModel.from_lines(lines)


@cache
def shipped() -> Learned | None:
    """The model trained on the working files, or None where it is not there."""
    if not SHIPPED.exists():
        return None
    with SHIPPED.open(encoding="utf-8") as lines:
        model = Learned.from_lines(lines)
    model.probabilities({}, list(model.own)[:2])  # what every use shares, worked out once
    return model
