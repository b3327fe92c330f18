"""Usage counters under real servers: two gunicorn instances of two workers each, on one
SQLite file, write every count they took when they are stopped (``worker_exit``)."""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.run import free_port

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PATH = "/triage/?component=ingress&ingress=nginx"
PER_INSTANCE = 40

# serial: two servers of two workers, and collectstatic into var/static (as the rehearsal).
pytestmark = pytest.mark.serial


def server_env(database: Path, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "supportscope.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{database}",
        "GUNICORN_CMD_ARGS": f"--bind 127.0.0.1:{port} --workers 2",
        "PATH": f"{VENV_BIN}:{os.environ['PATH']}",
    }


def get(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def wait_ready(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn stopped"
        try:
            if get(port, "/readyz") == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("gunicorn did not become ready")


def test_two_instances_of_two_workers_write_every_count_when_they_stop(tmp_path):
    database = tmp_path / "db.sqlite3"
    env = server_env(database, 0)
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
    servers = []
    try:
        for _ in range(2):
            port = free_port()
            process = subprocess.Popen(
                ["gunicorn", "--config", "python:supportscope.gunicorn_conf", "supportscope.wsgi"],
                cwd=ROOT,
                env=server_env(database, port),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            servers.append((port, process))
        for port, process in servers:
            wait_ready(port, process)
        for port, _process in servers:
            statuses = {get(port, PATH) for _ in range(PER_INSTANCE)}
            assert statuses == {200}
    finally:
        for _port, process in servers:
            process.send_signal(signal.SIGTERM)
        for _port, process in servers:
            process.wait(timeout=60)
    with sqlite3.connect(database) as db:
        rows = dict(
            db.execute(
                "SELECT kind || ':' || subject || ':' || value, SUM(n) FROM analytics_counter"
                " GROUP BY kind, subject, value"
            ).fetchall()
        )
    total = 2 * PER_INSTANCE
    assert rows["start::"] == total
    assert rows["answer:ingress:nginx"] == total
    assert rows["verdict:unmanaged-ingress-unsupported:unsupported"] == total
