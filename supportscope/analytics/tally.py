"""The counters each process keeps in memory, and how they reach the database.

Counting costs a request a dictionary update under a lock: never a query. A thread per
process (started by ``start``, made in the process that first counts, so each forked
worker has its own) writes what was counted every ``FLUSH_SECONDS``, and once more when
the process stops (gunicorn's ``worker_exit`` hook and ``atexit``). At most one interval
of counts is lost when a process is killed.

A flush is one additive upsert per batch of ``BATCH`` keys, in one transaction:
``INSERT … ON CONFLICT (key) DO UPDATE SET n = n + excluded.n``. Nothing is read
first, so any number of workers and instances can flush at once, on SQLite and on
PostgreSQL, and every count arrives. Keys are written in sorted order, so two
transactions never wait for each other's rows in opposite orders.

When a flush fails (the database is down), the counts go back into the tally and are
tried again at the next interval; past ``MAX_KEYS`` distinct keys the oldest pending
counts are dropped, and the log says how many. Counting itself never touches the
database, so no page can fail because of it.

Rows older than ``SUPPORTSCOPE_ANALYTICS_DAYS`` are deleted by the first flush of each
day in each process.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import connections, transaction

from supportscope.analytics.counting import Event
from supportscope.analytics.models import Counter

logger = logging.getLogger("supportscope.analytics")

Key = tuple[date, int, str, str, str]  # day, revision, kind, subject, value

FLUSH_SECONDS = 10.0
BATCH = 500  # keys per statement: 3,000 parameters, well under SQLite's limit
MAX_KEYS = 50_000  # distinct keys a process holds while the database cannot be written
EXIT_WAIT = 5.0  # seconds a stopping process waits for a write already under way


_day: tuple[int, date] = (-1, date.min)


def today() -> date:
    """Today in UTC (worked out once a day: a request pays a division, not a datetime)."""
    global _day
    number = int(time.time() // 86400)
    if number != _day[0]:
        _day = (number, datetime.fromtimestamp(number * 86400, UTC).date())
    return _day[1]


class Tally:
    """Counts by key, in memory; safe to add to from any thread."""

    def __init__(self, max_keys: int = MAX_KEYS) -> None:
        self.max_keys = max_keys
        self._counts: dict[Key, int] = {}
        self._lock = threading.Lock()

    def add(self, revision: int, events: Iterable[Event], day: date | None = None) -> None:
        day = day or today()
        with self._lock:
            counts = self._counts
            for kind, subject, value in events:
                key = (day, revision, kind, subject, value)
                if key in counts:
                    counts[key] += 1
                elif len(counts) < self.max_keys:
                    counts[key] = 1

    def take(self) -> dict[Key, int]:
        """Everything counted so far; the tally starts again from nothing."""
        with self._lock:
            counts, self._counts = self._counts, {}
        return counts

    def give_back(self, counts: dict[Key, int]) -> int:
        """Counts that could not be written, added back; returns how many were dropped."""
        dropped = 0
        with self._lock:
            for key, n in counts.items():
                if key in self._counts:
                    self._counts[key] += n
                elif len(self._counts) < self.max_keys:
                    self._counts[key] = n
                else:
                    dropped += n
        return dropped

    def peek(self) -> dict[Key, int]:
        with self._lock:
            return dict(self._counts)

    def __len__(self) -> int:
        return len(self._counts)


tally = Tally()


def record(revision: int, events: Iterable[Event]) -> None:
    """Count ``events`` under ``revision`` today, in memory, if counting is on."""
    if not settings.SUPPORTSCOPE_ANALYTICS:
        return
    tally.add(revision, events)
    _ensure_flusher()


# -- writing ---------------------------------------------------------------------------


def write(counts: dict[Key, int], using: str = "default") -> None:
    """Add ``counts`` to the table: one additive upsert per ``BATCH`` keys, one transaction."""
    if not counts:
        return
    connection = connections[using]
    table = connection.ops.quote_name(Counter._meta.db_table)
    columns = ("day", "revision", "kind", "subject", "value", "n")
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    key = ", ".join(connection.ops.quote_name(c) for c in columns[:-1])
    n = connection.ops.quote_name("n")
    rows = sorted(counts.items())
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # a server that hangs must not hold the thread
            cursor.execute("SET LOCAL statement_timeout = 5000")
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(batch))
            params: list[str | int] = []
            for (day, revision, kind, subject, value), count in batch:
                params += [day.isoformat(), revision, kind, subject, value, count]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {values} "  # noqa: S608 - names are ours
                f"ON CONFLICT ({key}) DO UPDATE SET {n} = {table}.{n} + excluded.{n}",
                params,
            )


def prune(days: int, using: str = "default", now: date | None = None) -> int:
    """Delete the rows older than ``days`` days; returns how many."""
    cutoff = (now or today()) - timedelta(days=days)
    deleted, _by_model = Counter.objects.using(using).filter(day__lt=cutoff).delete()
    return deleted


class Flusher:
    """Writes the tally now and then; remembers whether the last write failed."""

    def __init__(self, source: Tally, using: str = "default") -> None:
        self.source = source
        self.using = using
        self.failing = False
        self.pruned_on: date | None = None
        self._lock = threading.Lock()  # one flush at a time in a process

    def flush(self, wait: float = -1) -> bool:
        """Write what was counted; on failure keep it for the next time. True if written.

        ``wait``: seconds to wait for a flush already under way (-1: as long as it takes).
        """
        if not self._lock.acquire(timeout=wait):
            logger.warning("usage counters not written: a write is still under way")
            return False
        try:
            counts = self.source.take()
            try:
                write(counts, self.using)
                self._prune_daily()
            except Exception as error:  # the database is down or refused: keep the counts
                dropped = self.source.give_back(counts)
                if not self.failing or dropped:
                    logger.warning(
                        "usage counters not written (%s); %s kept for the next try, %s dropped",
                        str(error).strip() or type(error).__name__,
                        sum(counts.values()) - dropped,
                        dropped,
                    )
                self.failing = True
                connection = connections[self.using]
                if not connection.in_atomic_block:
                    connection.close()  # reconnect next time (a restarted server)
                return False
            if self.failing:
                logger.info("usage counters written again")
            self.failing = False
            return True
        finally:
            self._lock.release()

    def _prune_daily(self) -> None:
        day = today()
        if self.pruned_on != day:
            prune(settings.SUPPORTSCOPE_ANALYTICS_DAYS, self.using, day)
            self.pruned_on = day


flusher = Flusher(tally)

# -- the background thread ---------------------------------------------------------------

_wanted = False
_pid: int | None = None
_start_lock = threading.Lock()
_stop = threading.Event()


def start() -> None:
    """Write the counters from a background thread in this process and each forked one."""
    global _wanted
    _wanted = True


def _ensure_flusher() -> None:
    global _pid
    if not _wanted or _pid == os.getpid():
        return
    with _start_lock:
        if _pid == os.getpid():
            return
        _pid = os.getpid()
        _stop.clear()
        thread = threading.Thread(target=_run, name="supportscope-usage", daemon=True)
        thread.start()
        atexit.register(flush_at_exit)


def _run() -> None:
    while not _stop.wait(FLUSH_SECONDS):
        flusher.flush()
    connections.close_all()


def flush_at_exit() -> None:
    """The last write of a stopping process (gunicorn's ``worker_exit``, then ``atexit``)."""
    _stop.set()
    if len(tally):
        try:
            flusher.flush(wait=EXIT_WAIT)
        except Exception:  # pragma: no cover - never stop a shutdown
            logger.exception("usage counters not written at exit")
