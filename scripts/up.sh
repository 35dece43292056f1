#!/usr/bin/env bash
# Full stack on this machine's PostgreSQL and Redis: migrate, then gunicorn + worker + beat.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?DATABASE_URL must point at PostgreSQL}" "${CELERY_BROKER_URL:?}"
export DJANGO_DEBUG="${DJANGO_DEBUG:-true}"
db_name="${DATABASE_URL##*/}"
psql "${DATABASE_URL%/*}/postgres" -tc "SELECT 1 FROM pg_database WHERE datname='${db_name%%\?*}'" | grep -q 1 \
  || psql "${DATABASE_URL%/*}/postgres" -c "CREATE DATABASE \"${db_name%%\?*}\""
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py load_reference_data
.venv/bin/python manage.py load_demo
.venv/bin/python manage.py collectstatic --noinput -v0
trap 'kill 0' EXIT
.venv/bin/celery -A config worker -l info --concurrency 2 &
.venv/bin/celery -A config beat -l info &
GUNICORN_BIND=127.0.0.1:8000 .venv/bin/gunicorn -c config/gunicorn.conf.py config.wsgi
