"""What a policy change does to verdicts: every answer path, and which ones change.

Pure functions over engine trees (no database): a path is the answers the engine asks
for, in order, until a verdict; only relevant questions are on it, exactly as a
support engineer would answer them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from supportscope.core.engine import InvalidAnswer, Result, Tree, resolve

Answers = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Path:
    answers: Answers
    result: Result

    @property
    def query(self) -> str:
        return urlencode(self.answers)


def paths(tree: Tree, answers: Mapping[str, str] | None = None) -> Iterator[Path]:
    """Every complete answer path from ``answers`` on (all of them, from the start)."""
    given = dict(answers or {})
    outcome = resolve(tree, given)
    if outcome.question is not None:
        for value in outcome.question.values:
            yield from paths(tree, {**given, outcome.question.key: value})
    elif outcome.result is not None:
        yield Path(outcome.answers, outcome.result)


def paths_citing(tree: Tree, anchors: Iterable[str]) -> list[Path]:
    """The paths whose verdict (or an overlay on it) cites any of ``anchors``."""
    wanted = set(anchors)
    return [path for path in paths(tree) if wanted & set(path.result.citations)]


def verdicts_citing(tree: Tree, anchors: Iterable[str]) -> list[str]:
    wanted = set(anchors)
    return [name for name, verdict in tree.verdicts.items() if wanted & set(verdict.citations)]


@dataclass(frozen=True)
class Outcome:
    """What one answer combination leads to in one tree: a result, or why there is none."""

    result: Result | None
    missing: str = ""  # the answer key whose value the tree does not offer

    @property
    def key(self) -> tuple[str, ...]:
        if self.result is None:
            return ("-", self.missing)
        return (self.result.level.value, *(part.name for part in self.result.parts))


@dataclass(frozen=True)
class Change:
    answers: Answers
    before: Outcome
    after: Outcome

    @property
    def query(self) -> str:
        return urlencode(self.answers)


def _outcomes(tree: Tree, answers: Answers) -> Iterator[tuple[Answers, Outcome]]:
    """``answers`` in ``tree``, expanded over any further question the tree asks."""
    given = dict(answers)
    try:
        found = list(paths(tree, given))
    except InvalidAnswer as error:
        yield answers, Outcome(None, error.key)
        return
    for path in found:
        merged = dict(given)
        merged.update(path.answers)
        order = [*answers, *((k, v) for k, v in path.answers if k not in given)]
        yield tuple((k, merged[k]) for k, _ in order), Outcome(path.result)


def compare(old: Tree, new: Tree) -> list[Change]:
    """Every answer combination whose verdict differs between ``old`` and ``new``."""
    seen: dict[frozenset[tuple[str, str]], Change] = {}
    for source, other, old_first in ((old, new, True), (new, old, False)):
        for path in paths(source):
            for answers, there in _outcomes(other, path.answers):
                ident = frozenset(answers)
                if ident in seen:
                    continue
                here = _single(source, answers)
                before, after = (here, there) if old_first else (there, here)
                seen[ident] = Change(answers, before, after)
    return [change for change in seen.values() if change.before.key != change.after.key]


def _single(tree: Tree, answers: Answers) -> Outcome:
    try:
        outcome = resolve(tree, dict(answers))
    except InvalidAnswer as error:
        return Outcome(None, error.key)
    return Outcome(outcome.result, "" if outcome.result else "?")


def fingerprint(changes: Iterable[Change]) -> str:
    """A short hash of a list of changes: the admin confirms exactly what they saw."""
    data = sorted([list(c.answers), list(c.before.key), list(c.after.key)] for c in changes)
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()[:16]
