# SupportScope's container image: gunicorn serving the app on port 8000, as a non-root user.
#
#   docker build -t supportscope:1.0.0 .
#
# Nothing secret is baked in: DJANGO_SECRET_KEY, DATABASE_URL and DJANGO_ALLOWED_HOSTS come
# from the environment at run time (deploy/ reads them from a Secret). Migrations run in
# their own Job (deploy/migrate-job.yaml), never at container start.

# -- build: a virtual environment with the dependencies that pyproject.toml declares ----------
FROM python:3.11-slim-bookworm AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml ./
# The run-time dependencies and the PostgreSQL driver, read from pyproject.toml: the app
# runs from /app, so the package itself is not installed.
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
print('\n'.join(p['dependencies'] + p['optional-dependencies']['postgres']))" > requirements.txt \
 && python -m venv /opt/venv \
 && /opt/venv/bin/pip install --requirement requirements.txt

# -- run --------------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=supportscope.settings

RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin app

COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY manage.py ./
COPY supportscope/ supportscope/
COPY templates/ templates/
COPY static/ static/
COPY locale/ locale/
COPY policy_content/ policy_content/

# Static files are collected (hashed names, gzip) at build time into var/static, which the
# app serves through whitenoise. The key below exists only for this command (settings
# refuse to load without one when debug is off); it is never used at run time.
RUN DJANGO_SECRET_KEY=collectstatic-only-never-used-to-sign python manage.py collectstatic --noinput \
 && python -m compileall -q supportscope /opt/venv/lib \
 && chown -R root:root /app \
 && chmod -R a+rX,go-w /app

# Files stay root-owned and read-only to the app; only /tmp must be writable (an emptyDir
# under Kubernetes, where the root filesystem is read-only).
USER 10001:10001
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

CMD ["gunicorn", "--config", "python:supportscope.gunicorn_conf", "supportscope.wsgi"]
