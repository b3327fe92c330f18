"""The compiled policy held in memory: the engine's tree and the rendered document.

A warm request costs no query. The worker checks the current policy revision (one
cheap query) only when its watcher (``freshness``: LISTEN/NOTIFY on PostgreSQL, ``PRAGMA
data_version`` on SQLite) says the policy row may have moved, when the next scheduled
publication it keeps in memory falls due, or when no watcher can be trusted right now
(then on every request, as a fallback that also notices an outage). When the revision
differs from the one this worker holds, it recompiles from the database, so an edit
saved through any worker or instance is served everywhere within the watcher's delay.
When the database cannot be reached, the last snapshot keeps serving, marked stale.

While the database is down, a worker does not ask it on every request: it waits
``retry_base`` seconds before the next attempt, doubling up to ``retry_max``, so a
database that hangs (instead of refusing) costs one slow request per interval, not
every request. The first successful query ends the outage; no restart is needed.
"""

from __future__ import annotations

import dataclasses
import gc
import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import MappingProxyType

from django.db import DatabaseError, connection, connections
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from supportscope.core.content import PolicyData
from supportscope.core.engine import Tree, TreeError, build_tree
from supportscope.core.learned import shipped as learned_model
from supportscope.core.learned import shipped_levels
from supportscope.core.ranking import warm
from supportscope.core.rendering import render_markdown
from supportscope.policy import freshness, serial
from supportscope.policy.models import Clause
from supportscope.policy.store import current_state

logger = logging.getLogger("supportscope.snapshot")
_generations = itertools.count(1)
# The snapshot the current request is served from: None until the request first asks,
# _OUTSIDE when no request is in progress (a command, a test calling code directly).
_OUTSIDE = object()
_served: ContextVar[object] = ContextVar("supportscope_served", default=_OUTSIDE)
# The draft a staff member previews the public site under, during one request.
_preview: ContextVar[int | None] = ContextVar("supportscope_preview", default=None)


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
    # A hash of the policy's content, equal on every instance holding it (serial.py).
    fingerprint: str = ""
    # Answers removed from the tree: (question, value) -> {"en": label, "ko": label}.
    retired: Mapping[tuple[str, str], Mapping[str, str]] = dataclasses.field(
        default_factory=lambda: MappingProxyType({})
    )
    # Set when this is a draft, compiled for a staff preview: never cached for the public.
    draft: int | None = None
    draft_title: str = ""

    def section(self, slug: str) -> SectionView:
        return next(section for section in self.sections if section.slug == slug)


class PolicyUnavailable(Exception):
    """No snapshot could be compiled and none is held (the database is down at start)."""


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Compiling allocates many small objects that all stay alive; the cyclic garbage
    collector's passes over them are wasted work (a third of the time on 10,000 questions).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def compile_snapshot(revision: int) -> Snapshot:
    with _gc_paused():
        return _compile(revision)


def _compile(revision: int) -> Snapshot:
    html = {
        (row["section__slug"], row["key"]): (row["html_en"], row["html_ko"], row["body_en"],
                                             row["body_ko"])
        for row in Clause.objects.values(
            "section__slug", "key", "html_en", "html_ko", "body_en", "body_ko"
        )
    }  # fmt: skip
    return compile_records(serial.read_all(), revision=revision, html=html)


def compile_records(
    records: serial.Records,
    *,
    revision: int,
    html: Mapping[tuple[str, str], tuple[str, str, str, str]] | None = None,
    draft: int | None = None,
    draft_title: str = "",
) -> Snapshot:
    """A snapshot of a set of records: the live policy, or a draft. ``html`` holds the
    clauses' rendered HTML as saved; a clause whose text differs is rendered here."""
    document = serial.to_document(records)
    saved = html or {}

    def rendered(slug: str, key: str, body: Mapping[str, str]) -> dict[str, str]:
        found = saved.get((slug, key))
        if found is not None and (found[2], found[3]) == (body["en"], body["ko"]):
            return {"en": found[0], "ko": found[1]}
        return {"en": render_markdown(body["en"]), "ko": render_markdown(body["ko"])}

    sections = tuple(
        SectionView(
            slug=section.slug,
            level=section.level,
            title=MappingProxyType(dict(section.title)),
            clauses=tuple(
                ClauseView(
                    anchor=f"{section.slug}--{clause.key}",
                    section=section.slug,
                    kind=clause.kind,
                    html=MappingProxyType(rendered(section.slug, clause.key, clause.body)),
                    text=MappingProxyType(dict(clause.body)),
                    retired=clause.retired,
                )
                for clause in section.clauses
            ),
        )
        for section in document.sections
    )
    clauses = MappingProxyType(
        {clause.anchor: clause for section in sections for clause in section.clauses}
    )
    live = {clause.anchor for clause in clauses.values() if not clause.retired}
    tree = build_tree(document.tree, revision=revision, clauses=live)
    return Snapshot(
        revision=revision,
        tree=tree,
        sections=sections,
        clauses=clauses,
        generation=next(_generations),
        fingerprint=serial.fingerprint(document),
        retired=_retired(document),
        draft=draft,
        draft_title=draft_title,
    )


def _retired(document: PolicyData) -> Mapping[tuple[str, str], Mapping[str, str]]:
    return MappingProxyType(
        {
            (item["question"], item["value"]): MappingProxyType(dict(item["label"]))
            for item in document.tree.get("retired", ())
        }
    )


def drop_broken_connection() -> None:
    """Close the default connection after a database error, so the next query reconnects.

    Django also does this when a request finishes; doing it at once also covers code
    that runs outside the request cycle. Inside a transaction the connection belongs
    to the transaction's owner, which rolls back and closes it.
    """
    if connection.in_atomic_block:
        return
    try:
        connection.close()
    except DatabaseError:  # pragma: no cover - closing a dead socket rarely fails
        logger.debug("closing the broken database connection failed", exc_info=True)


def _checked_revision() -> tuple[int, int | None]:
    """The current revision; the query doubles as the connection's health check.

    With ``CONN_HEALTH_CHECKS``, Django sends an extra ``SELECT 1`` before the first
    query of every request on a kept connection: a second round trip to PostgreSQL on
    every page. The revision query proves the connection just as well, so the check is
    skipped here, and a kept connection that turns out dead (the server restarted
    since the last request) gets one fresh try at once, as the health check would.
    """
    reused = connection.connection is not None and not connection.in_atomic_block
    if reused:
        # Django's wrapper keeps this flag (since 4.1); the stubs do not declare it.
        connection.health_check_done = True  # type: ignore[attr-defined]
    try:
        return current_state()
    except DatabaseError:
        if not reused:
            raise
        drop_broken_connection()
        return current_state()


class SnapshotScopeMiddleware:
    """Outermost middleware: every ``get_snapshot`` in a request returns the same snapshot.

    What runs inside (the request log, the page cache, the stale header of the outage
    middleware) reads the snapshot the request was served from with ``served_snapshot``,
    whichever of them is installed.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_scope():
            return self.get_response(request)


class SnapshotCache:
    retry_base = 0.5  # seconds to wait before asking a database that failed again
    retry_max = 5.0

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()
        self._clock = clock
        self._db_down = False
        self._retry_at = 0.0
        self._retry_delay = 0.0
        self._invalid_revision: int | None = None  # compiled once, failed: don't retry
        # The watcher's change count when the database was last checked (None: check),
        # and the next scheduled publication that check reported (Unix seconds).
        self._checked_at: int | None = None
        self._due_at: int | None = None

    @property
    def db_down(self) -> bool:
        return self._db_down

    def get(self, check_now: bool = False) -> Snapshot:
        """The snapshot to serve; ``check_now`` asks the database even during the pause."""
        served = _served.get()
        if isinstance(served, Snapshot):
            return served  # one consistent snapshot, and at most one check, per request
        seen = freshness.changes()
        snapshot = self._snapshot
        if (
            seen is not None
            and seen == self._checked_at
            and snapshot is not None
            and not check_now
            and not self._db_down
            and (self._due_at is None or timezone.now().timestamp() < self._due_at)
        ):
            return _serve(snapshot)  # nothing moved since the last check: no query
        if self._db_down and not check_now and self._clock() < self._retry_at:
            return self._stale(None)
        try:
            revision, due_at = _checked_revision()
            # A scheduled draft whose time has come is published by the first request
            # that asks for the policy after it; the time is kept from the last check.
            if due_at is not None and _publisher(due_at):
                revision, due_at = _checked_revision()
        except DatabaseError as error:
            return self._stale(error)
        snapshot = self._snapshot
        if revision == self._invalid_revision and snapshot is not None:
            self._checked(seen, due_at)
            return _serve(snapshot)  # the last good policy, until a valid revision lands
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
                        self._invalid_revision = revision
                        if self._snapshot is None:
                            raise PolicyUnavailable(str(error)) from error
                        return _serve(self._snapshot)
                    self._snapshot = snapshot
        if self._db_down:
            self._db_down = False
            self._retry_delay = 0.0
            logger.warning("database reachable again; serving policy revision %s", revision)
        self._checked(seen, due_at)
        return _serve(snapshot)

    def _checked(self, seen: int | None, due_at: int | None) -> None:
        # Inside a transaction the check may have seen uncommitted rows (or a test's,
        # rolled back later): trust it for this request only.
        self._checked_at = None if connection.in_atomic_block else seen
        self._due_at = due_at

    def _stale(self, error: DatabaseError | None) -> Snapshot:
        self._checked_at = None
        if error is not None:
            drop_broken_connection()
            if not self._db_down:
                self._db_down = True
                held = self._snapshot.revision if self._snapshot else None
                logger.error(
                    "database unreachable (%s); %s",
                    str(error).strip() or type(error).__name__,
                    f"serving the last compiled policy, revision {held}"
                    if held is not None
                    else "no policy compiled yet: answering 503",
                )
            self._retry_delay = min(self.retry_max, max(self.retry_base, self._retry_delay * 2))
            self._retry_at = self._clock() + self._retry_delay
        if self._snapshot is None:
            reason = str(error) if error is not None else "the database is unreachable"
            raise PolicyUnavailable(reason) from error
        return _serve(dataclasses.replace(self._snapshot, stale=True))

    def peek(self) -> Snapshot | None:
        return self._snapshot

    def clear(self) -> None:
        self._snapshot = None
        self._db_down = False
        self._retry_at = 0.0
        self._retry_delay = 0.0
        self._invalid_revision = None
        self._checked_at = None
        self._due_at = None


cache = SnapshotCache()


def get_snapshot(check_now: bool = False) -> Snapshot:
    draft = _preview.get()
    if draft is None:
        return cache.get(check_now)
    served = _served.get()
    if isinstance(served, Snapshot) and served.draft == draft:
        return served
    found = previews.get(draft, cache.get(check_now))
    if _served.get() is not _OUTSIDE:
        _served.set(found)  # the rest of the request sees the draft, never cached
    return found


def _no_publisher(due_at: int) -> bool:
    return False


# Publishes the scheduled drafts that are due; returns whether it did. The app's
# ``ready()`` sets it (preview.publish_if_due): the write side depends on this module,
# never the other way round.
_publisher: Callable[[int], bool] = _no_publisher


def set_publisher(publisher: Callable[[int], bool]) -> None:
    global _publisher
    _publisher = publisher


class PreviewCache:
    """Drafts compiled for staff previews, by draft version; a few at a time."""

    size = 4

    def __init__(self) -> None:
        self._held: dict[tuple[int, int, int], Snapshot] = {}
        self._lock = threading.Lock()

    def get(self, draft_id: int, live: Snapshot) -> Snapshot:
        from supportscope.policy.models import Draft

        draft = (
            Draft.objects.filter(pk=draft_id, state=Draft.OPEN)
            .values("version", "records", "title")
            .first()
        )
        if draft is None:  # gone, published or discarded: the live policy, no banner
            return live
        key = (draft_id, draft["version"], live.generation)
        with self._lock:
            found = self._held.get(key)
        if found is not None:
            return found
        try:
            found = compile_records(
                draft["records"],
                revision=live.revision,
                draft=draft_id,
                draft_title=draft["title"],
            )
        except (TreeError, KeyError, TypeError) as error:
            # An unfinished draft may not compile: preview the live policy, say why.
            logger.info("draft %s does not compile: %s", draft_id, error)
            return dataclasses.replace(live, draft=draft_id, draft_title=draft["title"])
        with self._lock:
            if len(self._held) >= self.size:
                self._held.clear()
            self._held[key] = found
        return found


previews = PreviewCache()


@contextmanager
def previewing(draft_id: int | None) -> Iterator[None]:
    """Inside: ``get_snapshot`` serves the draft (for a staff preview of the public site)."""
    token = _preview.set(draft_id)
    try:
        yield
    finally:
        _preview.reset(token)


def _serve(snapshot: Snapshot) -> Snapshot:
    if _served.get() is None:  # inside a request: remember it for the rest of the request
        _served.set(snapshot)
    return snapshot


def served_snapshot() -> Snapshot | None:
    """The snapshot that ``get_snapshot`` returned during the current request, if any."""
    served = _served.get()
    return served if isinstance(served, Snapshot) else None


@contextmanager
def request_scope() -> Iterator[None]:
    """Around one request: every ``get_snapshot`` in it returns the same snapshot."""
    token = _served.set(None)
    try:
        yield
    finally:
        _served.reset(token)


def warm_up() -> None:
    """Compile the policy now, as a server process starts, if the database answers.

    Each worker then holds a tree before its first request, so a database that fails
    later finds every worker able to answer from memory, and watches for changes from
    then on (``freshness``; a forked worker starts its own watcher). The connection is closed
    afterwards: a server that loads the app before forking its workers must not hand
    them one shared connection.
    """
    freshness.start()
    try:
        snapshot = get_snapshot()
    except PolicyUnavailable:
        logger.warning(
            "starting without a compiled policy; it is compiled once the database answers"
        )
    else:
        # the suggester's term tables and patterns, its tie-breaker and level model, or the first
        # ticket pays for them
        warm(snapshot.tree)
        learned_model()
        shipped_levels()
        logger.info("policy revision %s compiled at start", snapshot.revision)
    finally:
        connections.close_all()
