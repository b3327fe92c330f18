"""Run by tests/test_freshness.py in a process of its own, on a SQLite file.

``python -m tests.freshness_probe`` (DATABASE_URL names a fresh SQLite file): migrates,
starts serving as wsgi.py does (warm_up), and prints one JSON line: the queries of a
warm request, of the first request after another connection committed a new revision,
and of the request after that, with the revision each one was served.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time

import django


def main() -> None:
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from supportscope.policy import freshness
    from supportscope.policy.snapshot import cache, warm_up

    call_command("migrate", verbosity=0)
    warm_up()
    client = Client()
    path = "/api/v1/verdict?component=ingress&ingress=nginx"

    def request() -> dict[str, object]:
        with CaptureQueriesContext(connection) as captured:
            status = client.get(path).status_code
        held = cache.peek()
        return {
            "status": status,
            "queries": len(captured),
            "revision": held.revision if held else None,
        }

    request()
    request()
    warm = request()
    other = sqlite3.connect(settings.DATABASES["default"]["NAME"])
    with other:
        other.execute("UPDATE policy_policystate SET revision = revision + 1 WHERE id = 1")
    other.close()
    time.sleep(freshness.POLL_SECONDS * 2)
    after_change = request()
    after_that = request()
    result = {"warm": warm, "after_change": after_change, "after_that": after_that}
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
