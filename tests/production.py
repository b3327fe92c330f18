"""Python in a subprocess with the real settings module, as a deployment starts it.

The environment is clean (only PATH and coverage's variables are inherited) and
holds production values: debug off, a real secret key and allowed hosts. Keyword
arguments change a variable, or leave it out when given None.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def production_env(**variables: str | None) -> dict[str, str]:
    env = {
        # Coverage's own variables let it measure the subprocess too.
        **{name: value for name, value in os.environ.items() if name.startswith("COVERAGE_")},
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "supportscope.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "supportscope.example.com",
    }
    for name, value in variables.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run_python(*args: str, **variables: str | None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=production_env(**variables),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
