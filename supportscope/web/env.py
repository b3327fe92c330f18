"""Strict parsing of settings from environment variables.

Every reader names the variable in its error, so a typo in a deployment stops
start-up with a message that says which value to fix, instead of running with a
silent default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


class ConfigError(Exception):
    """A setting in the environment is missing or malformed."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name


def env_bool(name: str, default: bool, environ: Mapping[str, str] = os.environ) -> bool:
    raw = environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    allowed = ", ".join(sorted(TRUE_WORDS | (FALSE_WORDS - {""})))
    raise ConfigError(name, f"{raw!r} is not a boolean; use one of {allowed}")


def env_list(name: str, environ: Mapping[str, str] = os.environ) -> list[str]:
    """A comma-separated list; blanks around items are dropped, empty items refused."""
    raw = environ.get(name, "")
    if not raw.strip():
        return []
    items = [item.strip() for item in raw.split(",")]
    if any(not item for item in items):
        raise ConfigError(name, f"{raw!r} has an empty item; separate values with single commas")
    return items


def env_origins(name: str, environ: Mapping[str, str] = os.environ) -> list[str]:
    """Origins such as https://tickets.example.com (scheme and host, no path)."""
    origins = env_list(name, environ)
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ConfigError(name, f"{origin!r} is not an origin like https://tickets.example.com")
        if parts.path not in {"", "/"} or parts.query or parts.fragment:
            raise ConfigError(name, f"{origin!r} must be scheme://host[:port] without a path")
    return [origin.rstrip("/") for origin in origins]


def database_from_url(name: str, url: str, base_dir: Path) -> dict[str, object]:
    """Turn sqlite:///path or postgres://user:pass@host:port/db into a DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///relative.db is relative to the project; sqlite:////abs/path.db is absolute.
        raw_path = unquote(parts.path)
        if not raw_path or raw_path == "/":
            raise ConfigError(name, f"{url!r} has no file path; use sqlite:///var/db.sqlite3")
        path = Path(raw_path[1:]) if raw_path.startswith("/") else Path(raw_path)
        if not path.is_absolute():
            path = base_dir / path
        # Keep the connection: opening one costs more than a whole cached page.
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "CONN_MAX_AGE": 60}
    if parts.scheme in {"postgres", "postgresql"}:
        database = unquote(parts.path.lstrip("/"))
        if not parts.hostname or not database:
            raise ConfigError(name, f"{url!r} needs a host and a database name")
        try:
            port = parts.port
        except ValueError as error:
            raise ConfigError(name, f"{url!r} has a bad port") from error
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": database,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname,
            "PORT": str(port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {"connect_timeout": 3},
        }
    raise ConfigError(name, f"unsupported scheme {parts.scheme!r}; use sqlite:/// or postgres://")


def env_int(
    name: str,
    default: int,
    maximum: int,
    environ: Mapping[str, str] = os.environ,
    minimum: int = 0,
) -> int:
    """A whole number from ``minimum`` to ``maximum``, in plain digits (no sign, no blanks)."""
    raw = environ.get(name)
    if raw is None or not raw.strip():
        return default
    word = raw.strip()
    if not (word.isascii() and word.isdigit()) or not minimum <= int(word) <= maximum:
        raise ConfigError(name, f"{raw!r} is not a whole number from {minimum} to {maximum}")
    return int(word)
