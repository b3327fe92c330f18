"""Freshness without a query per request (supportscope/policy/freshness.py).

The snapshot cache checks the database only when its watcher reports a possible change,
when the next scheduled publication falls due, or when no watcher can be trusted. The
watchers themselves are tested on real databases: a SQLite file here, and PostgreSQL
(LISTEN/NOTIFY, two app servers, a listener killed with pg_terminate_backend) when
DATABASE_URL names one.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.run import free_port
from supportscope.policy import freshness
from supportscope.policy.editing.drafts import open_draft, schedule_draft
from supportscope.policy.models import Clause, Draft, PolicyState
from supportscope.policy.snapshot import cache, get_snapshot
from supportscope.policy.store import record_revision
from supportscope.web.pagecache import pages

ROOT = Path(__file__).resolve().parent.parent
API = "/api/v1/verdict?component=ingress&ingress=nginx"
POSTGRES = connection.vendor == "postgresql"


class FakeWatcher(freshness.Watcher):
    """A watcher the test drives: ``healthy`` and ``bump`` as a listener would."""

    def __init__(self) -> None:
        super().__init__()
        self.healthy = True

    def changes(self) -> int | None:
        return self._count if self.healthy else None


@pytest.fixture
def watcher(monkeypatch):
    fake = FakeWatcher()
    monkeypatch.setattr(freshness, "current", lambda: fake)
    monkeypatch.setattr(freshness, "changes", fake.changes)
    pages.clear()
    yield fake
    pages.clear()


@contextmanager
def counted():
    with CaptureQueriesContext(connection) as captured:
        yield captured


class Refused:
    def __call__(self, execute, sql, params, many, context):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


# -- the cache with a watcher --------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_warm_request_makes_no_query_while_the_watcher_reports_no_change(client, watcher):
    client.get(API)
    client.get(API)
    with counted() as captured:
        assert client.get(API).status_code == 200
        assert client.get("/policy/").status_code == 200
    assert len(captured) == 0


@pytest.mark.django_db(transaction=True)
def test_a_reported_change_costs_one_check_and_serves_the_new_revision(client, watcher):
    held = get_snapshot()
    client.get(API)
    PolicyState.objects.filter(pk=1).update(revision=held.revision + 1)
    assert get_snapshot().revision == held.revision  # nobody said anything: no query
    watcher.bump()
    with counted() as captured:
        assert client.get(API).status_code == 200
    assert captured[0]["sql"].startswith("SELECT revision, next_publication")
    assert cache.peek().revision == held.revision + 1
    with counted() as captured:
        client.get(API)
    assert len(captured) == 0


@pytest.mark.django_db(transaction=True)
def test_a_revision_recorded_in_this_process_is_seen_at_once(client, watcher, monkeypatch):
    monkeypatch.setattr(freshness, "_watcher", watcher)
    monkeypatch.setattr(freshness, "_pid", os.getpid())
    held = get_snapshot()
    with transaction.atomic():
        record_revision(None, "test", [])
    assert get_snapshot().revision == held.revision + 1


@pytest.mark.django_db(transaction=True)
def test_an_untrusted_watcher_means_a_check_on_every_request_which_also_finds_an_outage(
    client, watcher, monkeypatch
):
    monkeypatch.setattr(cache, "retry_base", 0.0)
    held = get_snapshot()
    client.get(API)
    watcher.healthy = False  # the listener lost its connection
    with counted() as captured:
        client.get(API)
        client.get(API)
    assert len(captured) == 2
    with connection.execute_wrapper(Refused()):
        answer = client.get(API)
    assert answer["SupportScope-Policy-Stale"] == str(held.revision)
    watcher.healthy = True  # back: the next check ends the outage
    watcher.bump()
    answer = client.get(API)
    assert "SupportScope-Policy-Stale" not in answer
    assert not cache.db_down
    with counted() as captured:
        client.get(API)
    assert len(captured) == 0


@pytest.mark.django_db(transaction=True)
def test_readyz_asks_the_database_even_when_the_watcher_is_quiet(client, watcher, monkeypatch):
    monkeypatch.setattr(cache, "retry_base", 0.0)
    client.get(API)
    with connection.execute_wrapper(Refused()):
        ready = client.get("/readyz")
    assert ready.status_code == 503
    assert "database unreachable" in ready.json()["reason"]
    assert client.get("/readyz").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_scheduled_draft_goes_live_at_the_first_request_after_its_time_kept_in_memory(
    client, watcher, monkeypatch
):
    draft = open_draft("Later", user=None)
    now = timezone.now()
    schedule_draft(draft.pk, now + timedelta(hours=1), now=now)
    watcher.bump()  # the schedule moved the policy row
    client.get(API)
    with counted() as captured:
        client.get(API)
    assert len(captured) == 0  # the due time is in memory: nothing to ask yet
    later = now + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.get(API).status_code == 200
    assert Draft.objects.get(pk=draft.pk).state == Draft.PUBLISHED
    client.get(API)
    with counted() as captured:
        client.get(API)
    assert len(captured) == 0  # nothing scheduled any more


@pytest.mark.django_db
def test_inside_a_transaction_a_check_holds_for_its_request_only(client, watcher):
    get_snapshot()
    with counted() as captured:
        get_snapshot()
    assert len(captured) == 1  # the test's transaction may roll back what it saw


def test_no_watcher_is_made_before_start_or_for_an_in_memory_database():
    freshness.stop()
    assert freshness.current() is None
    assert freshness.changes() is None
    freshness.start()
    try:
        assert connection.vendor != "sqlite" or freshness.current() is None
    finally:
        freshness.stop()


# -- SQLite: PRAGMA data_version on a kept connection ---------------------------------------


def test_sqlite_watcher_counts_commits_of_other_connections_only(tmp_path, monkeypatch):
    monkeypatch.setattr(freshness, "POLL_SECONDS", 0.0)
    path = tmp_path / "watched.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (x INTEGER)")
    watcher = freshness.SqliteWatcher(str(path))
    first = watcher.changes()
    assert first is not None
    assert watcher.changes() == first  # nothing committed: same count
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO t VALUES (1)")
    assert watcher.changes() == first + 1
    assert watcher.changes() == first + 1
    watcher.stop()


def test_sqlite_watcher_reads_data_version_at_most_every_poll_interval(tmp_path, monkeypatch):
    path = tmp_path / "watched.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (x INTEGER)")
    watcher = freshness.SqliteWatcher(str(path))
    first = watcher.changes()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO t VALUES (1)")
    assert watcher.changes() == first  # within the interval: the number held
    time.sleep(freshness.POLL_SECONDS * 1.5)
    assert watcher.changes() == first + 1
    watcher.stop()


def test_sqlite_watcher_that_cannot_read_the_file_is_not_trusted(tmp_path):
    watcher = freshness.SqliteWatcher(str(tmp_path / "missing.sqlite3"))
    assert watcher.changes() is None


def test_a_warm_request_on_a_sqlite_file_makes_no_query_and_sees_another_connections_commit(
    tmp_path,
):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.freshness_probe"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["warm"]["status"] == 200
    assert result["warm"]["queries"] == 0
    assert result["after_change"]["queries"] >= 1
    assert result["after_change"]["revision"] == result["warm"]["revision"] + 1
    assert result["after_that"]["queries"] == 0


# -- PostgreSQL: LISTEN/NOTIFY ---------------------------------------------------------------

postgres = pytest.mark.skipif(
    not POSTGRES, reason="needs DATABASE_URL=postgres://... (LISTEN/NOTIFY)"
)


@contextmanager
def listening():
    freshness.start()
    try:
        watcher = freshness.current()
        assert isinstance(watcher, freshness.PostgresListener)
        assert watcher.wait_until_healthy(10)
        yield watcher
    finally:
        freshness.stop()


def wait_for(condition, timeout: float) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not within {timeout} s")
        time.sleep(0.01)
    return time.monotonic() - started


def other_connection():
    import psycopg

    params = dict(connection.get_connection_params())
    for key in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(key, None)
    return psycopg.connect(**params, autocommit=True)


@pytest.mark.postgres
@postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_warm_request_makes_no_query_and_a_notify_brings_the_change(client):
    with listening() as watcher:
        held = get_snapshot()
        client.get(API)
        client.get(API)
        with counted() as captured:
            client.get(API)
            client.get("/policy/")
        assert len(captured) == 0
        before = watcher.changes()
        with other_connection() as other:
            other.execute("UPDATE policy_policystate SET revision = revision + 1 WHERE id = 1")
        wait_for(lambda: watcher.changes() != before, 1.0)
        client.get(API)
        assert cache.peek().revision == held.revision + 1


@pytest.mark.postgres
@postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_listener_killed_falls_back_to_checking_and_recovers(client):
    with listening() as watcher:
        client.get(API)
        client.get(API)
        pid = watcher.backend_pid()
        params = watcher.params
        # Hold the listener off its server until the fallback has been seen.
        watcher.params = {**params, "port": str(free_port())}
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        wait_for(lambda: not watcher.healthy, 3.0)
        for _ in range(2):  # fallback: every request checks while it is away
            with counted() as captured:
                answer = client.get(API)
            assert len(captured) == 1
            assert "SupportScope-Policy-Stale" not in answer
        watcher.params = params
        wait_for(lambda: watcher.healthy, 5.0)
        assert watcher.backend_pid() != pid
        client.get(API)  # the reconnection counts as a change: one check
        with counted() as captured:
            client.get(API)
        assert len(captured) == 0


def _gunicorn(port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "supportscope.wsgi:application",
             "--workers", "1", "--bind", f"127.0.0.1:{port}", "--timeout", "30"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip


def _get(url: str) -> tuple[int, str]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - local
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return 0, ""


@pytest.mark.postgres
@pytest.mark.serial  # two servers, and a one-second deadline
@postgres
@pytest.mark.django_db(transaction=True)
def test_an_edit_is_served_by_two_app_servers_within_one_second(tmp_path):
    settings_dict = connection.settings_dict
    url = (
        f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD']}@"
        f"{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}/"
        f"{settings_dict['NAME']}"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": url}
    ports = [free_port(), free_port()]
    servers = [_gunicorn(port, env, tmp_path / f"server{port}.log") for port in ports]
    try:
        for port in ports:
            wait_for(lambda port=port: _get(f"http://127.0.0.1:{port}/readyz")[0] == 200, 60)
        # Both listen (so neither checks per request), and both hold the policy page.
        with connection.cursor() as cursor:

            def listeners() -> int:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE application_name = %s AND datname = %s",
                    [freshness.LISTENER_NAME, settings_dict["NAME"]],
                )
                return cursor.fetchone()[0]

            wait_for(lambda: listeners() >= 2, 10)
        for port in ports:
            for _ in range(3):
                _get(f"http://127.0.0.1:{port}/policy/")
        clause = Clause.objects.order_by("pk").first()
        marker = "Freshness marker 4711"
        assert all(marker not in _get(f"http://127.0.0.1:{p}/policy/")[1] for p in ports)
        with transaction.atomic():
            Clause.objects.filter(pk=clause.pk).update(
                body_en=f"{clause.body_en} {marker}.", html_en=f"<p>{marker}.</p>"
            )
            record_revision(None, "freshness test", [])
        committed = time.monotonic()
        for port in ports:
            wait_for(lambda p=port: marker in _get(f"http://127.0.0.1:{p}/policy/")[1], 1.0)
            assert time.monotonic() - committed < 1.0
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)
