"""The policy engine: a pure function from answers to the next question or a verdict.

It imports nothing from Django. ``build_tree`` turns the plain data of a tree (the
same shape as ``policy_content/tree.json``) into an immutable, validated ``Tree``;
``resolve`` walks it.

Three kinds of data are kept apart:

* routing: ``nodes`` say which question is asked where, and where each answer leads;
* policy facts: ``verdicts`` carry a level, a rationale, what would make the case
  supported, and citations of policy clauses;
* wording: ``questions`` and their ``choices`` carry the text shown to people.

A node may offer only some of its question's choices: one question (``component``) is
asked by several nodes, each offering one group of its choices after a first question
(``topic``) that picks the group. An answer then implies the answers before it: a
link that carries ``component`` alone still resolves, the ``topic`` that offers it
being read from it (see ``_implied``).

A verdict may list *modifiers*: questions (such as ``preview``) whose answers overlay
another verdict on it. The overlay can only lower the level, and a modifier is asked
only while one of its overlays could still lower it. A modifier none of whose overlays
could lower the verdict (``advice``: the customer asks how to set up or tune the part)
is never asked; its answer, given by a link or a ticket's reading, adds its overlay
where the overlay stands at the verdict's level, citing one more clause.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

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

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(choice.value for choice in self.choices)

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


# -- building ------------------------------------------------------------------


def _text(data: Any) -> Text:
    return MappingProxyType({lang: str(data.get(lang, "")) for lang in LANGUAGES}) if data else {}


def _terms(data: Any) -> Terms:
    if not data:
        return _no_terms()
    return MappingProxyType(
        {lang: tuple(str(term) for term in data.get(lang, ())) for lang in LANGUAGES}
    )


def build_tree(data: Mapping[str, Any], *, revision: int = 0, clauses: Iterable[str] = ()) -> Tree:
    """Validate tree data and build the immutable tree, or raise ``TreeError``."""
    try:
        tree = Tree(
            revision=revision,
            start=data["start"],
            groups=tuple(Group(g["key"], _text(g["label"])) for g in data.get("groups", ())),
            questions=MappingProxyType(
                {
                    q["key"]: Question(
                        key=q["key"],
                        text=_text(q["text"]),
                        help=_text(q.get("help")),
                        allow_unknown=bool(q.get("allow_unknown", False)),
                        choices=tuple(
                            Choice(
                                value=c["value"],
                                label=_text(c["label"]),
                                description=_text(c.get("description")),
                                group=c.get("group"),
                                terms=_terms(c.get("terms")),
                            )
                            for c in q["choices"]
                        ),
                    )
                    for q in data["questions"]
                }
            ),
            nodes=MappingProxyType(
                {
                    n["name"]: Node(n["name"], n["question"], MappingProxyType(dict(n["next"])))
                    for n in data["nodes"]
                }
            ),
            verdicts=MappingProxyType(
                {
                    v["name"]: Verdict(
                        name=v["name"],
                        level=Level(v["level"]),
                        rationale=_text(v["rationale"]),
                        make_supported=_text(v.get("make_supported")) or None,
                        citations=tuple(v["citations"]),
                        modifiers=tuple(v.get("modifiers", ())),
                    )
                    for v in data["verdicts"]
                }
            ),
            modifiers=MappingProxyType(
                {
                    m["question"]: MappingProxyType(dict(m["overlays"]))
                    for m in data.get("modifiers", ())
                }
            ),
            clauses=frozenset(clauses),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise TreeError([f"malformed tree data: {error!r}"]) from error
    problems = list(validate(tree))
    if problems:
        raise TreeError(problems)
    return replace(
        tree, offered=MappingProxyType(_narrowed(tree)), grouping=MappingProxyType(_grouping(tree))
    )


def _grouping(tree: Tree) -> dict[str, str]:
    """The questions whose every answer leads to a node asking one other question."""
    below: dict[str, set[str]] = {}
    for node in tree.nodes.values():
        targets = [tree.nodes.get(target) for target in node.next.values()]
        asked = {t.question if t is not None else "" for t in targets}
        below.setdefault(node.question, set()).update(asked)
    return {
        key: next(iter(keys)) for key, keys in below.items() if len(keys) == 1 and "" not in keys
    }


def _narrowed(tree: Tree) -> dict[str, Question]:
    """Each node's question, keeping only the choices the node routes (in their order)."""
    out = {}
    for node in tree.nodes.values():
        question = tree.questions[node.question]
        if set(question.values) != set(node.next):
            choices = tuple(c for c in question.choices if c.value in node.next)
            out[node.name] = replace(question, choices=choices)
    return out


def validate(tree: Tree) -> Iterator[str]:
    """Every problem that would make the tree unsafe to serve."""
    name: str | None
    names = set(tree.nodes) & set(tree.verdicts)
    for name in sorted(names):
        yield f"{name!r} names both a question node and a verdict"
    group_keys = {group.key for group in tree.groups}
    question: Question | None
    for question in tree.questions.values():
        if not question.choices:
            yield f"question {question.key!r} has no choices"
        values = question.values
        if len(set(values)) != len(values):
            yield f"question {question.key!r} repeats a choice value"
        if UNKNOWN in values:
            yield f"question {question.key!r} uses the reserved value {UNKNOWN!r} as a choice"
        for choice in question.choices:
            if choice.group is not None and choice.group not in group_keys:
                yield f"choice {question.key}={choice.value} is in unknown group {choice.group!r}"
    if tree.start not in tree.nodes:
        yield f"start {tree.start!r} is not a question node"
    offered: dict[str, set[str]] = {}
    for node in tree.nodes.values():
        question = tree.questions.get(node.question)
        if question is None:
            yield f"node {node.name!r} asks unknown question {node.question!r}"
            continue
        if node.question in tree.modifiers:
            yield f"node {node.name!r} asks modifier question {node.question!r} as a routing step"
        if not node.next:
            yield f"node {node.name!r} offers no choice of {node.question!r}"
        offered.setdefault(node.question, set()).update(node.next)
        extra = set(node.next) - set(question.values)
        for value in sorted(extra):
            yield f"node {node.name!r} routes {node.question}={value}, which is not a choice"
        for value, target in node.next.items():
            if target not in tree.nodes and target not in tree.verdicts:
                yield f"node {node.name!r} routes {node.question}={value} to unknown {target!r}"
    # A node may offer part of its question's choices, but each choice must be offered
    # by some node that asks the question, or no path could ever take it.
    for key, routed in offered.items():
        askers = ", ".join(repr(n.name) for n in tree.nodes.values() if n.question == key)
        for value in sorted(set(tree.questions[key].values) - routed):
            yield f"node {askers} has no branch for {key}={value}"
    for key, overlays in tree.modifiers.items():
        question = tree.questions.get(key)
        if question is None:
            yield f"modifier {key!r} is not a question"
            continue
        if set(overlays) != set(question.values):
            yield f"modifier {key!r} must map exactly the values {sorted(question.values)}"
        for value, name in overlays.items():
            if name is not None and name not in tree.verdicts:
                yield f"modifier {key}={value} overlays unknown verdict {name!r}"
            elif name is not None and tree.verdicts[name].modifiers:
                yield f"overlay verdict {name!r} must not have modifiers of its own"
    for verdict in tree.verdicts.values():
        if not verdict.citations:
            yield f"verdict {verdict.name!r} cites nothing"
        for anchor in verdict.citations:
            if tree.clauses and anchor not in tree.clauses:
                yield f"verdict {verdict.name!r} cites unknown clause {anchor!r}"
        for key in verdict.modifiers:
            if key not in tree.modifiers:
                yield f"verdict {verdict.name!r} uses unknown modifier {key!r}"
        for lang in LANGUAGES:
            if not verdict.rationale.get(lang):
                yield f"verdict {verdict.name!r} has no {lang} rationale"
    yield from _walk_problems(tree)


def _walk_problems(tree: Tree) -> Iterator[str]:
    """Cycles, questions asked twice on one path, and unreachable nodes or verdicts."""
    if tree.start not in tree.nodes:
        return
    reached: set[str] = set()
    problems: list[str] = []

    def visit(name: str, asked: tuple[str, ...], stack: tuple[str, ...]) -> None:
        if name in stack:
            problems.append(f"cycle through {' -> '.join((*stack, name))}")
            return
        reached.add(name)
        if name in tree.verdicts:
            for key in tree.verdicts[name].modifiers:
                if key in asked:
                    problems.append(f"verdict {name!r} modifier {key!r} was already asked")
                for overlay in tree.modifiers.get(key, {}).values():
                    if overlay:
                        reached.add(overlay)
            return
        node = tree.nodes.get(name)
        if node is None:
            return
        if node.question in asked:
            problems.append(f"node {name!r} asks {node.question!r} again on one path")
            return
        for target in dict.fromkeys(node.next.values()):
            visit(target, (*asked, node.question), (*stack, name))

    visit(tree.start, (), ())
    for name in sorted((set(tree.nodes) | set(tree.verdicts)) - reached):
        problems.append(f"{name!r} can never be reached")
    yield from problems


# -- resolving -----------------------------------------------------------------


def check_answers(tree: Tree, answers: Mapping[str, str]) -> None:
    """Raise ``InvalidAnswer`` for the first known key that carries an unknown value.

    It looks at the answers given, not at every question of the tree, so the cost of
    a check does not grow with the size of the tree (only a group's answer, ``topic``,
    is checked against the nodes asking it, for fitting the answer it groups).
    """
    questions = tree.questions
    for key, value in answers.items():
        question = questions.get(key)
        if question is not None and value not in question.allowed:
            raise InvalidAnswer(key, value, question.allowed)
    for key, grouped in tree.grouping.items():
        if key in answers and grouped in answers:
            _check_group(tree, key, answers[key], grouped, answers[grouped])


def _check_group(tree: Tree, key: str, value: str, grouped: str, answer: str) -> None:
    """A group's answer (``topic``) and the answer it groups must fit together."""
    if value == UNKNOWN or answer == UNKNOWN:
        return
    for node in tree.nodes.values():
        if (
            node.question == key
            and value in node.next
            and value not in _offering(tree, node, answer)
        ):
            raise InvalidAnswer(
                grouped, answer, tree.asked_at(tree.nodes[node.next[value]]).allowed
            )


def _offering(tree: Tree, node: Node, answer: str) -> list[str]:
    """The answers to ``node``'s grouping question whose next node offers ``answer`` to
    the question it groups (every answer of a grouping question leads to such a node)."""
    return [value for value, target in node.next.items() if answer in tree.nodes[target].next]


def resolve(tree: Tree, answers: Mapping[str, str]) -> Outcome:
    """The next question to ask, or the verdict, for ``answers``.

    Keys that are not questions of the tree, and answers that the path never asks
    for, are ignored. A known key with a value outside its choices raises
    ``InvalidAnswer``.
    """
    check_answers(tree, answers)
    return _resolve_from(tree, answers, tree.start, ())


def _resolve_from(
    tree: Tree, answers: Mapping[str, str], name: str, used: tuple[tuple[str, str], ...]
) -> Outcome:
    nodes = tree.nodes
    while name in nodes:
        node = nodes[name]
        question = tree.asked_at(node)
        value = answers.get(question.key)
        if value is None:
            value = _implied(tree, node, answers)
        if value is None:
            return Outcome(answers=used, question=question)
        if value != UNKNOWN and value not in node.next:
            # A known value this node does not offer: the link mixes two groups.
            raise InvalidAnswer(question.key, value, question.allowed)
        if value == UNKNOWN:

            def follow(
                v: str,
                u: tuple[tuple[str, str], ...],
                key: str = question.key,
                routes: Mapping[str, str] = node.next,
            ) -> Outcome:
                return _resolve_from(tree, {**answers, key: v}, routes[v], u)

            return _branch(question, used, follow)
        used = (*used, (question.key, value))
        name = node.next[value]
    return _modify(tree, answers, Result(tree.verdicts[name]), 0, used)


def _implied(tree: Tree, node: Node, answers: Mapping[str, str]) -> str | None:
    """The answer to ``node``'s question that a later answer implies, if only one does.

    ``topic=networking`` is implied by ``component=ingress`` when only the node after
    ``networking`` offers ``ingress``: a link (or a ticket's reading) may name the
    choice without the group it sits in.
    """
    grouped = tree.grouping.get(node.question)
    if grouped is None or grouped not in answers:
        return None  # only a group is read, from the answer it groups
    found = _offering(tree, node, answers[grouped])
    return found[0] if len(found) == 1 else None


def _modify(
    tree: Tree,
    answers: Mapping[str, str],
    result: Result,
    index: int,
    used: tuple[tuple[str, str], ...],
) -> Outcome:
    """Apply the verdict's modifiers from ``index`` on."""
    keys = result.base.modifiers
    for position in range(index, len(keys)):
        key = keys[position]
        value = answers.get(key)
        if not tree.lowers(key, result.level):
            # No answer to this modifier could lower the verdict: it is not asked, but a
            # given answer adds an overlay of the verdict's own level.
            if value is not None and value != UNKNOWN:
                overlay = tree.overlay(key, value)
                if overlay is not None and overlay.level is result.level:
                    used = (*used, (key, value))
                    result = Result(result.base, (*result.overlays, overlay))
            continue
        question = tree.questions[key]
        if value is None:
            return Outcome(answers=used, question=question)
        if value == UNKNOWN:

            def modify(
                v: str,
                u: tuple[tuple[str, str], ...],
                p: int = position,
                k: str = key,
                r: Result = result,
            ) -> Outcome:
                return _modify(tree, {**answers, k: v}, _overlaid(tree, r, k, v), p + 1, u)

            return _branch(question, used, modify)
        used = (*used, (key, value))
        result = _overlaid(tree, result, key, value)
    return Outcome(answers=used, result=result)


def _overlaid(tree: Tree, result: Result, key: str, value: str) -> Result:
    overlay = tree.overlay(key, value)
    return Result(result.base, (*result.overlays, overlay)) if overlay else result


def _branch(
    question: Question,
    used: tuple[tuple[str, str], ...],
    follow: Callable[[str, tuple[tuple[str, str], ...]], Outcome],
) -> Outcome:
    """The answer to ``question`` is unknown: follow every value and show them side by side."""
    used = (*used, (question.key, UNKNOWN))
    branches = []
    for value in question.values:
        branch = follow(value, used)
        if branch.question is not None:
            # A branch needs another answer first: ask for it, then come back here.
            return Outcome(answers=used, question=branch.question)
        branches.append((value, branch))
    return Outcome(answers=used, depends_on=question, branches=tuple(branches))
