"""The production rehearsal (bench/rehearse.py): nginx, two instances, rolling restarts.

It runs only where nginx, wrk and a PostgreSQL server with the role in
REHEARSE_DATABASE_URL are present (CI's PostgreSQL pass); elsewhere it skips and says why.
Short on purpose: 2 rolling rounds with 1 s pauses, about 20 s. ``make rehearse`` runs
the longer version whose figures docs/operating.md gives.
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.parse

import pytest

from bench import rehearse

DATABASE_URL = os.environ.get("REHEARSE_DATABASE_URL") or rehearse.DEFAULT_DATABASE


def missing() -> str | None:
    for program in ("nginx", "wrk"):
        if shutil.which(program) is None and not os.path.exists(f"/usr/sbin/{program}"):
            return f"{program} is not installed (.ci/run installs it)"
    try:
        import psycopg

        server = urllib.parse.urlsplit(DATABASE_URL)._replace(path="/postgres").geturl()
        with psycopg.connect(server, connect_timeout=3):
            pass
    except Exception as error:
        return f"no PostgreSQL server for {DATABASE_URL.split('@')[-1]}: {error}"
    return None


MISSING = missing()
# serial: nginx, two gunicorns and wrk take the machine, and the edit must be served in time.
pytestmark = [
    pytest.mark.rehearsal,
    pytest.mark.serial,
    pytest.mark.skipif(MISSING is not None, reason=str(MISSING)),
]


def test_two_rolling_restarts_under_load_fail_no_request_and_an_edit_is_served_everywhere():
    result = rehearse.rehearse(DATABASE_URL, rounds=2, connections=4, pause=1.0, baseline_s=0)
    load = result["load"]
    assert load["requests"] > 1000, load
    assert load["failed"] == 0, json.dumps(result, indent=1)
    assert [(e["round"], e["instance"]) for e in result["restarts"]] == [
        (1, "pod-a"),
        (1, "pod-b"),
        (2, "pod-a"),
        (2, "pod-b"),
    ]
    edit = result["admin_edit"]
    assert edit["served_by_the_other"] is True, edit
    assert edit["revision_after"] == edit["revision_before"] + 1


def test_the_rehearsal_refuses_to_drop_a_database_that_is_not_its_own():
    other = urllib.parse.urlsplit(DATABASE_URL)._replace(path="/app").geturl()
    with pytest.raises(rehearse.BenchError, match="refusing to drop 'app'"):
        rehearse.fresh_database(other)
