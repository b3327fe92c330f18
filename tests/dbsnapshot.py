"""A fast reset of the test database after a transactional test.

Django empties the database after a transactional test (``flush``) and its post-migrate
hook then loads the shipped policy from ``policy_content/`` again: a second or more per
test. Instead, the database as ``migrate`` left it (the shipped policy, content types and
permissions) is copied once per test process, and after a transactional test the tables
are emptied and the copy is put back in their place, in one transaction:

* SQLite: the whole database is copied with SQLite's backup API, into memory and back;
* PostgreSQL: each table is copied into a schema of its own (``dbsnapshot``, outside the
  search path, so Django never sees it), then truncated and refilled with one
  ``INSERT ... SELECT`` per table.

Every test that follows finds the database as the first test of the run found it.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

SCHEMA = "dbsnapshot"

_sqlite_copies: dict[str, sqlite3.Connection] = {}
_postgres_tables: dict[str, list[str]] = {}


def take(alias: str = "default") -> None:
    """Copy the database of ``alias`` as it is now (once, after ``migrate``)."""
    connection = connections[alias]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        _sqlite_copies[alias] = copy
    elif connection.vendor == "postgresql":
        tables = connection.introspection.django_table_names(only_existing=True)
        quote = connection.ops.quote_name
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
            cursor.execute(f"CREATE SCHEMA {SCHEMA}")
            for table in tables:
                cursor.execute(f"CREATE TABLE {SCHEMA}.{quote(table)} AS TABLE {quote(table)}")
        _postgres_tables[alias] = tables
    else:
        raise NotImplementedError(f"no database snapshot for {connection.vendor}")


def taken(alias: str = "default") -> bool:
    return alias in _sqlite_copies or alias in _postgres_tables


def restore(alias: str = "default") -> None:
    """Put the copy back: the database is as it was when :func:`take` ran."""
    connection = connections[alias]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        _restore_sqlite(connection, _sqlite_copies[alias])
    else:
        _restore_postgres(connection, _postgres_tables[alias])


def _restore_sqlite(connection: BaseDatabaseWrapper, copy: sqlite3.Connection) -> None:
    raw: Any = connection.connection
    if raw.in_transaction:
        raw.commit()
    # As after Django's flush, new rows get ids never used before: keep the counters.
    counters = raw.execute("SELECT name, seq FROM sqlite_sequence").fetchall()
    copy.backup(raw)
    with raw:
        for name, seq in counters:
            updated = raw.execute(
                "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?", (seq, name)
            )
            if not updated.rowcount:
                raw.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (name, seq))


def _restore_postgres(connection: BaseDatabaseWrapper, tables: list[str]) -> None:
    quote = connection.ops.quote_name
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        # Not RESTART IDENTITY: as after Django's flush, new rows get ids never used before.
        cursor.execute(f"TRUNCATE {', '.join(quote(table) for table in tables)}")
        for table in tables:  # the names are Django's own tables, quoted
            copy = f"{SCHEMA}.{quote(table)}"
            cursor.execute(f"INSERT INTO {quote(table)} SELECT * FROM {copy}")  # noqa: S608
