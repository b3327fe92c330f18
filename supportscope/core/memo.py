"""Values worked out once per immutable object: a tree, a question. Pure: no Django imports.

A policy tree never changes under the same object (an edit compiles a new one), so what
is derived from it alone (a question's compiled terms, the tree's words, the levels a set
of answers can still reach) is worked out on first use and kept beside it. ``PerObject``
keys by identity, checked against the object itself so that a recycled ``id`` never
returns another object's value, and forgets everything when it holds ``most`` objects:
a worker keeps one or two trees at a time (the published one, a staff preview).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class PerObject(Generic[Value]):
    def __init__(self, most: int) -> None:
        self._kept: dict[int, tuple[object, Value]] = {}
        self._most = most

    def get(self, owner: object, build: Callable[[], Value]) -> Value:
        """The value kept for ``owner``, built by ``build`` on first use."""
        kept = self._kept.get(id(owner))
        if kept is not None and kept[0] is owner:
            return kept[1]
        if len(self._kept) >= self._most:
            self._kept.clear()
        value = build()
        self._kept[id(owner)] = (owner, value)
        return value
