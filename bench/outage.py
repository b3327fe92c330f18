"""``python -m bench --outage``: a PostgreSQL outage watched from outside, under gunicorn.

It serves the app (2 workers, production settings) on the PostgreSQL database that
``DATABASE_URL`` names, then stops the local cluster with ``pg_ctlcluster``, starts a
second, fresh server while the database is down (no policy compiled yet), starts the
cluster again, and polls both servers all along. It prints every change it sees: the
timeline of the outage. It needs root (or the postgres user) to stop the cluster, and
must not run while anything else uses that cluster.
"""

from __future__ import annotations

import http.client
import json
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.parse
from contextlib import ExitStack

from bench.run import (
    ROOT,
    STALE_HEADER,
    BenchError,
    Server,
    app_environment,
    fetch,
    gunicorn,
    prepare,
)

PROBE_PATHS = {
    "readyz": "/readyz",
    "policy": "/policy/",
    "API": "/api/v1/verdict?component=ingress&ingress=nginx",
    "admin": "/admin/",  # as a logged-in user: the session lives in the database
}
ADMIN_USER = "bench-outage"


def _cluster() -> list[str]:
    if shutil.which("pg_ctlcluster") is None or shutil.which("pg_lsclusters") is None:
        raise BenchError("the outage mode needs pg_ctlcluster and pg_lsclusters (Debian)")
    listing = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True)
    return listing.stdout.split()[:2]


def _pg(cluster: list[str], action: str) -> None:
    mode = ["-m", "fast"] if action == "stop" else []
    subprocess.run(["pg_ctlcluster", *cluster, action, *mode], check=True, capture_output=True)


def _admin_session(server: Server, env: dict[str, str]) -> str:
    """Log a throwaway superuser in; return the session cookie ("name=value")."""
    password = secrets.token_urlsafe(16)
    script = (
        "from django.contrib.auth import get_user_model as m;"
        f"u, _ = m().objects.get_or_create(username={ADMIN_USER!r});"
        f"u.is_staff = u.is_superuser = True; u.set_password({password!r}); u.save()"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        env=env, cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    # By hand: the cookies are Secure (production settings) and this is plain HTTP.
    host = f"127.0.0.1:{server.port}"
    login = "/admin/login/"
    headers = {"X-Forwarded-Proto": "https", "Host": host}
    conn = http.client.HTTPConnection(host, timeout=10)
    conn.request("GET", login, headers=headers)
    page = conn.getresponse()
    body = page.read().decode()
    csrf = _cookie(page.headers.get_all("Set-Cookie") or [], "csrftoken")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if token is None or csrf is None:
        raise BenchError("the admin login page gave no CSRF token")
    form = urllib.parse.urlencode(
        {"username": ADMIN_USER, "password": password, "csrfmiddlewaretoken": token[1]}
    )
    conn = http.client.HTTPConnection(host, timeout=10)
    conn.request(
        "POST",
        login,
        body=form,
        headers={
            **headers,
            "Cookie": f"csrftoken={csrf}",
            "Referer": f"https://{host}{login}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    answer = conn.getresponse()
    answer.read()
    session = _cookie(answer.headers.get_all("Set-Cookie") or [], "sessionid")
    if session is None:
        raise BenchError(f"could not log in to the admin (HTTP {answer.status})")
    return f"sessionid={session}"


def _cookie(set_cookies: list[str], name: str) -> str | None:
    for header in set_cookies:
        key, _, rest = header.partition("=")
        if key.strip() == name:
            return rest.split(";", 1)[0]
    return None


def _state(server: Server, session: str) -> dict[str, str]:
    state = {}
    for name, path in PROBE_PATHS.items():
        try:
            answer = fetch(server.url + path, cookie=session if name == "admin" else "")
        except OSError as error:
            state[name] = f"error {type(error).__name__}"
            continue
        text = str(answer.status)
        if STALE_HEADER in answer.headers:
            text += f" stale r{answer.headers[STALE_HEADER]}"
        if name == "readyz":
            text += " " + json.loads(answer.body).get("status", "")
        state[name] = text
    return state


def outage(seconds_down: float = 8.0) -> int:
    env = app_environment()
    if not env["DATABASE_URL"].startswith(("postgres://", "postgresql://")):
        raise BenchError("the outage mode needs DATABASE_URL=postgres://... (a scratch database)")
    cluster = _cluster()
    prepare(env)
    started = time.monotonic()
    timeline: list[str] = []
    last: dict[str, dict[str, str]] = {}

    def note(event: str) -> None:
        line = f"{time.monotonic() - started:6.2f}s  {event}"
        timeline.append(line)
        print(line, flush=True)

    sessions: dict[str, str] = {}

    def watch(servers: dict[str, Server], until: float) -> None:
        while time.monotonic() < until:
            for label, server in servers.items():
                state = _state(server, sessions.get(label, ""))
                if state != last.get(label):
                    note(f"{label}: " + ", ".join(f"{k} {v}" for k, v in state.items()))
                    last[label] = state
            time.sleep(0.25)

    with ExitStack() as stack:
        first = stack.enter_context(
            gunicorn("app", "supportscope.wsgi:application", env, "/readyz")
        )
        servers = {"warm server": first}
        sessions["warm server"] = sessions["fresh server"] = _admin_session(first, env)
        watch(servers, time.monotonic() + 2)
        _pg(cluster, "stop")
        note("PostgreSQL stopped")
        watch(servers, time.monotonic() + seconds_down / 2)
        try:
            cold = stack.enter_context(
                gunicorn("cold", "supportscope.wsgi:application", env, "/healthz")
            )
        except BenchError as error:
            note(f"a fresh server could not start: {error}")
        else:
            servers["fresh server"] = cold
            note("a fresh server started while the database is down")
        watch(servers, time.monotonic() + seconds_down / 2)
        _pg(cluster, "start")
        note("PostgreSQL started")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            watch(servers, time.monotonic() + 0.5)
            if all(v["readyz"].startswith("200") for v in last.values()):
                break
        watch(servers, time.monotonic() + 2)
    ok = all(v["readyz"].startswith("200") for v in last.values())
    print(("[ok]" if ok else "[FAILED]") + " every server ready again without a restart")
    return 0 if ok else 1
