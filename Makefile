# Kōbo's front door. `make run` starts the portal with the Kobe demo; `make test` runs the suite.
# Both do all set-up on a fresh Debian machine: Debian packages (when root), the virtualenv,
# pinned Python packages, migrations and compiled translations.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
# manage.py, wsgi and Celery default to the production settings (docs/adr/0005): development
# commands name the local or test settings explicitly.
LOCAL := DJANGO_SETTINGS_MODULE=portal.settings.local
TESTING := DJANGO_SETTINGS_MODULE=portal.settings.test
HOST ?= 127.0.0.1
PORT ?= 8000
# The one public address: links in every email, and Wagtail's default Site (synced by `sync_site`).
# Exported so the web server, the worker and beat agree (honcho gives each process its own PORT).
KOBO_PUBLIC_URL ?= http://$(HOST):$(PORT)
export KOBO_PUBLIC_URL

# Debian packages: HarfBuzz subsetting and a Japanese font for WeasyPrint, poppler for reading
# PDFs back, gettext for translations; Chromium for the browser tests.
DEBS_RUN := libharfbuzz-subset0 fonts-noto-cjk poppler-utils gettext
DEBS_TEST := $(DEBS_RUN) chromium
# make scan: sqlmap (wapiti comes from PyPI into its own venv: Debian's is too old), TLS and HTTP tools.
DEBS_SCAN := sqlmap openssl curl redis-tools
SCAN_VENV := var/scan-venv
# The pages benchmark: wrk for the load, perf for the CPU time of the gunicorn workers.
DEBS_BENCH := $(DEBS_TEST) wrk linux-perf

.PHONY: help run setup test lint format bench bench-smoke faults scan debs-run debs-test debs-bench debs-scan clean

help:
	@echo "make run    set up everything and start the portal (web, Celery workers and beat) on http://$(HOST):$(PORT)/"
	@echo "make test   set up everything and run the whole test suite"
	@echo "make lint   ruff, formatting, mypy, import contracts, missing migrations and the production deploy check"
	@echo "make bench  run the benchmarks under bench/ (results in bench/results/, see docs/performance.md)"
	@echo "make bench-smoke  a tiny run of each benchmark, as CI does"
	@echo "make faults  outages injected into the production stack, one line of figures per fault"
	@echo "make scan   bandit, check --deploy, wapiti and sqlmap against a throwaway production server"

# --- Debian packages ----------------------------------------------------------

define ensure_debs
	@if ! command -v dpkg-query >/dev/null; then \
	  echo "Not a Debian system: please install the equivalents of: $(1)"; exit 0; fi; \
	missing=""; \
	for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if ! $(PYTHON) -c "import ensurepip, venv" 2>/dev/null; then missing="$$missing python3-venv"; fi; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "These Debian packages are missing:$$missing"; \
	    echo "Install them, then run make again:  sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi
endef

debs-run:
	$(call ensure_debs,$(DEBS_RUN))

debs-test:
	$(call ensure_debs,$(DEBS_TEST))

debs-scan:
	$(call ensure_debs,$(DEBS_SCAN))
debs-bench:
	$(call ensure_debs,$(DEBS_BENCH))

# --- Virtualenv -----------------------------------------------------------------

$(VENV)/.run-installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.test-installed: requirements.txt requirements-test.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check -r requirements-test.txt
	@touch $@ $(VENV)/.run-installed

var:
	@mkdir -p var/broker/queue var/broker/processed var/broker/control var/results var/private var/media var/mail

# --- Run ----------------------------------------------------------------------------

setup: debs-run $(VENV)/.run-installed var
	$(LOCAL) $(MANAGE) compilemessages --ignore=.venv -v 0
	$(LOCAL) $(MANAGE) migrate --no-input -v 0
	$(LOCAL) $(MANAGE) load_site_content
	$(LOCAL) $(MANAGE) sync_site
	$(LOCAL) $(MANAGE) load_kobe_demo
	$(LOCAL) $(MANAGE) create_demo_users
	$(LOCAL) $(MANAGE) load_demo_applications

# Web server, two Celery workers (mail, exports) and beat (Procfile.dev, run by honcho); one Ctrl-C stops them all.
run: setup
	@echo ""
	@echo "Kōbo is starting on $(KOBO_PUBLIC_URL)/  (English: $(KOBO_PUBLIC_URL)/en/, admin: $(KOBO_PUBLIC_URL)/admin/)"
	@echo "Demo logins (password for all: $$($(LOCAL) $(MANAGE) shell -v 0 -c 'from django.conf import settings; print(settings.KOBO_DEMO_PASSWORD)')): editor, approver, screener, official, admin"
	@echo "Press Ctrl-C once to stop the web server, the workers and beat."
	HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/honcho -f Procfile.dev start

# --- Test and lint ----------------------------------------------------------------

# The suite runs in one process per core (pytest-xdist), browser tests included; each process has
# its own test database, files, broker folders or Redis keys, and live server (portal/settings/test.py).
# `make test TEST_PROCESSES=0` runs it in this process; PYTEST_ARGS adds options (e.g. a path).
TEST_PROCESSES ?= auto
test: debs-test $(VENV)/.test-installed var
	$(TESTING) $(MANAGE) compilemessages --ignore=.venv -v 0
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest -n $(TEST_PROCESSES) $(PYTEST_ARGS)

lint: $(VENV)/.test-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(TESTING) $(MANAGE) makemigrations --check --dry-run
	SECRET_KEY="lint-only-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(60))')" \
	  ALLOWED_HOSTS=kobo.example.jp DATABASE_URL=sqlite:///:memory: CACHE_URL=redis://127.0.0.1:6379/1 KOBO_TRUSTED_PROXY_COUNT=1 KOBO_PUBLIC_URL=https://kobo.example.jp \
	  DJANGO_SETTINGS_MODULE=portal.settings.production $(MANAGE) check --deploy --fail-level WARNING

# Benchmarks report ratios against a reference measured in the same run; results in bench/results/,
# summarised in docs/performance.md. Every bench/*_bench.py is one benchmark and takes --smoke: a tiny
# run (results in var/bench-smoke/) that CI makes after the tests so that none of them rots.
# The surge, screening and faults benchmarks need PostgreSQL (DATABASE_URL) and Redis (CELERY_BROKER_URL).
# The faults benchmark (`make faults`, outages injected into the production stack) takes minutes even
# with --smoke, so bench-smoke leaves it out.
BENCHES := $(sort $(wildcard bench/*_bench.py))
SMOKE_BENCHES := $(filter-out bench/faults_bench.py,$(BENCHES))

bench: debs-bench $(VENV)/.test-installed var
	$(TESTING) $(MANAGE) compilemessages --ignore=.venv -v 0
	@for b in $(BENCHES); do echo "== $$b"; $(PY) $$b || exit 1; done

bench-smoke: debs-bench $(VENV)/.test-installed var
	$(TESTING) $(MANAGE) compilemessages --ignore=.venv -v 0
	@started=$$(date +%s); \
	for b in $(SMOKE_BENCHES); do echo "== $$b --smoke"; $(PY) $$b --smoke >var/bench-smoke.log 2>&1 || { tail -50 var/bench-smoke.log; exit 1; }; done; \
	echo "bench-smoke: $(words $(SMOKE_BENCHES)) benchmarks in $$(( $$(date +%s) - started )) s (results in var/bench-smoke/)"

faults: debs-bench $(VENV)/.test-installed var
	$(TESTING) $(MANAGE) compilemessages --ignore=.venv -v 0
	$(PY) bench/faults_bench.py

# Security scans (security/scan.sh): bounded in time, gated on the tools' reports; reports in var/scan/.
$(SCAN_VENV)/.installed: security/requirements-wapiti.txt
	@test -x $(SCAN_VENV)/bin/python || $(PYTHON) -m venv $(SCAN_VENV)
	$(SCAN_VENV)/bin/pip install -q --disable-pip-version-check -r security/requirements-wapiti.txt
	@touch $@

scan: debs-scan $(VENV)/.test-installed $(SCAN_VENV)/.installed
	security/scan.sh

format: $(VENV)/.test-installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf var static .pytest_cache
