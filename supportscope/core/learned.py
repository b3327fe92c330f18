"""What labelled tickets teach about a new one: which of a few close first answers it
reads most like (``Learned``), and how likely each level of support is for tickets worded
like it (``LevelModel``). Pure: no Django imports.

The rules (``core/ranking.py``) leave a question open when two or three choices match
about equally. Many such tickets still read, word for word, much more like past tickets
about one of them than the others. ``Learned`` is a multinomial logistic regression over
a ticket's words (tf-idf, each ticket of unit length; Korean cut into syllable pairs,
which needs no dictionary), trained in plain Python; ``LevelModel`` is the same kind of
model over the three levels.

``Learned`` is only a tie-breaker among the rules' own first candidates
(``tiebreak.pick``): it never names a choice the rules did not match, and never
overrules a settled one; it also lists the choice a ticket reads likeliest to be about,
and doubts a supported answer that reads much more like a runner-up.

The models are trained by ``python -m tests.learn`` on the working ticket files (never a
holdout) and shipped beside this module as ``learned.tsv`` and ``levels.tsv``: per word
its inverse document frequency and a weight per choice (or level). A choice the file does
not know (one added in the admin after training) is never picked by it.
"""

from __future__ import annotations

import math
import random
import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from operator import itemgetter, mul
from pathlib import Path

from supportscope.core.tickettext import normalize

SHIPPED = Path(__file__).with_name("learned.tsv")
FORMAT = 3
HANGUL = re.compile(r"[가-힣]+")
PUNCTUATION = ".,:;()[]{}\"'"
MIN_DF = 2  # a word must be in this many training tickets to count
DIGITS = 4  # significant digits kept in the shipped files


def tokens(text: str, *, normalized: bool = False) -> list[str]:
    """Latin words as they are; Hangul as overlapping syllable pairs ("설치했" → 설치, 치했).
    ``normalized``: ``text`` is normalized already (a reader's haystack)."""
    plain = text if normalized else normalize(text)
    out = [run[i : i + 2] for run in HANGUL.findall(plain) for i in range(max(1, len(run) - 1))]
    out += [word for part in HANGUL.sub(" ", plain).split() if (word := part.strip(PUNCTUATION))]
    return out


def words(haystack: str) -> Counter[str]:
    """How often each word (``tokens``) is in a ticket's text as the reader has it
    (``normalize_ticket(text).haystack``, not normalized again): what the model is trained
    and asked on."""
    return Counter(tokens(haystack, normalized=True))


@dataclass(frozen=True, eq=False)
class Learned:
    """Which choice of ``question`` a ticket is most likely about, from its words: a
    multinomial logistic regression over tf-idf vectors (``_fit``), trained on tickets
    labelled with the choices from which their verdict can be reached (a ticket about
    several counts a share for each).

    ``choices``: the choices it knows, sorted; ``vocabulary`` and ``idf``: the words it
    knows and how rare each is; ``weights``: per choice, a weight per word; ``bias``: per
    choice. Arrays rather than dictionaries keep a worker's copy to a few megabytes."""

    question: str
    choices: tuple[str, ...]
    vocabulary: tuple[str, ...]
    idf: array[float]
    weights: tuple[array[float], ...]
    bias: array[float]

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {word: position for position, word in enumerate(self.vocabulary)}

    @classmethod
    def train(
        cls, question: str, labelled: Iterable[tuple[Mapping[str, int], Iterable[str]]]
    ) -> Learned:
        """From (a ticket's ``words``, the choices of ``question`` it is about) pairs:
        ``EPOCHS`` passes in a fixed order, so that the same tickets give the same model."""
        counted = [(found, tuple(choices)) for found, choices in labelled]
        counted = [(found, choices) for found, choices in counted if choices]
        choices = tuple(sorted({choice for _found, about in counted for choice in about}))
        vocabulary, positions, idf = _space([found for found, _about in counted])
        vectors = [_vector(found, positions, idf) for found, _about in counted]
        targets = [
            {choices.index(choice): 1 / len(about) for choice in about} for _found, about in counted
        ]
        weights, bias = _fit(vectors, targets, len(choices), len(vocabulary), SETTLED)
        return cls(question, choices, vocabulary, idf, tuple(weights), array("d", bias))

    def scores(self, found: Mapping[str, int]) -> dict[str, float]:
        """How much a ticket with these ``words`` reads like each choice the model knows,
        as log-odds up to a shared constant (``chances`` turns them into probabilities)."""
        vector = _vector(found, self._positions, self.idf)
        return dict(zip(self.choices, _logits(self.weights, self.bias, vector), strict=True))

    def probabilities(self, found: Mapping[str, int], among: Iterable[str]) -> dict[str, float]:
        """How likely a ticket with these ``words`` is about each of ``among`` that the
        model knows, against each other (summing to 1); empty when it knows fewer than
        two of them."""
        return chances(self.scores(found), among)

    def to_text(self) -> str:
        """The file ``SHIPPED`` holds: the question, the choices and their biases, then a
        line per word (its idf and a weight per choice), each number rounded to ``DIGITS``
        significant digits. Tab-separated lines, read one at a time: loading it never
        holds the whole model twice."""
        head = [f"format\t{FORMAT}", f"question\t{self.question}"]
        return _table_text(
            head, "choices", self.choices, self.bias, self.vocabulary, self.idf, self.weights
        )

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> Learned:
        """The model ``to_text`` wrote, from its lines; a file of another format, or a
        broken one, is refused with a ``ValueError`` that says where."""
        rows = (line.rstrip("\n").split("\t") for line in lines)
        kind, value = next(rows, ("", ""))[:2]
        if kind != "format" or value != str(FORMAT):
            raise ValueError(f"learned model format {value!r}, expected {FORMAT}")
        try:
            (question,) = _labelled(next(rows), "question")
        except (StopIteration, ValueError) as error:
            raise ValueError(f"learned model cut short or inconsistent: {error!r}") from error
        choices, bias, vocabulary, idf, weights = _read_table(rows, "choices", "learned model")
        return cls(question, choices, vocabulary, idf, weights, bias)


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


# How both models are trained (``_fit``).
EPOCHS = 10  # passes over the training tickets
RATE = 0.5  # AdaGrad's step before each weight's own scaling
DECAY = 1e-4  # L2 pull of each weight towards 0, at every step
SEED = 0  # the order of the tickets in each pass: training gives the same model every time
# A choice whose predicted share of a training ticket is already this close to its target
# is not updated for it: of the first question's 41 choices most are, and skipping them
# makes training about three times faster (a minute less over the corpus).
SETTLED = 1e-4

# The level model (``LevelModel``): its file beside this module.
LEVELS_SHIPPED = Path(__file__).with_name("levels.tsv")
LEVELS_FORMAT = 1


@dataclass(frozen=True, eq=False)
class LevelModel:
    """How likely each level of support is for a ticket, from its words: a multinomial
    logistic regression over the same tf-idf vectors as ``Learned``, trained on the level
    of every labelled ticket. ``Learned`` reads what a ticket is about; this reads how
    tickets at each level are worded ("we installed", "our code", "the preview flag"),
    which holds up on unseen reports (out of fold, it names the level of nine in ten). The
    walk uses it to doubt a verdict whose level the ticket reads unlike
    (``tiebreak.unlikely``).

    ``levels``: the level names, sorted; ``vocabulary`` and ``idf`` as in ``Learned``;
    ``weights``: per level, a weight per word of the vocabulary; ``bias``: per level."""

    levels: tuple[str, ...]
    vocabulary: tuple[str, ...]
    idf: array[float]
    weights: tuple[array[float], ...]
    bias: array[float]

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
        vectors = [_vector(found, positions, idf) for found, _level in counted]
        targets = [{levels.index(level): 1.0} for _found, level in counted]
        weights, bias = _fit(vectors, targets, len(levels), len(vocabulary), 0.0)
        return cls(levels, vocabulary, idf, tuple(weights), array("d", bias))

    def probabilities(self, found: Mapping[str, int]) -> dict[str, float]:
        """How likely each level is for a ticket with these ``words`` (summing to 1)."""
        vector = _vector(found, self._positions, self.idf)
        scores = _logits(self.weights, self.bias, vector)
        return dict(zip(self.levels, _softmax(scores), strict=True))

    def to_text(self) -> str:
        """The file ``LEVELS_SHIPPED`` holds: the levels, their biases, then a line per
        word (its idf and a weight per level), each number rounded to ``DIGITS``
        significant digits."""
        head = [f"format\t{LEVELS_FORMAT}"]
        return _table_text(
            head, "levels", self.levels, self.bias, self.vocabulary, self.idf, self.weights
        )

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> LevelModel:
        """The model ``to_text`` wrote, from its lines; a file of another format, or a
        broken one, is refused with a ``ValueError`` that says where."""
        rows = (line.rstrip("\n").split("\t") for line in lines)
        kind, value = next(rows, ("", ""))[:2]
        if kind != "format" or value != str(LEVELS_FORMAT):
            raise ValueError(f"level model format {value!r}, expected {LEVELS_FORMAT}")
        levels, bias, vocabulary, idf, weights = _read_table(rows, "levels", "level model")
        return cls(levels, vocabulary, idf, weights, bias)


def _fit(
    vectors: list[dict[int, float]],
    targets: list[dict[int, float]],
    labels: int,
    width: int,
    settled: float,
) -> tuple[list[array[float]], list[float]]:
    """A multinomial logistic regression: per label, a weight per word and a bias, from
    each ticket's vector and its target share of each label (1 for its only one). AdaGrad,
    ``EPOCHS`` passes in the order ``SEED`` gives, with an L2 pull (``DECAY``); a label
    whose predicted share is within ``settled`` of its target is not updated for that
    ticket."""
    weights = [_zeros(width) for _ in range(labels)]
    squares = [array("d", [1e-8]) * width for _ in range(labels)]
    bias = [0.0] * labels
    bias_squares = [1e-8] * labels
    order = list(range(len(vectors)))
    shuffle = random.Random(SEED)  # noqa: S311 (an order of tickets, not a secret)
    entries = [tuple(vector.items()) for vector in vectors]
    sqrt, rate, decay = math.sqrt, RATE, DECAY  # locals: the loop below is the whole cost
    for _epoch in range(EPOCHS):
        shuffle.shuffle(order)
        for ticket in order:
            likely = _softmax(_logits(weights, bias, vectors[ticket]))
            target = targets[ticket]
            for k, chance in enumerate(likely):
                error = chance - target.get(k, 0.0)
                if abs(error) < settled:
                    continue
                weight, square = weights[k], squares[k]
                for position, value in entries[ticket]:
                    old = weight[position]
                    step = error * value + decay * old
                    total = square[position] + step * step
                    square[position] = total
                    weight[position] = old - rate * step / sqrt(total)
                bias_squares[k] += error * error
                bias[k] -= rate * error / sqrt(bias_squares[k])
    return weights, bias


def _logits(
    weights: Sequence[array[float]], bias: Sequence[float], vector: Mapping[int, float]
) -> list[float]:
    """Each label's score for a ticket's vector: its bias plus its weights times the
    vector's values (the sum over the ticket's words only). The weights at the ticket's
    positions are gathered by one ``itemgetter`` per ticket: in C, about 40% faster than
    an item look-up per word for each label, with the same sums in the same order."""
    positions, values = list(vector), list(vector.values())
    # itemgetter needs one position at least, and gives a number rather than a tuple for one
    gather = itemgetter(*positions) if len(positions) > 1 else _each(positions)
    return [
        offset + sum(map(mul, gather(weight), values))
        for weight, offset in zip(weights, bias, strict=True)
    ]


def _each(positions: list[int]) -> Callable[[array[float]], list[float]]:
    """The weights at ``positions``, as ``itemgetter`` gives them for two or more."""
    return lambda weight: [weight[position] for position in positions]


def _table_text(
    head: list[str],
    kind: str,
    labels: tuple[str, ...],
    bias: Sequence[float],
    vocabulary: tuple[str, ...],
    idf: array[float],
    weights: Sequence[array[float]],
) -> str:
    """A model's file: its ``head`` lines, the labels (a line starting with ``kind``),
    their biases, then a line per word with its idf and a weight per label."""
    lines = [
        *head,
        f"{kind}\t" + "\t".join(labels),
        "bias\t" + "\t".join(_short(value) for value in bias),
        f"words\t{len(vocabulary)}",
    ]
    for position, word in enumerate(vocabulary):
        numbers = [_short(idf[position]), *(_short(column[position]) for column in weights)]
        lines.append("\t".join([word, *numbers]))
    return "\n".join(lines) + "\n"


def _read_table(
    rows: Iterator[list[str]], kind: str, name: str
) -> tuple[tuple[str, ...], array[float], tuple[str, ...], array[float], tuple[array[float], ...]]:
    """The labels, biases, vocabulary, idf and weights ``_table_text`` wrote, from the
    line of labels on; a file cut short, inconsistent or too long is refused with a
    ``ValueError`` naming the model."""
    try:
        labels = _labelled(next(rows), kind)
        biases = _labelled(next(rows), "bias")
        (count,) = _labelled(next(rows), "words")
        vocabulary: list[str] = []
        idf = array("d")
        columns = [array("d") for _ in labels]
        for _ in range(int(count)):
            word, word_idf, *weights = next(rows)
            vocabulary.append(word)
            idf.append(float(word_idf))
            for column, weight in zip(columns, weights, strict=True):
                column.append(float(weight))
        if next(rows, None) is not None:
            raise ValueError(f"{name} has lines after its words")
        bias = array("d", map(float, biases))
        if len(bias) != len(labels):
            raise ValueError(f"{name} has {len(bias)} biases for {len(labels)} labels")
    except (StopIteration, ValueError) as error:
        raise ValueError(f"{name} cut short or inconsistent: {error!r}") from error
    return tuple(labels), bias, tuple(vocabulary), idf, tuple(columns)


def _labelled(row: list[str], label: str) -> list[str]:
    """The values of a header line of a model's file, which must start with ``label``."""
    if row[0] != label:
        raise ValueError(f"expected a {label!r} line, found {row[0]!r}")
    return row[1:]


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
    model.probabilities({}, model.choices[:2])  # what every use shares, worked out once
    return model
