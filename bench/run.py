"""The benchmark: SupportScope against bare Django, under gunicorn, loaded by wrk.

``python -m bench`` (or ``make bench``):

1. migrates a fresh SQLite database in ``var/bench/`` (or the PostgreSQL database that
   ``DATABASE_URL`` names) and collects the static files into ``var/static``;
2. counts the queries of one warm request to each page, in process;
3. serves SupportScope, the bare Django project in ``bench/baseline`` and a frameworkless
   WSGI hello (``bench/baseline/hello.py``, the physical limit) side by side, each with
   gunicorn, 2 sync workers, production settings (debug off, HTTPS
   redirect on: the load generator sends ``X-Forwarded-Proto: https`` like a proxy,
   and ``Accept-Encoding: gzip, deflate, br`` like every browser, to every target);
4. loads every target with wrk, each run next to a run of bare Django (in turn
   before and after it), in rounds and in a rotating order, so that other work on
   the machine hits both alike; reports requests per second as a ratio to bare
   Django (the median of the pairs' ratios), and to the WSGI hello (the ratio of the
   two ratios, column ``/hello``), p50 and p99 latency;
5. measures the bytes of each page, with gzip, and for the triage page with every
   script and stylesheet it loads; reads the workers' RSS after the run;
6. times the synthetic 10,000-question tree (``bench.inprocess scale``);
7. prints a table, compares it with the previous run, writes
   ``bench/results/latest.json`` and exits non-zero when a target is missed.

``python -m bench --soak`` loads the verdict page, the API and ``/policy/`` for 60 s
at 32 connections and reports requests, errors, non-2xx answers and the workers' RSS
before and after.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VAR = ROOT / "var" / "bench"
RESULTS = BENCH / "results"
REFERENCE = BENCH / "reference.json"
WRK_DIR = BENCH / "wrk"
PROXY_HEADER = "X-Forwarded-Proto: https"
BROWSER_HEADER = "Accept-Encoding: gzip, deflate, br"  # what every browser sends
STALE_HEADER = "supportscope-policy-stale"  # as fetch() gives header names: lower case
WORKERS = 2

# name -> path. The baseline is served by the bare Django project.
TARGETS = {
    "triage start": "/triage/",
    "triage verdict": "/triage/?component=ingress&ingress=nginx",
    "verdict API": "/api/v1/verdict?component=ingress&ingress=nginx",
    "policy": "/policy/",
    "embed": "/triage/?embed=1&component=ingress&ingress=nginx",
}
BASELINE = "bare Django"
# A frameworkless WSGI hello under the same gunicorn: the physical limit (bench/baseline/hello.py).
LIMIT = "WSGI hello"
SOAK_PATHS = [TARGETS["triage verdict"], TARGETS["verdict API"], TARGETS["policy"]]

# Targets of the issues (#7, #15). Ratios are to bare Django's requests per second.
MIN_RATIO = dict.fromkeys(TARGETS, 0.90)
MAX_QUERIES = dict.fromkeys(TARGETS, 0)
MAX_TRIAGE_GZIP_BYTES = 60 * 1024
MAX_RSS_MB = 80.0
MAX_RESOLVE_US = 1000.0
MAX_COMPILE_S = 2.0
MAX_SUGGEST_MS = 5.0  # POST /api/v1/suggest with a 5,000-character ticket, server time


class BenchError(Exception):
    """Something the user must fix before the benchmark can run."""


# -- processes ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def app_environment() -> dict[str, str]:
    env = dict(os.environ)
    database_url = env.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        database_url = f"sqlite:///{VAR / 'app.sqlite3'}"  # absolute: sqlite:////...
    env.update(
        DJANGO_SETTINGS_MODULE="supportscope.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        PYTHONPATH=str(ROOT),
    )
    return env


def baseline_environment(app_env: dict[str, str]) -> dict[str, str]:
    return {
        **app_env,
        "DJANGO_SETTINGS_MODULE": "bench.baseline.settings",
        "BENCH_BASELINE_DB": str(VAR / "baseline.sqlite3"),
    }


def run_python(env: dict[str, str], args: list[str], what: str) -> str:
    """Run this Python on ``args`` from the project folder; its stdout, or BenchError."""
    completed = subprocess.run(
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise BenchError(f"{what} failed:\n{completed.stderr[-3000:]}")
    return completed.stdout


def manage(env: dict[str, str], *args: str) -> None:
    run_python(env, [str(ROOT / "manage.py"), *args], f"manage.py {' '.join(args)}")


def prepare(env: dict[str, str]) -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    if env["DATABASE_URL"].startswith("sqlite:"):
        (VAR / "app.sqlite3").unlink(missing_ok=True)
    manage(env, "migrate", "--noinput")  # a fresh database loads the shipped policy
    manage(env, "collectstatic", "--noinput", "--clear")


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        return child_pids(self.process.pid)


@contextlib.contextmanager
def gunicorn(name: str, wsgi: str, env: dict[str, str], ready_path: str) -> Iterator[Server]:
    """Serve ``wsgi`` with the same gunicorn settings for every server of the run."""
    port = free_port()
    log = VAR / f"{name.replace(' ', '-')}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", wsgi,
                "--workers", str(WORKERS),
                "--worker-class", "sync",
                "--bind", f"127.0.0.1:{port}",
                "--backlog", "2048",
                "--timeout", "30",
            ],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = Server(name, port, process, log)
    try:
        wait_until_ready(server, ready_path)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_ready(server: Server, path: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise BenchError(f"{server.name} exited; see {server.log}")
        with contextlib.suppress(OSError):
            if fetch(server.url + path).status == 200 and len(server.workers()) == WORKERS:
                return
        time.sleep(0.2)
    raise BenchError(
        f"{server.name} did not answer {path} within {timeout:.0f} s; see {server.log}"
    )


def child_pids(parent: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            # pid (comm) state ppid ...; comm may contain spaces and parentheses
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == parent:
                children.append(int(stat.parent.name))
    return sorted(children)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def workers_rss(server: Server) -> list[float]:
    return [round(rss_mb(pid), 1) for pid in server.workers()]


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def workers_cpu_seconds(server: Server) -> float:
    """User and system CPU time the workers used so far."""
    total = 0
    for pid in server.workers():
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


# -- HTTP -----------------------------------------------------------------------------


@dataclass
class Fetched:
    status: int
    body: bytes
    headers: dict[str, str]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, gzip_ok: bool = False, cookie: str = "") -> Fetched:
    request = urllib.request.Request(url)
    request.add_header("X-Forwarded-Proto", "https")
    request.add_header("Accept-Encoding", "gzip" if gzip_ok else "identity")
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with _opener.open(request, timeout=10) as response:
            return Fetched(response.status, response.read(), _lower(response.headers))
    except urllib.error.HTTPError as error:
        return Fetched(error.code, error.read(), _lower(error.headers))


def _lower(headers: Any) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


class _Assets(HTMLParser):
    """The scripts, stylesheets and icons a page loads."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "script" and attr.get("src"):
            self.urls.append(attr["src"] or "")
        rel = (attr.get("rel") or "").split()
        if tag == "link" and attr.get("href") and ({"stylesheet", "icon", "preload"} & set(rel)):
            self.urls.append(attr["href"] or "")


def page_weight(server: Server, path: str) -> dict[str, Any]:
    """The page and what it loads: bytes as sent, and with gzip (level 6, as a proxy would)."""
    page = fetch(server.url + path)
    parser = _Assets()
    parser.feed(page.body.decode("utf-8", "replace"))
    assets: list[dict[str, Any]] = []
    for url in dict.fromkeys(parser.urls):
        if not url.startswith("/"):
            raise BenchError(f"{path} loads {url}, which is not served by the app")
        plain = fetch(server.url + url)
        zipped = fetch(server.url + url, gzip_ok=True)
        compressed = zipped.headers.get("content-encoding") == "gzip"
        assets.append(
            {
                "url": url,
                "bytes": len(plain.body),
                "gzip_bytes": len(zipped.body) if compressed else len(gzip.compress(plain.body)),
                "served_gzipped": compressed,
            }
        )
    html_gzip = len(gzip.compress(page.body, compresslevel=6))
    return {
        "bytes": len(page.body),
        "gzip_bytes": html_gzip,
        "assets": assets,
        "total_bytes": len(page.body) + sum(a["bytes"] for a in assets),
        "total_gzip_bytes": html_gzip + sum(a["gzip_bytes"] for a in assets),
    }


# -- load -----------------------------------------------------------------------------


def require_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise BenchError(
            "wrk is not installed; the benchmark installs nothing itself. "
            "On Debian or Ubuntu: apt-get install -y wrk"
        )
    return wrk


def run_wrk(
    wrk: str, url: str, seconds: int, connections: int, script: str, *args: str
) -> dict[str, Any]:
    command = [
        wrk, "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
        "-H", PROXY_HEADER, "-H", BROWSER_HEADER, "-s", str(WRK_DIR / script), url,
    ]  # fmt: skip
    if args:
        command += ["--", *args]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    line = next((ln for ln in completed.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if completed.returncode != 0 or line is None:
        raise BenchError(f"wrk failed on {url}:\n{completed.stdout}\n{completed.stderr}")
    result: dict[str, Any] = json.loads(line.removeprefix("BENCH_JSON "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "timeout"))
    return result


def load_rounds(
    wrk: str,
    servers: dict[str, Server],
    baseline_url: str,
    targets: dict[str, str],
    rounds: int,
    seconds: int,
    connections: int,
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[float]]]:
    """Load each target right next to a run of bare Django, and keep the pair's ratio.

    Other work on the machine comes and goes over seconds; pairing each target with
    an adjacent baseline run (first one, then the other, in turn) keeps that noise
    out of the ratio far better than comparing against a baseline run minutes away.
    """
    names = list(targets)
    runs: dict[str, list[dict[str, Any]]] = {BASELINE: [], **{name: [] for name in names}}
    ratios: dict[str, list[float]] = {name: [] for name in names}
    for number in range(rounds):
        order = names[number % len(names) :] + names[: number % len(names)]
        print(f"  round {number + 1}/{rounds}: " + ", ".join(order), flush=True)
        for index, name in enumerate(order):
            pair = [(BASELINE, baseline_url), (name, targets[name])]
            if (number + index) % 2:
                pair.reverse()
            measured = {}
            for label, url in pair:
                server = servers[label if label in servers else "app"]
                cpu_before = workers_cpu_seconds(server)
                measured[label] = run_wrk(wrk, url, seconds, connections, "summary.lua")
                measured[label]["worker_cpu_s"] = workers_cpu_seconds(server) - cpu_before
                runs[label].append(measured[label])
            ratios[name].append(measured[name]["rps"] / measured[BASELINE]["rps"])
    return runs, ratios


def summarise(
    runs: dict[str, list[dict[str, Any]]], ratios: dict[str, list[float]]
) -> dict[str, dict[str, Any]]:
    summary = {}
    for name, results in runs.items():
        pairs = ratios.get(name, [1.0])
        summary[name] = {
            "rps": round(statistics.median(r["rps"] for r in results), 1),
            "ratio": round(statistics.median(pairs), 3),
            "p50_ms": round(statistics.median(r["p50_us"] for r in results) / 1000, 2),
            "p99_ms": round(statistics.median(r["p99_us"] for r in results) / 1000, 2),
            "requests": sum(r["requests"] for r in results),
            "errors": sum(r["errors"] for r in results),
            "non_2xx": sum(r["status"] for r in results),
            # Worker CPU per request: steadier than req/s while other work shares the machine.
            "cpu_us": round(
                sum(r["worker_cpu_s"] for r in results) / sum(r["requests"] for r in results) * 1e6
            ),
            "pair_ratios": [round(x, 3) for x in pairs],
        }
    return summary


# -- in-process measurements ----------------------------------------------------------


def in_process(env: dict[str, str], *args: str) -> dict[str, Any]:
    stdout = run_python(env, ["-m", "bench.inprocess", *args], f"bench.inprocess {args[0]}")
    measured: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    return measured


# -- report ---------------------------------------------------------------------------


def git_revision() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + ("+dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def checks(result: dict[str, Any]) -> list[tuple[str, bool, str]]:
    out = []
    targets = result["targets"]
    for name, minimum in MIN_RATIO.items():
        ratio = targets[name]["ratio"]
        out.append((f"{name} >= {minimum:.2f} of bare Django", ratio >= minimum, f"{ratio:.2f}"))
    for name, maximum in MAX_QUERIES.items():
        count = targets[name]["queries"]
        out.append((f"{name}: <= {maximum} queries once warm", count <= maximum, str(count)))
    out.append(("/policy/ from pre-rendered HTML", result["policy_prerendered"], ""))
    weight = targets["triage start"]["weight"]["total_gzip_bytes"]
    out.append(
        (
            "triage page <= 60 KB with gzip, assets included",
            weight <= MAX_TRIAGE_GZIP_BYTES,
            f"{weight / 1024:.1f} KB",
        )
    )
    rss = max(result["rss_mb"]["app"]["after"])
    out.append((f"worker RSS < {MAX_RSS_MB:.0f} MB", rss < MAX_RSS_MB, f"{rss:.1f} MB"))
    errors = sum(t["errors"] + t["non_2xx"] for t in targets.values())
    out.append(("no errors and no non-2xx answers", errors == 0, str(errors)))
    scale = result.get("scale")
    if scale:
        out.append(
            (
                "10,000 questions: any path resolves < 1 ms",
                scale["resolve_max_us"] < MAX_RESOLVE_US,
                f"max {scale['resolve_max_us']:.0f} us",
            )
        )
        compile_s = scale.get("compile_from_database_s", scale["build_tree_s"])
        out.append(
            (
                "10,000 questions: compiles < 2 s",
                compile_s < MAX_COMPILE_S,
                f"{compile_s:.2f} s",
            )
        )
    suggest = result.get("suggest")
    if suggest:
        slowest = max(part["request_median_ms"] for part in suggest.values())
        out.append(
            (
                "5,000-character ticket suggested < 5 ms (median, server time)",
                slowest < MAX_SUGGEST_MS,
                f"{slowest:.2f} ms",
            )
        )
    return out


def print_table(result: dict[str, Any], previous: dict[str, Any] | None) -> None:
    rows = result["targets"]
    header = (
        f"{'target':<16} {'req/s':>8} {'ratio':>6} {'/hello':>6} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'CPU µs':>7} {'queries':>7} {'bytes':>7} {'gzip':>6} {'Δratio':>7}"
    )
    limit = rows.get(LIMIT, {}).get("ratio")
    print()
    print(header)
    print("-" * len(header))
    for name, row in rows.items():
        before = (previous or {}).get("targets", {}).get(name)
        delta = f"{row['ratio'] - before['ratio']:+.2f}" if before else ""
        weight = row.get("weight", {})
        of_limit = f"{row['ratio'] / limit:.2f}" if limit else "-"
        print(
            f"{name:<16} {row['rps']:>8.0f} {row['ratio']:>6.2f} {of_limit:>6} "
            f"{row['p50_ms']:>7.2f} {row['p99_ms']:>7.2f} {row['cpu_us']:>7} "
            f"{row.get('queries', '-')!s:>7} "
            f"{weight.get('bytes', '-')!s:>7} {weight.get('gzip_bytes', '-')!s:>6} {delta:>7}"
        )
    triage = rows["triage start"]["weight"]
    print(
        f"\ntriage page with its assets: {triage['total_bytes']} bytes, "
        f"{triage['total_gzip_bytes']} with gzip ("
        + ", ".join(f"{a['url'].rsplit('/', 1)[-1]} {a['gzip_bytes']}" for a in triage["assets"])
        + ")"
    )
    rss = result["rss_mb"]
    print(
        f"worker RSS after the run: app {rss['app']['after']} MB, "
        f"bare Django {rss['baseline']['after']} MB"
    )
    scale = result.get("scale")
    if scale:
        print(
            f"scale, {scale['questions']} questions / {scale['verdicts']} verdicts: "
            f"build_tree {scale['build_tree_s']} s, "
            f"compile from {scale.get('database', 'the database')} "
            f"{scale.get('compile_from_database_s', scale.get('compile_from_database'))} s, "
            f"resolve {scale['paths']} paths: mean {scale['resolve_mean_us']} us, "
            f"p99 {scale['resolve_p99_us']} us, max {scale['resolve_max_us']} us"
        )
    for lang, part in result.get("suggest", {}).items():
        print(
            f"suggest ({lang}, {part['chars']} chars): request median "
            f"{part['request_median_ms']} ms, p90 {part['request_p90_ms']} ms, "
            f"suggester alone {part['suggester_best_ms']} ms"
        )
    print()
    for label, ok, figure in result["checks"]:
        print(f"  [{'ok' if ok else 'MISSED'}] {label}" + (f": {figure}" if figure else ""))
    if previous:
        print(f"\n(Δratio: against {previous.get('source', 'the previous run')})")


def write_results(result: dict[str, Any], path: Path) -> dict[str, Any] | None:
    """Write ``path``; return the run it replaces (or the committed reference)."""
    previous = None
    if path.exists():
        previous = json.loads(path.read_text())
        previous["source"] = f"the previous run, {previous['meta']['date']}"
        shutil.copy(path, path.with_name("previous.json"))
    elif REFERENCE.exists():
        previous = json.loads(REFERENCE.read_text())
        previous["source"] = f"bench/reference.json, {previous['meta']['date']}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return previous


# -- the two modes --------------------------------------------------------------------


def benchmark(args: argparse.Namespace) -> int:
    wrk = require_wrk()
    env = app_environment()
    database = "postgresql" if env["DATABASE_URL"].startswith("postgres") else "sqlite"
    print(f"preparing: {database} database, collectstatic into var/static", flush=True)
    meta = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git_revision(),
        "database": database,
        "workers": WORKERS,
        "connections": args.connections,
        "rounds": args.rounds,
        "seconds_per_run": args.seconds,
        "label": args.label,
        **machine(),
    }
    prepare(env)
    print("counting queries in process", flush=True)
    queries = in_process(env, "queries", *TARGETS.values())
    with (
        gunicorn("app", "supportscope.wsgi:application", env, "/readyz") as app,
        gunicorn(
            "baseline", "bench.baseline.wsgi:application", baseline_environment(env), "/"
        ) as baseline,
        gunicorn(
            "hello", "bench.baseline.hello:application", baseline_environment(env), "/"
        ) as hello,
    ):
        urls = (
            {BASELINE: baseline.url + "/"}
            | {n: app.url + p for n, p in TARGETS.items()}
            | {LIMIT: hello.url + "/"}
        )
        for name, url in urls.items():
            answer = fetch(url)
            if answer.status != 200:
                raise BenchError(f"{name} ({url}) answered {answer.status}, not 200")
        print(f"warming up ({args.warmup:.0f} s per target)", flush=True)
        for url in urls.values():
            run_wrk(wrk, url, args.warmup, args.connections, "summary.lua")
        rss_before = {"app": workers_rss(app), "baseline": workers_rss(baseline)}
        print(
            f"loading: {args.rounds} rounds x {len(TARGETS)} targets, each next to bare Django, "
            f"{args.seconds} s per run, {args.connections} connections",
            flush=True,
        )
        loaded = {name: url for name, url in urls.items() if name != BASELINE}
        runs, ratios = load_rounds(
            wrk,
            {BASELINE: baseline, "app": app, LIMIT: hello},
            urls[BASELINE],
            loaded,
            args.rounds,
            args.seconds,
            args.connections,
        )
        rss_after = {"app": workers_rss(app), "baseline": workers_rss(baseline)}
        weights = {name: page_weight(app, path) for name, path in TARGETS.items()}
        weights[BASELINE] = page_weight(baseline, "/")
        weights[LIMIT] = page_weight(hello, "/")
    targets = summarise(runs, ratios)
    for name, path in TARGETS.items():
        targets[name]["queries"] = queries[path]["queries"]
        targets[name]["path"] = path
    for name in targets:
        targets[name]["weight"] = weights[name]
    result: dict[str, Any] = {
        "meta": meta,
        "targets": targets,
        "policy_prerendered": queries["policy_prerendered"],
        "rss_mb": {
            "app": {"before": rss_before["app"], "after": rss_after["app"]},
            "baseline": {"before": rss_before["baseline"], "after": rss_after["baseline"]},
        },
    }
    if not args.skip_scale:
        print("timing the synthetic tree of 10,000 questions", flush=True)
        result["scale"] = in_process(env, "scale")
    print("timing suggestions for 5,000-character tickets", flush=True)
    result["suggest"] = in_process(env, "suggest")
    result["checks"] = checks(result)
    previous = write_results(result, args.output)
    print_table(result, previous)
    print(f"\nwritten to {args.output.relative_to(ROOT)}")
    return 0 if all(ok for _label, ok, _figure in result["checks"]) else 1


def soak(args: argparse.Namespace) -> int:
    wrk = require_wrk()
    env = app_environment()
    prepare(env)
    with gunicorn("app", "supportscope.wsgi:application", env, "/readyz") as app:
        for path in SOAK_PATHS:
            if fetch(app.url + path).status != 200:
                raise BenchError(f"{path} does not answer 200")
        print(f"warming up {args.warmup:.0f} s", flush=True)
        run_wrk(wrk, app.url, args.warmup, args.soak_connections, "soak.lua", *SOAK_PATHS)
        before = workers_rss(app)
        print(
            f"soak: {args.soak_seconds:.0f} s at {args.soak_connections} connections on "
            + ", ".join(SOAK_PATHS),
            flush=True,
        )
        samples: list[tuple[float, list[float]]] = []
        started = time.monotonic()
        command = [
            require_wrk(), "-t", "2", "-c", str(args.soak_connections),
            "-d", f"{args.soak_seconds}s", "--timeout", "10s",
            "-H", PROXY_HEADER, "-H", BROWSER_HEADER,
            "-s", str(WRK_DIR / "soak.lua"), app.url, "--", *SOAK_PATHS,
        ]  # fmt: skip
        with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as load:
            while load.poll() is None:
                time.sleep(5)
                samples.append((round(time.monotonic() - started), workers_rss(app)))
            output = load.stdout.read() if load.stdout else ""
        after = workers_rss(app)
        alive = app.process.poll() is None and len(app.workers()) == WORKERS
    line = next((ln for ln in output.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if line is None:
        raise BenchError(f"wrk failed:\n{output}")
    load_result = json.loads(line.removeprefix("BENCH_JSON "))
    errors = sum(load_result[k] for k in ("connect", "read", "write", "timeout"))
    growth = max(a - b for a, b in zip(after, before, strict=True))
    result = {
        "meta": {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "commit": git_revision(),
            "database": "postgresql" if env["DATABASE_URL"].startswith("postgres") else "sqlite",
            "seconds": args.soak_seconds,
            "connections": args.soak_connections,
            "paths": SOAK_PATHS,
            "label": args.label,
            **machine(),
        },
        "requests": load_result["requests"],
        "rps": round(load_result["requests"] / (load_result["duration_us"] / 1e6), 1),
        "errors": errors,
        "non_2xx": load_result["non2xx"],
        "p50_ms": round(load_result["p50_us"] / 1000, 2),
        "p99_ms": round(load_result["p99_us"] / 1000, 2),
        "max_ms": round(load_result["max_us"] / 1000, 2),
        "rss_mb_before": before,
        "rss_mb_after": after,
        "rss_mb_samples": samples,
        "rss_growth_mb": round(growth, 1),
        "workers_alive": alive,
    }
    ok = (
        errors == 0
        and result["non_2xx"] == 0
        and growth <= args.max_growth_mb
        and alive
        and len(samples) > 0
    )
    output_path = args.output.with_name("soak.json")
    output_path.parent.mkdir(parents=True, exist_ok=True)
    output_path.write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"\n{result['requests']} requests in {args.soak_seconds:.0f} s ({result['rps']} req/s), "
        f"{errors} errors, {result['non_2xx']} non-2xx; p50 {result['p50_ms']} ms, "
        f"p99 {result['p99_ms']} ms\n"
        f"worker RSS before {before} MB, after {after} MB (growth {growth:+.1f} MB, "
        f"allowed {args.max_growth_mb} MB); samples every 5 s: "
        + " ".join(str(max(s[1])) for s in samples)
    )
    print(f"[{'ok' if ok else 'FAILED'}] soak; written to {output_path.relative_to(ROOT)}")
    return 0 if ok else 1


def main(argv: list[str] | None = None, outage: Callable[[], int] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=3, help="per run of one target")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--soak", action="store_true", help="run the 60 s soak instead")
    parser.add_argument(
        "--outage",
        action="store_true",
        help="stop and start the local PostgreSQL cluster under load-free polling "
        "(needs DATABASE_URL=postgres://... and root); prints the outage timeline",
    )
    parser.add_argument("--label", default="", help="a note stored with the results")
    parser.add_argument("--soak-seconds", type=int, default=60)
    parser.add_argument("--soak-connections", type=int, default=32)
    parser.add_argument("--max-growth-mb", type=float, default=2.0)
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args(argv)
    args.output = args.output.resolve()
    try:
        if args.outage:
            if outage is None:
                raise BenchError("the outage drill runs from python -m bench --outage")
            return outage()
        return soak(args) if args.soak else benchmark(args)
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
