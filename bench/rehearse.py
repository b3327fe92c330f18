"""``python -m bench.rehearse`` (``make rehearse``): production in miniature, on this machine.

What AKS runs, rehearsed on 127.0.0.1 only:

* nginx from Debian's packages stands in for the application routing ingress: it ends
  "TLS" (it sets ``X-Forwarded-Proto: https``), appends the client to
  ``X-Forwarded-For`` and balances over two instances of the app;
* each instance is the container's command, gunicorn with ``supportscope.gunicorn_conf``,
  on one PostgreSQL database (``REHEARSE_DATABASE_URL``, by default ``app_rehearse`` on
  the local server; dropped, made afresh and migrated once, as the migration Job does),
  with production settings and ``SUPPORTSCOPE_PROXY_COUNT=1``;
* wrk loads nginx (a few connections, cycling through the triage verdict page, the
  verdict API and ``/policy/``), first for ``--baseline`` seconds with nothing
  restarting, then while the instances are restarted one after the other, as a rolling
  update with ``maxUnavailable: 0`` does, ``--rounds`` times: nginx stops sending to the
  instance (its endpoint leaves; the ``preStop`` pause), gunicorn gets SIGTERM and
  finishes its requests, a new instance starts, and nginx sends to it again once it
  answers ``/readyz`` (the readiness probe);
* between two rounds an admin edits a question's text through one instance, and the
  other instance must serve the new text at once.

It prints the requests, the failed ones (connection errors, timeouts and every answer
that is not 2xx: the target is 0) and the latency percentiles, writes
``bench/results/rehearsal.json``, and exits 1 when a request failed or the edit was not
served. ``--no-drain`` leaves every instance in nginx while it restarts: nginx then
retries a refused connection on the other instance (``proxy_next_upstream``), and the
latency shows what the draining spares.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from bench.run import ROOT, TARGETS, WRK_DIR, BenchError, free_port, require_wrk, run_wrk

VAR = ROOT / "var" / "rehearse"
RESULT = ROOT / "bench" / "results" / "rehearsal.json"
DEFAULT_DATABASE = "postgres://app:app@127.0.0.1:5432/app_rehearse"
PATHS = [TARGETS["triage verdict"], TARGETS["verdict API"], TARGETS["policy"]]
ADMIN_USER = "rehearsal-admin"
EDITED_QUESTION = "topic"

NGINX_CONF = """\
worker_processes 1;
pid {var}/nginx.pid;
error_log {var}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    # A connection per request: a reload (our stand-in for an endpoint change; the AKS
    # ingress changes endpoints without one) then never closes a kept-alive connection
    # just as the client sends on it, which wrk would count as an error.
    keepalive_timeout 0;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream supportscope {{
        # max_fails=0: a refused connection is retried on the other instance at once,
        # and an instance is never marked down for 10 s after it came back.
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://supportscope;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            # The ingress ends TLS; here nginx listens on plain loopback and says so.
            proxy_set_header X-Forwarded-Proto https;
            proxy_next_upstream error timeout;
            proxy_connect_timeout 2s;
            proxy_buffers 16 16k;
            proxy_max_temp_file_size 0;
        }}
    }}
}}
"""


# -- processes ------------------------------------------------------------------------


def environment(database_url: str) -> dict[str, str]:
    """The pods' variables: production settings, one proxy in front."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="supportscope.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        SUPPORTSCOPE_PROXY_COUNT="1",
        PYTHONPATH=str(ROOT),
    )
    env.pop("GUNICORN_CMD_ARGS", None)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise BenchError(f"manage.py {args[0]} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def fresh_database(database_url: str) -> None:
    """Drop and create the rehearsal's database (the role needs CREATEDB)."""
    import psycopg

    parts = urllib.parse.urlsplit(database_url)
    name = urllib.parse.unquote(parts.path.lstrip("/"))
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name) or "rehearse" not in name:
        raise BenchError(f"refusing to drop {name!r}: the rehearsal's database name has 'rehearse'")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


@dataclass
class Instance:
    """One "pod": the container's command, gunicorn on its own loopback port."""

    name: str
    port: int
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> float:
        """Start and wait until /readyz answers 200; the seconds it took."""
        started = time.monotonic()
        self.starts += 1
        log = VAR / f"{self.name}-{self.starts}.log"
        env = {**self.env, "GUNICORN_CMD_ARGS": f"--bind 127.0.0.1:{self.port}"}
        command = [sys.executable, "-m", "gunicorn"]
        command += ["--config", "python:supportscope.gunicorn_conf", "supportscope.wsgi"]
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = started + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"{self.name} exited at start; see {log}")
            with contextlib.suppress(OSError):
                if get(self.url, "/readyz").status == 200:
                    return time.monotonic() - started
            time.sleep(0.1)
        raise BenchError(f"{self.name} was not ready within 60 s; see {log}")

    def stop(self) -> float:
        """SIGTERM, as the kubelet sends it; the seconds gunicorn took to finish."""
        if self.process is None or self.process.poll() is not None:
            return 0.0
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=40)  # terminationGracePeriodSeconds
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise BenchError(f"{self.name} did not stop within 40 s of SIGTERM") from None
        return time.monotonic() - started


class Proxy:
    """nginx in front of the instances; ``route()`` changes which ones get traffic.

    Taking an instance out before it stops, and putting it back once it is ready, is what
    the ingress does on AKS when a pod's endpoint leaves (``preStop`` pause) and joins
    (readiness probe) the Service. nginx rereads its configuration on SIGHUP, gracefully.
    """

    def __init__(self, port: int, upstreams: list[int]) -> None:
        self.port = port
        self.upstreams = upstreams
        self.url = f"http://127.0.0.1:{port}"
        self.conf = VAR / "nginx.conf"
        self.log = VAR / "nginx-error.log"
        self.process: subprocess.Popen[bytes] | None = None

    def write(self, routed: set[int]) -> None:
        tmp = VAR / "nginx-tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        tmp.chmod(0o777)  # nginx's workers run as an unprivileged user when started as root
        servers = "\n".join(
            f"        server 127.0.0.1:{up} max_fails=0{'' if up in routed else ' down'};"
            for up in self.upstreams
        )
        self.conf.write_text(NGINX_CONF.format(var=VAR, tmp=tmp, servers=servers, port=self.port))

    def start(self) -> None:
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(binary).exists():
            raise BenchError("nginx is not installed; on Debian: apt-get install -y nginx")
        self.write(set(self.upstreams))
        command = [binary, "-p", str(VAR), "-c", str(self.conf), "-e", str(self.log)]
        self.process = subprocess.Popen(
            [*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 10
        while True:
            if self.process.poll() is not None:
                raise BenchError(f"nginx exited; see {self.log}")
            with contextlib.suppress(OSError):
                if get(self.url, "/healthz").status == 200:
                    return
            if time.monotonic() > deadline:
                raise BenchError(f"nginx did not answer within 10 s; see {self.log}")
            time.sleep(0.1)

    def route(self, routed: set[int], settle: float = 0.5) -> None:
        """Send traffic only to ``routed``; wait ``settle`` s for the old workers to finish."""
        if self.process is None:
            raise BenchError("nginx is not running")
        self.write(routed)
        self.process.send_signal(signal.SIGHUP)
        time.sleep(settle)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGQUIT)  # graceful
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextlib.contextmanager
def nginx(port: int, upstreams: list[int]) -> Iterator[Proxy]:
    proxy = Proxy(port, upstreams)
    try:
        proxy.start()
        yield proxy
    finally:
        proxy.stop()


# -- HTTP -----------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    body: str
    headers: list[tuple[str, str]]


def get(url: str, path: str, headers: dict[str, str] | None = None) -> Answer:
    return request("GET", url, path, headers or {})


def request(
    method: str, url: str, path: str, headers: dict[str, str], body: str | None = None
) -> Answer:
    """One request over loopback, as nginx forwards it (plain HTTP, the scheme in a header)."""
    parts = urllib.parse.urlsplit(url)
    if parts.hostname is None:
        raise ValueError(f"no host in {url!r}")
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        sent = {"X-Forwarded-Proto": "https", "Host": parts.netloc, **headers}
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        return Answer(response.status, response.read().decode(), response.getheaders())
    finally:
        connection.close()


class _Form(HTMLParser):
    """The fields of the admin's change form, as a browser would send them."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._in_form = False
        self._textarea: str | None = None
        self._select: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        if tag == "form" and attr.get("method", "").lower() == "post":
            self._in_form = True
        if not self._in_form or "name" not in attr or "disabled" in attr:
            if tag == "option" and self._select is not None and "selected" in attr:
                self.fields.append((self._select, attr.get("value", "")))
            return
        kind = attr.get("type", "text").lower()
        if tag == "input" and kind not in {"submit", "button", "file", "image", "reset"}:
            if kind not in {"checkbox", "radio"} or "checked" in attr:
                self.fields.append((attr["name"], attr.get("value", "on")))
        elif tag == "textarea":
            self._textarea, self._text = attr["name"], ""
        elif tag == "select":
            self._select = attr["name"]

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            # The parser drops the one newline right after <textarea>, as browsers do.
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


@dataclass
class Browser:
    """An admin's browser against one instance: cookies kept by hand (they are Secure)."""

    url: str
    cookies: dict[str, str] = field(default_factory=dict)

    def send(self, method: str, path: str, form: list[tuple[str, str]] | None = None) -> Answer:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            host = urllib.parse.urlsplit(self.url).netloc
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://{host}{path}"
            headers["Origin"] = f"https://{host}"
            body = urllib.parse.urlencode(form)
        answer = request(method, self.url, path, headers, body)
        for name, value in answer.headers:
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return answer

    def log_in(self, username: str, password: str) -> None:
        page = self.send("GET", "/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        if token is None:
            raise BenchError("the admin login page gave no CSRF token")
        form = [("csrfmiddlewaretoken", token[1]), ("username", username)]
        form += [("password", password), ("next", "/admin/")]
        answer = self.send("POST", "/admin/login/", form)
        if answer.status != 302:
            raise BenchError(f"admin login answered {answer.status}, not a redirect")

    def change(self, path: str, name: str, value: str) -> None:
        """Open a change form, set one field, save; BenchError unless the admin saved it."""
        page = self.send("GET", path)
        parser = _Form()
        parser.feed(page.body)
        fields = [(key, value if key == name else old) for key, old in parser.fields]
        if not any(key == name for key, _ in fields):
            raise BenchError(f"{path} has no field {name!r}")
        answer = self.send("POST", path, [*fields, ("_save", "Save")])
        if answer.status != 302:
            errors = re.findall(r'<ul class="errorlist[^"]*">(.*?)</ul>', answer.body, re.S)
            raise BenchError(f"the admin did not save ({answer.status}): {errors[:3]}")


def admin_edit(writer: Instance, reader: Instance) -> dict[str, Any]:
    """Edit a question through ``writer``; ``reader`` must serve the new text at once."""
    password = secrets.token_urlsafe(16)
    script = (
        "from django.contrib.auth import get_user_model as m;"
        "from supportscope.policy.models import Question;"
        f"u, _ = m().objects.get_or_create(username={ADMIN_USER!r});"
        f"u.is_staff = u.is_superuser = True; u.set_password({password!r}); u.save();"
        f"print(Question.objects.get(key={EDITED_QUESTION!r}).pk)"
    )
    pk = manage(writer.env, "shell", "-c", script).split()[-1]
    new_text = f"What is the ticket mainly about? (rehearsal {secrets.token_hex(3)})"
    before = json.loads(get(reader.url, "/readyz").body)["revision"]
    browser = Browser(writer.url)
    browser.log_in(ADMIN_USER, password)
    started = time.monotonic()
    browser.change(f"/admin/policy/question/{pk}/change/", "text_en", new_text)
    page = get(reader.url, "/triage/?lang=en")
    served = html.escape(new_text, quote=False) in page.body
    return {
        "through": writer.name,
        "read_from": reader.name,
        "revision_before": before,
        "revision_after": json.loads(get(reader.url, "/readyz").body)["revision"],
        "served_by_the_other": served,
        "seconds_from_save_to_read": round(time.monotonic() - started, 3),
    }


# -- load -----------------------------------------------------------------------------


class Load:
    """wrk through nginx in the background until ``stop()``; its summary afterwards."""

    def __init__(self, wrk: str, url: str, connections: int, limit_s: int) -> None:
        command = [
            wrk, "-t", "1", "-c", str(connections), "-d", f"{limit_s}s", "--timeout", "10s",
            "-s", str(WRK_DIR / "soak.lua"), url, "--", *PATHS,
        ]  # fmt: skip
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.output: tuple[str, str] = ("", "")
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        self.output = self.process.communicate()

    def stop(self) -> dict[str, Any]:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # wrk stops and reports
        self._reader.join(timeout=30)
        stdout, stderr = self.output
        line = next((ln for ln in stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
        if line is None:
            raise BenchError(f"wrk gave no summary:\n{stdout}\n{stderr}")
        result: dict[str, Any] = json.loads(line.removeprefix("BENCH_JSON "))
        result["seconds"] = round(result["duration_us"] / 1e6, 1)
        result["errors"] = sum(result[k] for k in ("connect", "read", "write", "timeout"))
        result["failed"] = result["errors"] + result["non2xx"]
        return result


# -- the rehearsal --------------------------------------------------------------------


def rehearse(
    database_url: str,
    rounds: int,
    connections: int,
    pause: float,
    baseline_s: int,
    drain: bool = True,
) -> dict[str, Any]:
    wrk = require_wrk()
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise BenchError(f"the rehearsal needs PostgreSQL; DATABASE_URL is {database_url!r}")
    VAR.mkdir(parents=True, exist_ok=True)
    for old in VAR.glob("*.log"):
        old.unlink()
    env = environment(database_url)
    fresh_database(database_url)
    manage(env, "migrate", "--noinput")  # once, as the Job does: the instances never migrate
    manage(env, "collectstatic", "--noinput")  # as the image build does
    instances = [Instance(name, free_port(), env) for name in ("pod-a", "pod-b")]
    events: list[dict[str, Any]] = []
    edit: dict[str, Any] | None = None
    try:
        for instance in instances:
            instance.start()
        with nginx(free_port(), [i.port for i in instances]) as proxy:
            url = proxy.url
            steady = None
            if baseline_s:
                # The same load with nothing restarting: what the latency is without a rollout.
                steady = run_wrk(wrk, url, baseline_s, connections, "soak.lua", *PATHS)
                print(f"  steady: p99 {steady['p99_us'] / 1000:.1f} ms", flush=True)
            load = Load(wrk, url, connections, limit_s=600)
            try:
                time.sleep(pause)
                for number in range(1, rounds + 1):
                    for instance in instances:
                        others = {i.port for i in instances if i is not instance}
                        if drain:
                            proxy.route(others)  # the endpoint leaves; preStop pause
                        stopped = instance.stop()
                        ready = instance.start()
                        if drain:
                            proxy.route(others | {instance.port})  # ready: it joins again
                        events.append(
                            {
                                "round": number,
                                "instance": instance.name,
                                "at_s": round(time.monotonic() - load.started, 1),
                                "stop_s": round(stopped, 2),
                                "ready_s": round(ready, 2),
                            }
                        )
                        print(
                            f"  round {number}: {instance.name} restarted "
                            f"(stop {stopped:.1f} s, ready after {ready:.1f} s)",
                            flush=True,
                        )
                        time.sleep(pause)
                    if number == 1:
                        edit = admin_edit(instances[0], instances[1])
                        print(f"  admin edit: {edit}", flush=True)
            finally:
                summary = load.stop()
    finally:
        for instance in instances:
            with contextlib.suppress(BenchError):
                instance.stop()
    return {
        "database": urllib.parse.urlsplit(database_url)._replace(netloc="…").geturl(),
        "instances": len(instances),
        "connections": connections,
        "paths": PATHS,
        "rounds": rounds,
        "drain": drain,
        "restarts": events,
        "load": summary,
        "steady": steady,
        "admin_edit": edit,
    }


def report(result: dict[str, Any]) -> bool:
    load = result["load"]
    edit = result["admin_edit"]
    print(
        f"\n{load['requests']} requests in {load['seconds']} s through nginx, "
        f"{len(result['restarts'])} instance restarts in {result['rounds']} rolling rounds"
    )
    print(
        f"failed: {load['failed']} (connection errors {load['errors']}, non-2xx {load['non2xx']})"
    )
    print(
        f"latency: p50 {load['p50_us'] / 1000:.1f} ms, p99 {load['p99_us'] / 1000:.1f} ms, "
        f"max {load['max_us'] / 1000:.1f} ms"
    )
    steady = result["steady"]
    if steady:
        print(
            f"without restarts ({steady['requests']} requests): "
            f"p50 {steady['p50_us'] / 1000:.1f} ms, p99 {steady['p99_us'] / 1000:.1f} ms, "
            f"failed {steady['errors'] + steady['non2xx']}"
        )
    served = bool(edit and edit["served_by_the_other"])
    print(f"admin edit through one instance served by the other: {'yes' if served else 'NO'}")
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written: {RESULT.relative_to(ROOT)}")
    return load["failed"] == 0 and served


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rehearse", description=__doc__)
    parser.add_argument("--rounds", type=int, default=2, help="rolling restarts (default 2)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (8)")
    parser.add_argument("--pause", type=float, default=3.0, help="seconds between restarts")
    parser.add_argument(
        "--baseline", type=int, default=10, help="seconds of load before, without restarts"
    )
    parser.add_argument(
        "--no-drain",
        action="store_true",
        help="keep every instance in nginx while it restarts (no endpoint removal, no preStop)",
    )
    args = parser.parse_args(argv)
    # Not DATABASE_URL: the rehearsal drops and creates its database, so it has its own.
    database_url = os.environ.get("REHEARSE_DATABASE_URL") or DEFAULT_DATABASE
    print(f"rehearsal: nginx, 2 gunicorn instances, {args.rounds} rolling restarts under load")
    try:
        result = rehearse(database_url, args.rounds, args.connections, args.pause, args.baseline)
    except BenchError as error:
        print(f"rehearsal failed: {error}", file=sys.stderr)
        return 2
    return 0 if report(result) else 1


if __name__ == "__main__":
    sys.exit(main())
