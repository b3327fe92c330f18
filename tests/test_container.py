"""The container's start, exercised in the venv: the image can't be built on this machine.

The test runs what the image and deploy/ run, with the same variables: the migration Job's
command, then the Dockerfile's CMD (gunicorn with supportscope.gunicorn_conf) from the
project folder, as the image runs it from /app, with the Dockerfile's ENV and the
ConfigMap's values, and a Secret's two variables. Only the port changes (8000 may be taken
here), through gunicorn's own GUNICORN_CMD_ARGS. It checks the probes and the Dockerfile's
HEALTHCHECK command, a page with its hashed static files, JSON-only logs, and a clean stop.
"""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bench.run import free_port
from tests.deploy import BASE_DIR, exec_form, image_env, manifest
from tests.jsonlog import parse_lines

VENV_BIN = Path(sys.executable).parent
HOST = manifest("configmap.yaml")["data"]["DJANGO_ALLOWED_HOSTS"]
PROXIED = {"X-Forwarded-Proto": "https"}  # as the ingress sends it


def in_venv(command: list[str]) -> list[str]:
    """The image's command with its programs taken from this venv (/opt/venv/bin in the image)."""
    program = VENV_BIN / command[0]
    return [str(program if program.exists() else command[0]), *command[1:]]


def container_env(database: Path, port: int) -> dict[str, str]:
    env = {
        **{name: value for name, value in os.environ.items() if name.startswith("COVERAGE_")},
        **image_env(),
        **manifest("configmap.yaml")["data"],
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{database}",
        "GUNICORN_CMD_ARGS": f"--bind 127.0.0.1:{port}",
        "HOME": "/nonexistent",  # the image's user has no home
    }
    env["PATH"] = f"{VENV_BIN}:{env['PATH']}"
    return env


def get(url: str, **headers: str) -> tuple[int, bytes, dict[str, str]]:
    """GET over loopback, as the kubelet or the ingress does (no proxy, no redirects)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", parts.path or "/", headers=headers)
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """gunicorn started by the image's CMD after the migration Job, and its log."""
    folder = tmp_path_factory.mktemp("container")
    port = free_port()
    env = container_env(folder / "db.sqlite3", port)
    [job] = manifest("migrate/job.yaml")["spec"]["template"]["spec"]["containers"]
    for command in (job["command"], ["python", "manage.py", "collectstatic", "--noinput"]):
        done = subprocess.run(
            in_venv(command), cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
    log = folder / "gunicorn.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            in_venv(exec_form("CMD")), cwd=BASE_DIR, env=env, stdout=out, stderr=out
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if get(url + "/readyz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield url, port, env, process, log
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_the_probes_answer_over_plain_http_without_an_allowed_host(served):
    url, *_ = served
    status, body, _headers = get(url + "/readyz")
    assert (status, b'"ready"' in body) == (200, True)
    assert get(url + "/healthz")[0] == 200


def test_the_dockerfile_healthcheck_command_passes_against_the_server(served):
    _url, port, env, *_ = served
    command = [part.replace(":8000/", f":{port}/") for part in exec_form("HEALTHCHECK")]
    assert command != exec_form("HEALTHCHECK")  # the port was there to replace
    checked = subprocess.run(in_venv(command), env=env, capture_output=True, timeout=30)
    assert checked.returncode == 0, checked.stderr


def test_pages_are_served_with_the_hashed_static_files_collected_at_build(served):
    url, *_ = served
    status, body, _headers = get(url + "/triage/", Host=HOST, **PROXIED)
    assert status == 200
    page = body.decode()
    [css] = [part.split('"')[0] for part in page.split('href="')[1:] if ".css" in part][:1]
    assert css.startswith("/static/css/app.")  # a hashed name from the manifest
    status, _body, headers = get(url + css, Host=HOST, **PROXIED)
    assert status == 200
    assert "max-age=315360000" in headers["Cache-Control"]


def test_plain_http_from_outside_the_ingress_is_sent_to_https(served):
    url, *_ = served
    status, _body, headers = get(url + "/triage/", Host=HOST)
    assert status == 301
    assert headers["Location"] == f"https://{HOST}/triage/"


def test_sigterm_stops_it_cleanly_and_every_log_line_was_json(served):
    _url, _port, _env, process, log = served
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    lines = parse_lines(log.read_text())
    loggers = {line["logger"] for line in lines}
    assert {"gunicorn.error", "supportscope.request", "supportscope.snapshot"} <= loggers
    assert any(line["message"] == "Shutting down: Master" for line in lines)
