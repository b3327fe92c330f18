"""Django settings for SupportScope, read from the environment.

Debug is off unless DJANGO_DEBUG asks for it. Every variable is parsed strictly
(see supportscope.web.env) and a bad value stops start-up with its name.
"""

from __future__ import annotations

import logging
import os
import sys
from datetime import timedelta
from pathlib import Path

import django_stubs_ext

from supportscope.core import languages
from supportscope.web.clientip import MAX_PROXIES
from supportscope.web.env import (
    ConfigError,
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_origins,
)
from supportscope.web.logformat import json_formatter

# Lets the type checker's generic admin and form classes be subscripted at run time
# (admin.ModelAdmin[Model]); it only adds __class_getitem__.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

try:
    DEBUG = env_bool("DJANGO_DEBUG", default=False)
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
    if not SECRET_KEY:
        if not DEBUG:
            raise ConfigError(
                "DJANGO_SECRET_KEY",
                "is required when DJANGO_DEBUG is off; set it to a long random string "
                '(python3 -c "import secrets; print(secrets.token_urlsafe(50))")',
            )
        SECRET_KEY = "insecure-development-key-only-used-with-DJANGO_DEBUG"  # noqa: S105
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS") or (
        ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
    )
    DATABASES = {
        "default": database_from_url(
            "DATABASE_URL",
            os.environ.get("DATABASE_URL", "sqlite:///var/db.sqlite3"),
            BASE_DIR,
        )
    }
    SUPPORTSCOPE_EMBED_ORIGINS = env_origins("SUPPORTSCOPE_EMBED_ORIGINS")
    CSRF_TRUSTED_ORIGINS = env_origins("DJANGO_CSRF_TRUSTED_ORIGINS")
    # How many reverse proxies the operator runs in front of the app (see clientip.py).
    SUPPORTSCOPE_PROXY_COUNT = env_int("SUPPORTSCOPE_PROXY_COUNT", default=0, maximum=MAX_PROXIES)
    # Admin sign-in protection (supportscope/signin): failures allowed per user name from
    # one address, per address whatever the names, and minutes a lock lasts.
    SUPPORTSCOPE_SIGNIN_LIMIT_PER_USER = env_int(
        "SUPPORTSCOPE_SIGNIN_LIMIT_PER_USER", default=5, minimum=1, maximum=100
    )
    SUPPORTSCOPE_SIGNIN_LIMIT_PER_ADDRESS = env_int(
        "SUPPORTSCOPE_SIGNIN_LIMIT_PER_ADDRESS", default=30, minimum=1, maximum=10000
    )
    if SUPPORTSCOPE_SIGNIN_LIMIT_PER_ADDRESS < SUPPORTSCOPE_SIGNIN_LIMIT_PER_USER:
        raise ConfigError(
            "SUPPORTSCOPE_SIGNIN_LIMIT_PER_ADDRESS",
            f"{SUPPORTSCOPE_SIGNIN_LIMIT_PER_ADDRESS} is below "
            f"SUPPORTSCOPE_SIGNIN_LIMIT_PER_USER ({SUPPORTSCOPE_SIGNIN_LIMIT_PER_USER}); "
            "an address must be allowed at least as many failures as one user name",
        )
    SUPPORTSCOPE_SIGNIN_COOLOFF_MINUTES = env_int(
        "SUPPORTSCOPE_SIGNIN_COOLOFF_MINUTES", default=15, minimum=1, maximum=1440
    )
    # Usage counters (supportscope/analytics): on unless turned off; days they are kept.
    SUPPORTSCOPE_ANALYTICS = env_bool("SUPPORTSCOPE_ANALYTICS", default=True)
    SUPPORTSCOPE_ANALYTICS_DAYS = env_int(
        "SUPPORTSCOPE_ANALYTICS_DAYS", default=400, minimum=1, maximum=3650
    )
except ConfigError as error:
    sys.exit(f"SupportScope configuration error: {error}")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "supportscope.policy",
    "supportscope.signin",
    "supportscope.analytics",
]

MIDDLEWARE = [
    # Outermost: one policy snapshot per request, for everything inside (policy/snapshot.py).
    "supportscope.policy.snapshot.SnapshotScopeMiddleware",
    # One log line per request, whatever answered it.
    "supportscope.web.requestlog.RequestLogMiddleware",
    # /healthz and /readyz answer before host checks and the HTTPS redirect (see health.py).
    "supportscope.web.health.ProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Usage counters of triage pages, page-cache hits included; memory only (analytics/).
    "supportscope.analytics.middleware.AnalyticsMiddleware",
    # Pages, triage steps and API answers rendered once per policy revision (pagecache.py).
    "supportscope.web.pagecache.PageCacheMiddleware",
    "supportscope.web.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "supportscope.web.middleware.QueryLanguageMiddleware",
    # Stale-policy header; 503 instead of 500 while the database is down.
    "supportscope.web.outage.OutageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Staff previews of the public site under a draft; never cached (policy/preview.py).
    "supportscope.policy.preview.DraftPreviewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Innermost: turns a refused sign-in into the lockout page (supportscope/signin).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "supportscope.urls"
WSGI_APPLICATION = "supportscope.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The admin form of the first question posts every choice with its search terms (about 22
# fields a choice); Django's default of 1000 fields refused it past 45 choices.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 4000

# Admin sign-in protection: django-axes, fitted by supportscope/signin/protection.py.
# axes' backend comes first and refuses to check a password while a lock holds.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "supportscope.signin.protection.SignInHandler"
AXES_CLIENT_IP_CALLABLE = "supportscope.signin.protection.client_address"
AXES_LOCKOUT_CALLABLE = "supportscope.signin.protection.lockout_response"
# Counted per user name and address together; the per-address limit is the handler's.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = SUPPORTSCOPE_SIGNIN_LIMIT_PER_USER
AXES_COOLOFF_TIME = timedelta(minutes=SUPPORTSCOPE_SIGNIN_COOLOFF_MINUTES)
# A correct password clears that name's failures from that address.
AXES_RESET_ON_SUCCESS = True
# Our translated admin (supportscope/signin/admin.py) replaces axes' own.
AXES_ENABLE_ADMIN = False
# Only failures are kept, not a history of every successful sign-in.
AXES_DISABLE_ACCESS_LOG = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: the languages of supportscope/core/languages.py (English and Korean),
# picked from Accept-Language or the switch. Each is named in itself.
LANGUAGE_CODE = languages.DEFAULT
LANGUAGES = list(languages.LANGUAGES)
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# Static files are served by the app itself through whitenoise: no CDN.
STATIC_URL = "/static/"
STATIC_ROOT: Path | None = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Security. TLS ends at a proxy or ingress in production, which sets X-Forwarded-Proto.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a commitment for the whole domain; the operator decides it, not the app.
    "security.W021",
]

# One JSON object per line for every record, tracebacks included (see logformat.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": json_formatter()},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.server": {"level": "WARNING"}},
}
# Python's warnings too (py.warnings logger), instead of raw lines on stderr.
logging.captureWarnings(True)
