"""Settings from the environment: strict parsing, and start-up that names a bad variable.

The first half tests ``supportscope.web.env`` directly. The second starts Django in a
subprocess with a clean environment, as a deployment would, and reads the resulting
settings or the error it stops with.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from supportscope.web.env import ConfigError, database_from_url, env_bool, env_list, env_origins
from tests.production import run_python

BASE_DIR = Path(__file__).resolve().parent.parent

# -- supportscope.web.env -----------------------------------------------------------


@pytest.mark.parametrize("word", ["1", "true", "True", "YES", "on", " on "])
def test_env_bool_true_words(word):
    assert env_bool("DJANGO_DEBUG", default=False, environ={"DJANGO_DEBUG": word}) is True


@pytest.mark.parametrize("word", ["0", "false", "FALSE", "no", "off", "", "  "])
def test_env_bool_false_words(word):
    assert env_bool("DJANGO_DEBUG", default=True, environ={"DJANGO_DEBUG": word}) is False


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_unset_gives_the_default(default):
    assert env_bool("DJANGO_DEBUG", default=default, environ={}) is default


@pytest.mark.parametrize("word", ["maybe", "2", "enabled", "y", "truee"])
def test_env_bool_refuses_anything_else_and_names_the_variable(word):
    with pytest.raises(ConfigError) as raised:
        env_bool("DJANGO_DEBUG", default=False, environ={"DJANGO_DEBUG": word})
    assert raised.value.name == "DJANGO_DEBUG"
    message = str(raised.value)
    assert message.startswith("DJANGO_DEBUG: ")
    assert repr(word) in message
    assert "true" in message
    assert "false" in message


def test_env_list_splits_on_commas_and_trims():
    environ = {"DJANGO_ALLOWED_HOSTS": " a.example.com ,b.example.com,  c "}
    assert env_list("DJANGO_ALLOWED_HOSTS", environ) == ["a.example.com", "b.example.com", "c"]


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_env_list_empty_or_unset_is_an_empty_list(raw):
    environ = {} if raw is None else {"DJANGO_ALLOWED_HOSTS": raw}
    assert env_list("DJANGO_ALLOWED_HOSTS", environ) == []


@pytest.mark.parametrize("raw", ["a,,b", "a,", ",a", "a, ,b"])
def test_env_list_refuses_empty_items(raw):
    with pytest.raises(ConfigError, match=r"^DJANGO_ALLOWED_HOSTS: .*empty item"):
        env_list("DJANGO_ALLOWED_HOSTS", {"DJANGO_ALLOWED_HOSTS": raw})


def test_env_origins_accepts_scheme_host_and_port_and_drops_a_trailing_slash():
    environ = {"SUPPORTSCOPE_EMBED_ORIGINS": "https://tickets.example.com/,http://127.0.0.1:8765"}
    assert env_origins("SUPPORTSCOPE_EMBED_ORIGINS", environ) == [
        "https://tickets.example.com",
        "http://127.0.0.1:8765",
    ]


@pytest.mark.parametrize(
    "origin",
    [
        "tickets.example.com",
        "ftp://tickets.example.com",
        "https://",
        "https://tickets.example.com/form",
        "https://tickets.example.com?x=1",
        "https://tickets.example.com#top",
        "*",
    ],
)
def test_env_origins_refuses_what_is_not_an_origin(origin):
    with pytest.raises(ConfigError) as raised:
        env_origins("SUPPORTSCOPE_EMBED_ORIGINS", {"SUPPORTSCOPE_EMBED_ORIGINS": origin})
    assert raised.value.name == "SUPPORTSCOPE_EMBED_ORIGINS"
    assert repr(origin) in str(raised.value)


def test_database_url_sqlite_relative_path_is_inside_the_project(tmp_path):
    db = database_from_url("DATABASE_URL", "sqlite:///var/db.sqlite3", tmp_path)
    assert db == {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(tmp_path / "var/db.sqlite3"),
        "CONN_MAX_AGE": 60,  # the connection is kept between requests (a measured 1.8 ms)
    }


def test_database_url_sqlite_absolute_path(tmp_path):
    db = database_from_url("DATABASE_URL", "sqlite:////srv/data/app.sqlite3", tmp_path)
    assert db["NAME"] == "/srv/data/app.sqlite3"


def test_database_url_postgres_with_encoded_password():
    db = database_from_url(
        "DATABASE_URL", "postgres://app:p%40ss%2Fword@db.internal:6432/support", BASE_DIR
    )
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"]) == ("support", "app", "p@ss/word")
    assert (db["HOST"], db["PORT"]) == ("db.internal", "6432")
    assert db["CONN_HEALTH_CHECKS"] is True


def test_database_url_postgresql_scheme_without_port_or_user():
    db = database_from_url("DATABASE_URL", "postgresql://db.internal/support", BASE_DIR)
    assert (db["HOST"], db["PORT"], db["USER"], db["PASSWORD"]) == ("db.internal", "", "", "")


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("mysql://app@db/support", "unsupported scheme 'mysql'"),
        ("db.sqlite3", "unsupported scheme ''"),
        ("sqlite://", "no file path"),
        ("sqlite:///", "no file path"),
        ("postgres://db.internal/", "needs a host and a database name"),
        ("postgres:///support", "needs a host and a database name"),
        ("postgres://db.internal:port/support", "bad port"),
        ("postgres://db.internal:99999/support", "bad port"),
    ],
)
def test_database_url_malformed_names_the_variable(url, problem):
    with pytest.raises(ConfigError) as raised:
        database_from_url("DATABASE_URL", url, BASE_DIR)
    assert raised.value.name == "DATABASE_URL"
    assert str(raised.value).startswith("DATABASE_URL: ")
    assert problem in str(raised.value)


# -- start-up in a subprocess -----------------------------------------------------------

PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
db = s.DATABASES["default"]
print(json.dumps({
    "DEBUG": s.DEBUG, "ALLOWED_HOSTS": s.ALLOWED_HOSTS, "ENGINE": db["ENGINE"],
    "NAME": str(db["NAME"]), "EMBED": s.SUPPORTSCOPE_EMBED_ORIGINS,
    "CSRF_TRUSTED_ORIGINS": s.CSRF_TRUSTED_ORIGINS,
    "SSL_REDIRECT": s.SECURE_SSL_REDIRECT, "HSTS": s.SECURE_HSTS_SECONDS,
    "PROXY_HEADER": s.SECURE_PROXY_SSL_HEADER, "SESSION_SECURE": s.SESSION_COOKIE_SECURE,
    "CSRF_SECURE": s.CSRF_COOKIE_SECURE, "LANGUAGE_SECURE": s.LANGUAGE_COOKIE_SECURE,
    "ANALYTICS": s.SUPPORTSCOPE_ANALYTICS, "ANALYTICS_DAYS": s.SUPPORTSCOPE_ANALYTICS_DAYS,
}))
"""


def start(**variables: str | None) -> subprocess.CompletedProcess[str]:
    """Start Django with these variables (None leaves one out) and print its settings."""
    return run_python("-c", PRINT_SETTINGS, **variables)


def started(**variables: str | None) -> dict:
    process = start(**variables)
    assert process.returncode == 0, process.stderr
    return json.loads(process.stdout)


def test_production_start_is_secure_by_default():
    settings = started(DATABASE_URL="postgres://app:secret@db.internal:5432/support")
    assert settings["DEBUG"] is False
    assert settings["ALLOWED_HOSTS"] == ["supportscope.example.com"]
    assert settings["ENGINE"] == "django.db.backends.postgresql"
    assert settings["SSL_REDIRECT"] is True
    assert settings["HSTS"] >= 31536000
    assert settings["PROXY_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert settings["SESSION_SECURE"] is True
    assert settings["CSRF_SECURE"] is True
    assert settings["LANGUAGE_SECURE"] is True


def test_debug_start_needs_no_secret_and_uses_the_sqlite_default():
    settings = started(
        DJANGO_DEBUG="1", DJANGO_SECRET_KEY=None, DJANGO_ALLOWED_HOSTS=None, DATABASE_URL=None
    )
    assert settings["DEBUG"] is True
    assert settings["ENGINE"] == "django.db.backends.sqlite3"
    assert settings["NAME"] == str(BASE_DIR / "var" / "db.sqlite3")
    assert "127.0.0.1" in settings["ALLOWED_HOSTS"]
    assert settings["SSL_REDIRECT"] is False


def test_origins_are_read_at_start():
    settings = started(
        SUPPORTSCOPE_EMBED_ORIGINS="https://tickets.example.com",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://supportscope.example.com",
    )
    assert settings["EMBED"] == ["https://tickets.example.com"]
    assert settings["CSRF_TRUSTED_ORIGINS"] == ["https://supportscope.example.com"]


def test_usage_counting_is_on_by_default_and_turned_off_by_its_setting():
    assert started()["ANALYTICS"] is True
    assert started()["ANALYTICS_DAYS"] == 400
    off = started(SUPPORTSCOPE_ANALYTICS="off", SUPPORTSCOPE_ANALYTICS_DAYS="30")
    assert off["ANALYTICS"] is False
    assert off["ANALYTICS_DAYS"] == 30


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG"),
        ({"SUPPORTSCOPE_ANALYTICS": "sometimes"}, "SUPPORTSCOPE_ANALYTICS"),
        ({"SUPPORTSCOPE_ANALYTICS_DAYS": "0"}, "SUPPORTSCOPE_ANALYTICS_DAYS"),
        ({"SUPPORTSCOPE_ANALYTICS_DAYS": "1y"}, "SUPPORTSCOPE_ANALYTICS_DAYS"),
        ({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_DEBUG": "off", "DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
        ({"DATABASE_URL": "mysql://app@db/support"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://db.internal:port/support"}, "DATABASE_URL"),
        ({"SUPPORTSCOPE_EMBED_ORIGINS": "tickets.example.com"}, "SUPPORTSCOPE_EMBED_ORIGINS"),
        ({"DJANGO_ALLOWED_HOSTS": "a.example.com,,b.example.com"}, "DJANGO_ALLOWED_HOSTS"),
        (
            {"DJANGO_CSRF_TRUSTED_ORIGINS": "supportscope.example.com"},
            "DJANGO_CSRF_TRUSTED_ORIGINS",
        ),
    ],
)
def test_a_bad_variable_stops_start_up_with_its_name(variables, named):
    process = start(**variables)
    assert process.returncode != 0
    assert "Traceback" not in process.stderr
    assert process.stderr.startswith(f"SupportScope configuration error: {named}: ")
    assert process.stdout == ""
