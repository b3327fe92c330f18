"""The Dockerfile and the manifests in deploy/, read as data for the tests."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import yaml

BASE_DIR = Path(__file__).resolve().parent.parent
DEPLOY = BASE_DIR / "deploy"
DOCKERFILE = BASE_DIR / "Dockerfile"


def manifest(name: str) -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / name).read_text())


def kustomization(folder: str = "") -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / folder / "kustomization.yaml").read_text())


def pod_spec(name: str) -> dict[str, Any]:
    return manifest(name)["spec"]["template"]["spec"]


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    found: list[tuple[str, str]] = []
    pending = ""
    for line in DOCKERFILE.read_text().splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        whole = pending + line
        pending = ""
        keyword, _, rest = whole.strip().partition(" ")
        found.append((keyword.upper(), rest.strip()))
    return found


def final_stage() -> list[tuple[str, str]]:
    """The instructions of the last stage (the image that runs)."""
    steps = instructions()
    last_from = max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM")
    return steps[last_from:]


def image_env() -> dict[str, str]:
    """ENV of the final stage (KEY=value pairs; $PATH is expanded from the base image's)."""
    env: dict[str, str] = {}
    for keyword, rest in final_stage():
        if keyword == "ENV":
            for pair in shlex.split(rest):
                name, _, value = pair.partition("=")
                env[name] = value.replace("$PATH", "/usr/local/bin:/usr/bin:/bin")
    return env


def exec_form(keyword: str) -> list[str]:
    """The JSON argument list of CMD, or of HEALTHCHECK's CMD."""
    [rest] = [rest for kw, rest in final_stage() if kw == keyword]
    return json.loads(rest[rest.index("[") :])
