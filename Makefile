# SupportScope: `make run` serves the app, `make test` runs every check.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# deploy/ is validated against the oldest Kubernetes version AKS supports that we target.
K8S_VERSION ?= 1.32.0
MANIFESTS = $(shell find deploy -name '*.yaml' ! -name kustomization.yaml | sort)

.PHONY: run test lint bench soak rehearse messages learned clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# Set up, load the shipped policy into var/db.sqlite3 and serve http://127.0.0.1:8000/
run: $(STAMP)
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(PYTHON) ../shared/tools/originality.py policy_content 2>/dev/null \
	  || [ ! -f ../shared/tools/originality.py ]
	$(BIN)/hadolint Dockerfile
	$(BIN)/kubernetes-validate --strict --quiet -k $(K8S_VERSION) $(MANIFESTS)

# Lint, then the whole suite (unit, API, browser and accessibility) with branch coverage:
# the tests not marked `serial` in $(TEST_WORKERS) processes (pytest-xdist, one file per
# process at a time), then the `serial` ones alone, adding to the same coverage data.
TEST_WORKERS ?= auto
test: lint
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile -m "not serial" --cov --cov-report=
	$(BIN)/pytest -m serial --cov --cov-append --cov-report=term --cov-fail-under=90

# SupportScope against bare Django under gunicorn, loaded by wrk (apt-get install -y wrk).
# SQLite by default; PostgreSQL when DATABASE_URL says so. Writes bench/results/latest.json.
bench: $(STAMP)
	$(BIN)/python -m bench

# The suggester on the ticket corpus (tests/corpus/*.toml): right, wrong and left open,
# per file and per language. -v lists the misses of the working files (never of the holdout).
accuracy: $(STAMP)
	$(BIN)/python -m tests.accuracy $(ACCURACY_ARGS)

# Retrain the models learned from labelled tickets (supportscope/core/learned.py: the
# tie-breaker among close first answers and the level model) on the working ticket files,
# after adding or relabelling tickets: writes supportscope/core/learned.tsv and levels.tsv.
learned: $(STAMP)
	$(BIN)/python -m tests.learn

# 60 s at 32 connections on the verdict page, the API and /policy/: errors and worker memory.
soak: $(STAMP)
	$(BIN)/python -m bench --soak

# Production in miniature on 127.0.0.1: nginx in front of two gunicorn instances on one
# PostgreSQL database, rolling restarts under wrk load (apt-get install -y nginx wrk).
# REHEARSE_DATABASE_URL (default postgres://app:app@127.0.0.1:5432/app_rehearse) is dropped
# and made afresh. Writes bench/results/rehearsal.json.
rehearse: $(STAMP)
	$(BIN)/python -m bench.rehearse

# Rebuild the Korean catalogue after changing UI strings (needs GNU gettext).
messages: $(STAMP)
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages -l ko --ignore=$(VENV) --ignore=var
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=$(VENV)

clean:
	rm -rf $(VENV) var .coverage .pytest_cache .ruff_cache .mypy_cache
