"""The tally in memory and its writes: additive upserts, failures kept, retention."""

from __future__ import annotations

import logging
import threading
from datetime import date, timedelta

import pytest
from django.db import OperationalError, connection, connections
from django.test import override_settings

from supportscope.analytics import tally as tally_module
from supportscope.analytics.models import Counter
from supportscope.analytics.tally import Flusher, Tally, prune, record, today, write

DAY = date(2026, 11, 30)
POSTGRES = connection.vendor == "postgresql"


def table() -> dict[tuple[str, str, str], int]:
    return {(c.kind, c.subject, c.value): c.n for c in Counter.objects.all()}


def test_the_tally_adds_by_day_revision_and_event():
    tally = Tally()
    tally.add(7, [("answer", "ingress", "nginx"), ("answer", "ingress", "nginx")], DAY)
    tally.add(8, [("answer", "ingress", "nginx")], DAY)
    assert tally.take() == {
        (DAY, 7, "answer", "ingress", "nginx"): 2,
        (DAY, 8, "answer", "ingress", "nginx"): 1,
    }
    assert tally.take() == {}


def test_a_full_tally_keeps_counting_known_keys_and_drops_new_ones():
    tally = Tally(max_keys=1)
    tally.add(1, [("start", "", ""), ("shown", "component", ""), ("start", "", "")], DAY)
    assert tally.peek() == {(DAY, 1, "start", "", ""): 2}
    assert tally.give_back({(DAY, 1, "start", "", ""): 3, (DAY, 1, "other", "", ""): 4}) == 4
    assert tally.peek() == {(DAY, 1, "start", "", ""): 5}


@pytest.mark.django_db
def test_a_write_adds_to_what_is_there_instead_of_replacing_it():
    write({(DAY, 1, "answer", "ingress", "nginx"): 2, (DAY, 1, "start", "", ""): 1})
    write({(DAY, 1, "answer", "ingress", "nginx"): 3})
    assert table() == {("answer", "ingress", "nginx"): 5, ("start", "", ""): 1}


@pytest.mark.django_db
def test_a_write_of_more_keys_than_a_batch_writes_them_all():
    counts = {(DAY, 1, "answer", f"q{i}", "v"): i + 1 for i in range(1201)}
    write(counts)
    assert Counter.objects.count() == 1201
    assert sum(Counter.objects.values_list("n", flat=True)) == sum(counts.values())


@pytest.mark.django_db
def test_counting_off_counts_nothing():
    tally_module.tally.take()
    with override_settings(SUPPORTSCOPE_ANALYTICS=False):
        record(1, [("start", "", "")])
    assert tally_module.tally.peek() == {}
    record(1, [("start", "", "")])
    assert sum(tally_module.tally.take().values()) == 1


class Refused:
    def __call__(self, execute, sql, params, many, context):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


@pytest.mark.django_db
def test_a_failed_flush_keeps_the_counts_with_one_log_line_and_writes_them_later(caplog):
    source = Tally()
    flusher = Flusher(source)
    source.add(1, [("start", "", "")])
    caplog.set_level(logging.INFO, logger="supportscope.analytics")
    with connection.execute_wrapper(Refused()):
        assert flusher.flush() is False
        source.add(1, [("start", "", "")])
        assert flusher.flush() is False
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1  # said once, not at every interval
    assert "Connection refused" in warnings[0].getMessage()
    assert "2 kept" not in warnings[0].getMessage()
    assert sum(source.peek().values()) == 2
    assert flusher.flush() is True
    assert table() == {("start", "", ""): 2}
    assert "written again" in caplog.records[-1].getMessage()


@pytest.mark.django_db
def test_counts_that_no_longer_fit_are_dropped_with_a_log_line(caplog):
    source = Tally(max_keys=1)
    flusher = Flusher(source)
    flusher.failing = True  # the database has been down for a while: no repeated warning
    source.add(1, [("start", "", "")])

    def busy_and_refused(execute, sql, params, many, context):
        source.add(1, [("shown", "component", "")])  # a request counts meanwhile
        raise OperationalError("connection refused")

    with connection.execute_wrapper(busy_and_refused):
        assert flusher.flush() is False
    assert source.peek() == {(today(), 1, "shown", "component", ""): 1}
    assert "0 kept for the next try, 1 dropped" in caplog.records[-1].getMessage()


@pytest.mark.django_db
def test_rows_older_than_the_retention_are_deleted_by_the_first_flush_of_a_day():
    old = DAY - timedelta(days=401)
    Counter.objects.create(day=old, revision=1, kind="start", n=4)
    Counter.objects.create(day=DAY - timedelta(days=399), revision=1, kind="start", n=5)
    assert prune(400, now=DAY) == 1
    assert list(Counter.objects.values_list("n", flat=True)) == [5]
    Counter.objects.create(day=date(2000, 1, 1), revision=1, kind="start", n=1)
    flusher = Flusher(Tally())
    assert flusher.flush() is True
    assert not Counter.objects.filter(day=date(2000, 1, 1)).exists()
    assert flusher.pruned_on == today()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not POSTGRES, reason="needs DATABASE_URL=postgres://… (the concurrency test)")
def test_two_writers_flushing_the_same_keys_at_once_on_postgresql_lose_nothing():
    keys = [(DAY, 3, "answer", "component", f"v{i}") for i in range(40)]
    rounds = 30
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(order: list) -> None:
        try:
            for _ in range(rounds):
                barrier.wait()
                write(dict.fromkeys(order, 1))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    # Opposite orders: without sorted writes, two transactions could deadlock.
    threads = [
        threading.Thread(target=writer, args=(keys,)),
        threading.Thread(target=writer, args=(list(reversed(keys)),)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert Counter.objects.count() == len(keys)
    assert set(Counter.objects.values_list("n", flat=True)) == {2 * rounds}


def test_a_stopping_process_does_not_wait_long_for_a_write_under_way(caplog):
    flusher = Flusher(Tally())
    flusher._lock.acquire()  # the background thread is writing to a server that hangs
    try:
        assert flusher.flush(wait=0.05) is False
    finally:
        flusher._lock.release()
    assert "still under way" in caplog.records[-1].getMessage()
