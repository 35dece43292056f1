# ResumeRecommender: `make run` serves the demo, `make test` runs the tests. `make help` lists all.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
DEV_ENV := DJANGO_DEBUG=true
STACK_ENV := DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/resumerecommender} \
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0} REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/1}

.DEFAULT_GOAL := help
.PHONY: help venv run demo test test-fast lint format migrations-check up worker beat bench bench-ingest bench-match load soak evaluate train repro dvc-remote clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}'

$(VENV)/.installed: requirements/base.txt requirements/ml.txt requirements/dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/dev.txt
	@touch $@

venv: $(VENV)/.installed ## Create .venv and install the pinned requirements

demo: venv ## Migrate SQLite, load the reference data and the demo data through the real pipeline
	$(DEV_ENV) $(MANAGE) migrate --noinput
	$(DEV_ENV) $(MANAGE) load_reference_data
	$(DEV_ENV) $(MANAGE) load_demo

run: demo ## Serve the app with demo data at http://127.0.0.1:8000 (SQLite, in-process tasks)
	@echo "Open http://127.0.0.1:8000 and log in as printed above."
	$(DEV_ENV) $(MANAGE) runserver 127.0.0.1:8000

test: venv ## Run the whole test suite, one worker per CPU (no external services needed; CI adds PostgreSQL and Redis)
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

test-fast: venv ## The suite without the slow tests (the real embedding model, large data), in parallel
	$(PY) -m pytest -n auto -m "not slow" $(PYTEST_ARGS)

lint: venv ## ruff (lint + format check) and import-linter contracts
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: venv ## Format the code with ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrations-check: venv ## Fail if models and migrations disagree
	$(DEV_ENV) $(MANAGE) makemigrations --check --dry-run

up: venv ## Full stack on local PostgreSQL + Redis: web (gunicorn), worker and beat
	$(STACK_ENV) bash scripts/up.sh

worker: venv ## A Celery worker (needs CELERY_BROKER_URL)
	$(STACK_ENV) $(VENV)/bin/celery -A config worker -l info --concurrency 2

beat: venv ## Celery beat with the database scheduler (needs CELERY_BROKER_URL)
	$(STACK_ENV) $(VENV)/bin/celery -A config beat -l info

bench: venv ## Benchmarks: embedding throughput, search and match latency (ratios and medians)
	$(PY) bench/bench_embeddings.py
	$(PY) bench/bench_search.py
	$(PY) bench/bench_match.py

bench-ingest: venv ## Ingestion throughput: 1,000 postings and 300 resumes, with time shares
	$(PY) bench/bench_ingest.py

bench-match: venv ## Match API p50/p95 at 2k jobs, 100k resumes (SQLite, PostgreSQL); BENCH_MATCH_ARGS="--synthetic 1000000" adds 1M
	@mkdir -p bench/results
	set -o pipefail; DATABASE_URL= $(PY) bench/bench_match.py $(BENCH_MATCH_ARGS) | tee bench/results/bench_match_sqlite.txt
	set -o pipefail; DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/rr_bench} \
		$(PY) bench/bench_match.py $(BENCH_MATCH_ARGS) | tee bench/results/bench_match_postgres.txt

load: venv ## 60 s locust run against gunicorn + PostgreSQL + Redis on 127.0.0.1; fails on any error
	bash bench/load/run_load.sh

DURATION ?= 600
soak: venv ## Soak for DURATION s (default 600): gunicorn + worker + beat on PostgreSQL (rr_soak) + Redis (dbs 6-7), uploads and ingestion, the worker SIGKILLed every 60 s; fails on any lost, duplicated or stuck row
	$(PY) bench/soak.py --duration $(DURATION)

evaluate: venv ## Quality on ../shared/data: classifiers, ranking, drift, skill extraction and requirement splitting against baselines
	$(PY) bench/eval_classifiers.py --data-dir ../shared/data
	$(PY) bench/eval_ranking.py --data-dir ../shared/data
	$(PY) bench/eval_drift.py --data-dir ../shared/data --repeats 20
	$(PY) bench/eval_skills.py --data-dir ../shared/data
	$(PY) bench/eval_requirements.py --data-dir ../shared/data

DATA ?= ../shared/data
train: venv ## Train the category classifiers on the public labelled sets in DATA (../shared/data), evaluate them, register the model
	DVC_NO_ANALYTICS=1 $(PY) -m mlcore.pipelines.run --source shared --shared-dir $(abspath $(DATA))
	$(DEV_ENV) $(MANAGE) migrate --noinput
	$(DEV_ENV) $(MANAGE) retrain --no-repro

repro: venv ## Run the DVC pipeline (dvc repro) on the data that params.yaml names
	DVC_NO_ANALYTICS=1 PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(VENV)/bin/dvc repro

dvc-remote: venv ## Point DVC at DVC_REMOTE_URL (default: a local folder .dvc/storage)
	$(VENV)/bin/dvc remote add --local --force -d storage $${DVC_REMOTE_URL:-$(CURDIR)/.dvc/storage}

clean: ## Remove the SQLite demo database, media and artifacts
	rm -rf db.sqlite3 db.sqlite3-* media artifacts staticfiles
