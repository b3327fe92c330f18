"""The compiled policy held in memory: the engine's tree and the rendered document.

Each request costs one cheap query: the current policy revision. When it differs
from the revision this worker holds, the worker recompiles from the database, so
an edit saved through any worker or instance is served everywhere at once. When
the database cannot be reached, the last snapshot keeps serving, marked stale.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from django.db import DatabaseError

from supportscope.engine import Tree, TreeError, build_tree
from supportscope.policy.models import Section
from supportscope.policy.store import current_revision, live_anchors, tree_data

logger = logging.getLogger("supportscope.snapshot")
_generations = itertools.count(1)


@dataclass(frozen=True, slots=True)
class ClauseView:
    anchor: str
    section: str
    kind: str
    html: Mapping[str, str]
    text: Mapping[str, str]  # the Markdown source, for quotes in plain-text receipts
    retired: bool


@dataclass(frozen=True, slots=True)
class SectionView:
    slug: str
    level: int
    title: Mapping[str, str]
    clauses: tuple[ClauseView, ...]

    @property
    def official_url(self) -> str:
        return f"https://learn.microsoft.com/azure/aks/support-policies#{self.slug}"


@dataclass(frozen=True)
class Snapshot:
    revision: int
    tree: Tree
    sections: tuple[SectionView, ...]
    clauses: Mapping[str, ClauseView]
    # Distinguishes two compilations of the same revision number (tests roll back).
    generation: int = 0
    stale: bool = False

    def section(self, slug: str) -> SectionView:
        return next(section for section in self.sections if section.slug == slug)


class PolicyUnavailable(Exception):
    """No snapshot could be compiled and none is held (the database is down at start)."""


def compile_snapshot(revision: int) -> Snapshot:
    sections = tuple(
        SectionView(
            slug=section.slug,
            level=section.level,
            title=MappingProxyType({"en": section.title_en, "ko": section.title_ko}),
            clauses=tuple(
                ClauseView(
                    anchor=f"{section.slug}--{clause.key}",
                    section=section.slug,
                    kind=clause.kind,
                    html=MappingProxyType({"en": clause.html_en, "ko": clause.html_ko}),
                    text=MappingProxyType({"en": clause.body_en, "ko": clause.body_ko}),
                    retired=clause.retired,
                )
                for clause in section.clauses.all()
            ),
        )
        for section in Section.objects.prefetch_related("clauses").order_by("order")
    )
    clauses = MappingProxyType(
        {clause.anchor: clause for section in sections for clause in section.clauses}
    )
    tree = build_tree(tree_data(), revision=revision, clauses=live_anchors())
    return Snapshot(
        revision=revision,
        tree=tree,
        sections=sections,
        clauses=clauses,
        generation=next(_generations),
    )


class SnapshotCache:
    def __init__(self) -> None:
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()
        self._db_down = False

    def get(self) -> Snapshot:
        try:
            revision = current_revision()
        except DatabaseError as error:
            return self._stale(error)
        snapshot = self._snapshot
        if snapshot is None or snapshot.revision != revision:
            with self._lock:
                snapshot = self._snapshot
                if snapshot is None or snapshot.revision != revision:
                    try:
                        snapshot = compile_snapshot(revision)
                    except DatabaseError as error:
                        return self._stale(error)
                    except TreeError as error:
                        # Saving goes through validation, so this means a bypass (a raw
                        # SQL edit, say). Never serve a broken tree: keep the last good one.
                        logger.error("policy revision %s is invalid: %s", revision, error)
                        if self._snapshot is None:
                            raise PolicyUnavailable(str(error)) from error
                        return self._snapshot
                    self._snapshot = snapshot
        if self._db_down:
            self._db_down = False
            logger.warning("database reachable again; serving policy revision %s", revision)
        return snapshot

    def _stale(self, error: DatabaseError) -> Snapshot:
        if not self._db_down:
            self._db_down = True
            logger.error("database unreachable (%s); serving the last compiled policy", error)
        if self._snapshot is None:
            raise PolicyUnavailable(str(error)) from error
        return dataclasses.replace(self._snapshot, stale=True)

    def peek(self) -> Snapshot | None:
        return self._snapshot

    def clear(self) -> None:
        self._snapshot = None


cache = SnapshotCache()


def get_snapshot() -> Snapshot:
    return cache.get()
