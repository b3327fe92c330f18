"""Measurements taken inside a Django process, run by ``bench.run`` as a subprocess.

``python -m bench.inprocess queries PATH...`` counts the database queries of one warm
request to each path with Django's test client, and checks that ``/policy/`` is
served from the document rendered once per policy revision.

``python -m bench.inprocess scale`` builds the synthetic tree of 10,000 questions and
10,000 verdicts: compile time from plain data and from the database, and the time to
resolve every path.

``python -m bench.inprocess suggest`` times ``POST /api/v1/suggest`` with a ticket of
5,000 characters (English and Korean): the server time of the request in process,
and the suggester alone.

Each prints one JSON object on the last line of stdout. The environment (settings,
database) is the one the benchmark serves the app with.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from typing import Any

import django


def _setup() -> None:
    django.setup()


def queries(paths: list[str]) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from supportscope.core.languages import CODES
    from supportscope.policy import document
    from supportscope.policy.snapshot import warm_up

    warm_up()  # as wsgi.py does in every server process: compile, start the watcher
    client = Client(headers={"host": "127.0.0.1", "x-forwarded-proto": "https"})
    result: dict[str, Any] = {}
    for path in paths:
        for _ in range(2):  # warm: compile the snapshot, render the document
            client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        result[path] = {
            "status": response.status_code,
            "queries": len(captured),
            "sql": [query["sql"][:200] for query in captured],
        }
    # /policy/ once warm must not render a single section again.
    rendered = 0
    section = document._section

    def counting(*args: Any, **kwargs: Any) -> str:
        nonlocal rendered
        rendered += 1
        return section(*args, **kwargs)

    document._section = counting
    try:
        for lang in CODES:
            client.get("/policy/", {"lang": lang})
            client.get("/policy/", {"lang": lang})
        rendered_before = rendered
        for lang in CODES:
            client.get("/policy/", {"lang": lang})
    finally:
        document._section = section
    result["policy_prerendered"] = rendered == rendered_before
    return result


def _best_of(times: int, func: Any) -> tuple[float, Any]:
    best, value = float("inf"), None
    for _ in range(times):
        started = time.perf_counter()
        value = func()
        best = min(best, time.perf_counter() - started)
    return best, value


def scale() -> dict[str, Any]:
    from bench.synthetic import CLAUSES, MODIFIER, expected, make_tree
    from supportscope.core.engine import build_tree, resolve

    data = make_tree(10_000, 10_000)
    build_s, tree = _best_of(3, lambda: build_tree(data, clauses=CLAUSES))
    times = []
    for answers, _verdict in expected(data):
        full = {**answers, MODIFIER: "preview"}
        best, _ = _best_of(3, lambda full=full: resolve(tree, full))
        times.append(best)
    times.sort()
    result: dict[str, Any] = {
        "questions": len(tree.nodes),
        "verdicts": len(tree.verdicts) - 1,
        "paths": len(times),
        "build_tree_s": round(build_s, 3),
        "resolve_mean_us": round(statistics.mean(times) * 1e6, 1),
        "resolve_p99_us": round(times[int(len(times) * 0.99)] * 1e6, 1),
        "resolve_max_us": round(times[-1] * 1e6, 1),
    }
    result.update(_compile_from_database(data))
    return result


def _compile_from_database(data: dict[str, Any]) -> dict[str, Any]:
    """Store the tree in a throwaway database of the same engine and compile it from there."""
    from django.conf import settings
    from django.db import connection

    from bench.synthetic import store_tree
    from supportscope.policy.snapshot import compile_snapshot
    from supportscope.policy.store import current_revision

    db: dict[str, Any] = settings.DATABASES["default"]
    db.setdefault("TEST", {})
    if db["ENGINE"].endswith("sqlite3"):
        db["TEST"]["NAME"] = str(settings.BASE_DIR / "var" / "bench" / "scale.sqlite3")
    else:
        db["TEST"]["NAME"] = f"{db['NAME']}_bench_scale"
    try:
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    except Exception as error:  # report why instead of failing the whole benchmark
        return {"compile_from_database": f"skipped: cannot create a scratch database ({error})"}
    try:
        started = time.perf_counter()
        store_tree(data)
        stored_s = time.perf_counter() - started
        compile_s, snapshot = _best_of(3, lambda: compile_snapshot(current_revision()))
        assert len(snapshot.tree.nodes) == len(data["nodes"])  # noqa: S101
        return {
            "compile_from_database_s": round(compile_s, 3),
            "database_load_s": round(stored_s, 1),
            "database": connection.vendor,
        }
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def suggest() -> dict[str, Any]:
    from django.test import Client

    from bench.tickets import ENGLISH, KOREAN
    from supportscope.core.vocabulary import suggest_answers
    from supportscope.policy.snapshot import get_snapshot

    client = Client(headers={"host": "127.0.0.1", "x-forwarded-proto": "https"})
    tree = get_snapshot().tree
    result: dict[str, Any] = {}
    for lang, text in (("en", ENGLISH), ("ko", KOREAN)):
        body = json.dumps({"text": text, "lang": lang})

        def post(body: str = body) -> int:
            response = client.post("/api/v1/suggest", body, content_type="application/json")
            return response.status_code

        post()  # warm: snapshot, term patterns
        times = []
        for _ in range(50):
            best, status = _best_of(1, post)
            assert status == 200  # noqa: S101
            times.append(best)
        times.sort()
        alone, _found = _best_of(20, lambda text=text: suggest_answers(tree, text))
        result[lang] = {
            "chars": len(text),
            "request_median_ms": round(statistics.median(times) * 1000, 2),
            "request_p90_ms": round(times[int(len(times) * 0.9)] * 1000, 2),
            "suggester_best_ms": round(alone * 1000, 2),
        }
    return result


def main(argv: list[str]) -> None:
    _setup()
    command, *rest = argv
    if command == "queries":
        output = queries(rest)
    elif command == "scale":
        output = scale()
    elif command == "suggest":
        output = suggest()
    else:
        raise SystemExit(f"unknown command {command!r}; use queries, scale or suggest")
    print(json.dumps(output))


if __name__ == "__main__":
    main(sys.argv[1:])
