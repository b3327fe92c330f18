"""The policy engine's data: the immutable tree and what resolving it gives back.

It imports nothing from Django. ``Tree`` holds the routing (``Node``), the policy facts
(``Verdict``, overlaid by modifiers into a ``Result``) and the wording (``Question``,
``Choice``, ``Group``); ``Outcome`` is where a set of answers leads. ``engine.py`` builds
and walks them, ``validation.py`` checks a tree before it is served; ``engine`` re-exports
every public name here.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from supportscope.core.languages import CODES

UNKNOWN = "unknown"
LANGUAGES = CODES

Text = Mapping[str, str]


class Level(enum.Enum):
    SUPPORTED = "supported"
    BEST_EFFORT = "best_effort"
    UNSUPPORTED = "unsupported"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def capped_by(self, other: Level) -> Level:
        return self if self.rank <= other.rank else other


_RANK = {Level.UNSUPPORTED: 0, Level.BEST_EFFORT: 1, Level.SUPPORTED: 2}


def pick(text: Text | None, lang: str) -> str:
    """The text in ``lang``, falling back to English."""
    if not text:
        return ""
    return text.get(lang) or text.get("en", "")


@dataclass(frozen=True, slots=True)
class Group:
    key: str
    label: Text


Terms = Mapping[str, tuple[str, ...]]


def _no_terms() -> Terms:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: Text
    description: Text
    group: str | None = None
    # Words a ticket may use for this choice, per language: what the text matcher looks for.
    terms: Terms = field(default_factory=_no_terms)


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    text: Text
    help: Text
    choices: tuple[Choice, ...]
    allow_unknown: bool = False
    # the choices' values, in order: read on every step of every walk, so worked out once
    values: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", tuple(choice.value for choice in self.choices))

    @property
    def allowed(self) -> tuple[str, ...]:
        """Every value a link may carry for this key."""
        return self.values + ((UNKNOWN,) if self.allow_unknown else ())

    def choice(self, value: str) -> Choice | None:
        return next((choice for choice in self.choices if choice.value == value), None)


@dataclass(frozen=True, slots=True)
class Node:
    name: str
    question: str
    next: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Verdict:
    name: str
    level: Level
    rationale: Text
    make_supported: Text | None
    citations: tuple[str, ...]
    modifiers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Result:
    """A verdict with the overlays that the modifiers applied to it."""

    base: Verdict
    overlays: tuple[Verdict, ...] = ()

    @property
    def parts(self) -> tuple[Verdict, ...]:
        return (self.base, *self.overlays)

    @property
    def level(self) -> Level:
        level = self.base.level
        for overlay in self.overlays:
            level = level.capped_by(overlay.level)
        return level

    @property
    def reading_order(self) -> tuple[Verdict, ...]:
        """The parts as the text reads: an overlay that lowers the level leads, so the
        first sentence always explains the level shown."""
        lowering = tuple(o for o in self.overlays if o.level.rank < self.base.level.rank)
        rest = tuple(o for o in self.overlays if o not in lowering)
        return (*lowering, self.base, *rest)

    @property
    def citations(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c for part in self.reading_order for c in part.citations))

    def rationale(self, lang: str) -> list[str]:
        return [pick(part.rationale, lang) for part in self.reading_order]

    def make_supported(self, lang: str) -> list[str]:
        """Advice from every part that keeps the case from full support."""
        return [
            pick(part.make_supported, lang)
            for part in self.reading_order
            if part.make_supported and part.level is not Level.SUPPORTED
        ]


@dataclass(frozen=True, slots=True)
class Outcome:
    """Where a set of answers leads.

    Exactly one of ``question`` (ask this next), ``result`` (a verdict) and
    ``branches`` (the answer to ``depends_on`` was "unknown": one outcome per value)
    is set. ``answers`` are the answers that were used, in the order asked.
    """

    answers: tuple[tuple[str, str], ...]
    question: Question | None = None
    result: Result | None = None
    depends_on: Question | None = None
    branches: tuple[tuple[str, Outcome], ...] = ()

    @property
    def complete(self) -> bool:
        return self.question is None

    @property
    def levels(self) -> frozenset[Level]:
        if self.result is not None:
            return frozenset({self.result.level})
        return frozenset(level for _, branch in self.branches for level in branch.levels)


class InvalidAnswer(ValueError):
    def __init__(self, key: str, value: str, allowed: tuple[str, ...]) -> None:
        super().__init__(f"{value!r} is not a valid answer for {key!r}; allowed: {allowed}")
        self.key = key
        self.value = value
        self.allowed = allowed


class TreeError(ValueError):
    """The tree data is inconsistent. ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Tree:
    revision: int
    start: str
    groups: tuple[Group, ...]
    questions: Mapping[str, Question]
    nodes: Mapping[str, Node]
    verdicts: Mapping[str, Verdict]
    # modifier question key -> answer value -> overlay verdict name (or None: no change)
    modifiers: Mapping[str, Mapping[str, str | None]]
    # every clause anchor a citation may point to
    clauses: frozenset[str] = field(default_factory=frozenset)
    # node name -> its question, narrowed to the choices that node offers
    offered: Mapping[str, Question] = field(default_factory=lambda: MappingProxyType({}))

    # question key -> the question it groups: every answer to it leads to a node asking
    # that one (``topic`` -> ``component``), so a reader may answer that one instead
    grouping: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def first_key(self) -> str:
        """The key of the first question, or of the one it groups (the first step's
        ``topic`` only picks a group of ``component``): what most of a ticket turns on."""
        first = self.nodes[self.start].question
        return self.grouping.get(first, first)

    def asked_at(self, node: Node) -> Question:
        """The question ``node`` asks, with only the choices it offers."""
        return self.offered.get(node.name) or self.questions[node.question]

    def target(self, name: str) -> Node | Verdict:
        return self.nodes.get(name) or self.verdicts[name]

    def overlay(self, key: str, value: str) -> Verdict | None:
        name = self.modifiers[key].get(value)
        return self.verdicts[name] if name else None

    def lowers(self, key: str, level: Level) -> bool:
        """Whether some answer to the modifier ``key`` overlays a verdict below ``level``:
        only then is it asked."""
        return any(
            name and self.verdicts[name].level.rank < level.rank
            for name in self.modifiers[key].values()
        )

    def unasked_modifiers(self) -> frozenset[str]:
        """The modifiers no overlay of which is below a verdict that lists them: never
        asked, only given (by a link or a ticket's reading)."""
        return frozenset(
            key
            for key in self.modifiers
            if not any(
                self.lowers(key, verdict.level)
                for verdict in self.verdicts.values()
                if key in verdict.modifiers
            )
        )
