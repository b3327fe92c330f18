"""How a worker knows, without a query, that the policy it holds is still current.

The policy row (``PolicyState``: the revision and the next scheduled publication) moves
only when the policy changes. A *watcher* tells the snapshot cache that it may have
moved, so a warm request asks the database nothing:

* PostgreSQL: a thread per worker process keeps its own connection and ``LISTEN``\\ s on
  ``supportscope_policy``. A trigger on the policy row (migration 0006) sends ``NOTIFY``
  in the same transaction that moves it, so every listener hears of a change when it is
  committed, on every instance. The thread also pings the server every
  ``PING_SECONDS``; while its connection is down, or the last sign of life is older than
  ``STALE_AFTER`` (a server that hangs), the watcher is not *healthy* and the cache goes
  back to checking on every request, which also detects the outage. It reconnects by
  itself, and counts a reconnection as a change (a notification may have been missed).
* SQLite: ``PRAGMA data_version`` on a connection of its own, kept open. The number
  changes whenever another connection commits to the file; reading it is a call into
  the SQLite library, not a round trip, and is done at most every ``POLL_SECONDS``.
  Any commit counts as a possible change.

``changes()`` is a number that grows with every possible change; the cache remembers
the number it last checked the database at and checks again when it differs. Writes in
this process also call ``changed()`` directly (``store.record_revision``, the schedule),
so a change made inside a transaction is seen by its own connection at once.

Where no watcher can work (an in-memory SQLite database, other engines, or before
``start``), ``changes()`` is None and every request checks, as before.
"""

from __future__ import annotations

import logging
import os
import select
import sqlite3
import threading
import time
from typing import Any

from django.db import connection

logger = logging.getLogger("supportscope.freshness")

CHANNEL = "supportscope_policy"
LISTENER_NAME = "supportscope-listener"
PING_SECONDS = 0.5  # the listener proves its connection this often
STALE_AFTER = 2.0  # seconds without a sign of life before the watcher is not trusted
RECONNECT_MAX = 2.0  # seconds between attempts to reconnect, at most
POLL_SECONDS = 0.05  # SQLite: data_version is read at most this often per process


class Watcher:
    """The common part: a counter of possible changes, bumped from any thread."""

    def __init__(self) -> None:
        self._count = 0
        self._count_lock = threading.Lock()

    def bump(self) -> None:
        with self._count_lock:
            self._count += 1

    def changes(self) -> int | None:
        """The change counter, or None when this watcher cannot be trusted right now."""
        raise NotImplementedError

    def stop(self) -> None:
        """Let go of the watcher's connection (and thread)."""


class SqliteWatcher(Watcher):
    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._seen: int | None = None
        self._next_poll = 0.0
        self._lock = threading.Lock()

    def changes(self) -> int | None:
        now = time.monotonic()
        if now < self._next_poll and self._db is not None:
            return self._count
        with self._lock:
            self._next_poll = now + POLL_SECONDS
            try:
                if self._db is None:
                    # Read-only, and never in a transaction: it only ever asks data_version.
                    self._db = sqlite3.connect(
                        f"file:{self.path}?mode=ro",
                        uri=True,
                        check_same_thread=False,
                        isolation_level=None,
                    )
                version = self._db.execute("PRAGMA data_version").fetchone()[0]
            except sqlite3.Error:
                logger.warning("cannot read %s for changes; checking on every request", self.path)
                self._close()
                return None
            if version != self._seen:
                self._seen = version
                self.bump()
            return self._count

    def _close(self) -> None:
        if self._db is not None:
            self._db.close()
        self._db = None
        self._seen = None

    def stop(self) -> None:
        with self._lock:
            self._close()


class PostgresListener(Watcher):
    def __init__(self, params: dict[str, Any]) -> None:
        super().__init__()
        self.params = params
        self._alive_at = -1.0  # monotonic time of the last sign of life; < 0: not connected
        self._stopping = threading.Event()
        self._conn: Any = None
        self._thread = threading.Thread(target=self._run, name=LISTENER_NAME, daemon=True)
        self._thread.start()

    @property
    def healthy(self) -> bool:
        alive_at = self._alive_at
        return alive_at >= 0 and time.monotonic() - alive_at < STALE_AFTER

    def changes(self) -> int | None:
        return self._count if self.healthy else None

    def wait_until_healthy(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not self.healthy:
            if time.monotonic() > deadline or self._stopping.is_set():
                return False
            time.sleep(0.01)
        return True

    def backend_pid(self) -> int | None:
        conn = self._conn
        return conn.info.backend_pid if conn is not None and self.healthy else None

    def _run(self) -> None:
        delay = 0.05
        while not self._stopping.is_set():
            try:
                self._listen()
                delay = 0.05
            except Exception as error:  # any failure: fall back, reconnect
                if self._stopping.is_set():
                    break
                reason = str(error).strip() or type(error).__name__
                if self._alive_at >= 0:
                    logger.warning(
                        "policy listener lost its connection (%s); checking on every "
                        "request until it is back",
                        reason,
                    )
                else:
                    logger.debug("policy listener cannot connect: %s", reason)
            finally:
                self._alive_at = -1.0
                self._disconnect()
            self._stopping.wait(delay)
            delay = min(RECONNECT_MAX, delay * 2)

    def _listen(self) -> None:
        import psycopg

        params = {"connect_timeout": 5, **self.params, "application_name": LISTENER_NAME}
        conn = psycopg.connect(**params, autocommit=True)
        self._conn = conn
        conn.execute(f"LISTEN {CHANNEL}")
        self.bump()  # anything may have changed while nobody listened
        self._alive_at = time.monotonic()
        logger.info("policy listener connected (backend %s)", conn.info.backend_pid)
        while not self._stopping.is_set():
            ready, _, _ = select.select([conn.fileno()], [], [], PING_SECONDS)
            if ready:
                if any(True for _ in conn.notifies(timeout=0)):
                    self.bump()
            else:
                conn.execute("SELECT 1")  # a sign of life; raises if the server is gone
            self._alive_at = time.monotonic()

    def _disconnect(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # pragma: no cover - closing a dead socket
                logger.debug("closing the listener connection failed", exc_info=True)

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=PING_SECONDS * 4)


_lock = threading.Lock()
_watcher: Watcher | None = None
_pid: int | None = None
_wanted = False


def _make() -> Watcher | None:
    if connection.vendor == "postgresql":
        params = dict(connection.get_connection_params())
        for key in ("cursor_factory", "context", "prepare_threshold"):
            params.pop(key, None)
        return PostgresListener(params)
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        # SQLite's wrapper has is_in_memory_db(); the stubs type the base wrapper only.
        if connection.is_in_memory_db() or not os.path.exists(name):  # type: ignore[attr-defined]
            return None
        return SqliteWatcher(name)
    return None


def start() -> None:
    """Watch for changes from now on, in this process (and in each process forked from it:
    the watcher itself is made in the process that first asks)."""
    global _wanted
    _wanted = True


def stop() -> None:
    global _wanted, _watcher, _pid
    with _lock:
        _wanted = False
        watcher, _watcher, _pid = _watcher, None, None
    if watcher is not None:
        watcher.stop()


def current() -> Watcher | None:
    global _watcher, _pid
    if not _wanted:
        return None
    pid = os.getpid()
    if _pid == pid:
        return _watcher
    with _lock:
        if _pid != pid:  # first use in this process (a forked worker starts afresh)
            _watcher = _make()
            _pid = pid
    return _watcher


def changes() -> int | None:
    watcher = current()
    return watcher.changes() if watcher is not None else None


def changed() -> None:
    """This process changed the policy row (or is about to commit a change)."""
    watcher = _watcher if _pid == os.getpid() else None
    if watcher is not None:
        watcher.bump()
