"""Which of a few close first answers a ticket reads most like, learned from labelled
tickets. Pure: no Django imports.

The rules (``core/ranking.py``) leave a question open when two or three choices match
about equally. Many such tickets still read, word for word, much more like past tickets
about one of them than the others. ``Learned`` is a complement naive Bayes classifier
over a ticket's words (tf-idf, each ticket of unit length; Korean cut into syllable
pairs, which needs no dictionary): for each choice it knows how common each word is in
the tickets about the *other* choices, and a ticket is most like the choice whose
"others" use its words least.

It is only a tie-breaker among the rules' own first candidates (``matcher._learned``):
it never names a choice the rules did not match, and never overrules a settled one.

The model is trained by ``python -m tests.learn`` on the working ticket files (never a
holdout) and shipped as ``learned.json`` beside this module, as sums rather than
weights, which keeps it small: per word its document frequency and its tf-idf mass over
all tickets, and per choice the mass of its own tickets. A choice the file does not know
(one added in the admin after training) is never picked by it.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from supportscope.core.tickettext import normalize

SHIPPED = Path(__file__).with_name("learned.json")
FORMAT = 1
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


@dataclass(frozen=True)
class Learned:
    """``question``: the question whose choices it tells apart; ``idf``: each known
    word's inverse document frequency; ``mass``: its tf-idf weight summed over every
    training ticket; ``own``: per choice, the same sum over the tickets about that
    choice (a ticket about several counts a share for each)."""

    question: str
    idf: Mapping[str, float]
    mass: Mapping[str, float]
    own: Mapping[str, Mapping[str, float]]

    @cached_property
    def _others(self) -> dict[str, float]:
        """Per choice, the smoothed mass of the whole vocabulary in the other choices'
        tickets."""
        whole = sum(self.mass.values()) + ALPHA * len(self.idf)
        return {choice: whole - sum(own.values()) for choice, own in self.own.items()}

    @classmethod
    def train(
        cls, question: str, labelled: Iterable[tuple[Mapping[str, int], Iterable[str]]]
    ) -> Learned:
        """From (a ticket's ``words``, the choices of ``question`` it is about) pairs."""
        counted = [(found, tuple(choices)) for found, choices in labelled]
        counted = [(found, choices) for found, choices in counted if choices]
        df = Counter(token for found, _choices in counted for token in found)
        size = len(counted)
        idf = {
            token: math.log((1 + size) / (1 + seen)) + 1
            for token, seen in sorted(df.items())
            if seen >= MIN_DF
        }
        mass: dict[str, float] = dict.fromkeys(idf, 0.0)
        own: dict[str, dict[str, float]] = {}
        for found, choices in counted:
            vector = _vector(found, idf)
            for choice in choices:
                share = own.setdefault(choice, {})
                for token, value in vector.items():
                    share[token] = share.get(token, 0.0) + value / len(choices)
            for token, value in vector.items():
                mass[token] += value
        return cls(question, idf, mass, own)

    def probabilities(self, found: Mapping[str, int], among: Iterable[str]) -> dict[str, float]:
        """How likely a ticket with these ``words`` is about each of ``among`` that the
        model knows, against each other (summing to 1); empty when it knows fewer than
        two of them."""
        known = [choice for choice in dict.fromkeys(among) if choice in self.own]
        if len(known) < 2:
            return {}
        vector = _vector(found, self.idf)
        scores = {}
        for choice in known:
            own, others = self.own[choice], self._others[choice]
            # each word counts the rarer it is in the other choices' tickets
            scores[choice] = sum(
                -value * math.log((ALPHA + self.mass[token] - own.get(token, 0.0)) / others)
                for token, value in vector.items()
            )
        top = max(scores.values())
        weights = {choice: math.exp(score - top) for choice, score in scores.items()}
        whole = sum(weights.values())
        return {choice: weight / whole for choice, weight in weights.items()}

    def to_json(self) -> str:
        def short(value: float) -> float:
            return float(f"{value:.{DIGITS}g}")

        data = {
            "format": FORMAT,
            "question": self.question,
            "idf": {token: short(value) for token, value in self.idf.items()},
            "mass": {token: short(value) for token, value in self.mass.items()},
            "own": {
                choice: {token: short(value) for token, value in sorted(own.items())}
                for choice, own in sorted(self.own.items())
            },
        }
        return json.dumps(data, ensure_ascii=False, indent=0, sort_keys=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Learned:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise ValueError(f"learned model format {data.get('format')!r}, expected {FORMAT}")
        return cls(data["question"], data["idf"], data["mass"], data["own"])


def _vector(words: Mapping[str, int], idf: Mapping[str, float]) -> dict[str, float]:
    vector = {
        token: (1 + math.log(times)) * idf[token] for token, times in words.items() if token in idf
    }
    length = math.sqrt(sum(value * value for value in vector.values())) or 1.0
    return {token: value / length for token, value in vector.items()}


@cache
def shipped() -> Learned | None:
    """The model trained on the working files, or None where it is not there."""
    if not SHIPPED.exists():
        return None
    model = Learned.from_json(SHIPPED.read_text(encoding="utf-8"))
    model.probabilities({}, list(model.own)[:2])  # what every use shares, worked out once
    return model
