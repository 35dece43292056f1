#!/usr/bin/env bash
# Bounded load run on 127.0.0.1: a fresh PostgreSQL database with the demo data, gunicorn (2 workers,
# production settings, Redis cache) and `locust --headless` for LOAD_SECONDS with LOAD_USERS users.
# Prints requests, throughput, p50/p95/p99 per endpoint and the failures; exits 1 on any failure
# (429 and 5xx included) or an error in the gunicorn log. Always stops gunicorn and drops the database.
#
#   bash bench/load/run_load.sh   # LOAD_SECONDS=60 LOAD_USERS=10 LOAD_WAIT=0.5,2.0 (think time, s)
#                                 # LOAD_JOBS/LOAD_RESUMES: scale the demo data first; LOAD_OUTPUT=file
#                                 # LOAD_WARMUP_CAP=200: ids of each kind fetched once before timing
set -euo pipefail
cd "$(dirname "$0")/../.."

PG="${LOAD_PG:-postgres://postgres@127.0.0.1:5432}"
REDIS="${LOAD_REDIS:-redis://127.0.0.1:6379}"
SECONDS_="${LOAD_SECONDS:-60}"
USERS="${LOAD_USERS:-10}"
export LOAD_WAIT="${LOAD_WAIT:-0.5,2.0}"
PY=.venv/bin/python
DB="rr_load_$$"
WORK="$(mktemp -d /tmp/rr-load-XXXXXX)"
OUT="${LOAD_OUTPUT:-}"
GUNICORN_PID=""

cleanup() {
  local rc=$?
  if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
    kill -TERM "$GUNICORN_PID" 2>/dev/null || true
    for _ in $(seq 30); do kill -0 "$GUNICORN_PID" 2>/dev/null || break; sleep 1; done
    kill -KILL "$GUNICORN_PID" 2>/dev/null || true
  fi
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS ${DB} WITH (FORCE)" >/dev/null 2>&1 || true
  redis-cli -u "$REDIS/12" flushdb >/dev/null 2>&1 || true
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '== %s\n' "$*"; }

# Production settings, except what plain http on 127.0.0.1 needs: no HTTPS redirect (there is no
# TLS proxy in front). HSTS and secure cookies stay on; token auth needs no cookie.
export DJANGO_DEBUG=false
DJANGO_SECRET_KEY="load-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export DJANGO_SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=false
export DATABASE_URL="$PG/$DB"
export REDIS_URL="$REDIS/12"
export ARTIFACTS_DIR="$WORK/artifacts" MEDIA_ROOT="$WORK/media"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1  # the model comes from an installed package
export LOG_LEVEL=WARNING
# The per-user match throttle (120/min by default) would turn one load user's calls into 429s:
# lift the limit through its documented variable. The throttle still runs, against Redis.
export THROTTLE_MATCH="${LOAD_THROTTLE_MATCH:-100000/min}"
unset CELERY_BROKER_URL  # load_demo runs its tasks in-process

log "database ${DB} and demo data"
psql "$PG/postgres" -qc "CREATE DATABASE ${DB}"
redis-cli -u "$REDIS/12" flushdb >/dev/null
$PY manage.py migrate --noinput -v0
# As the Dockerfile does: whitenoise serves the collected, hashed files (staticfiles/, ignored).
$PY manage.py collectstatic --noinput -v0
$PY manage.py load_demo >/dev/null
$PY bench/load/prepare.py --out "$WORK" --jobs "${LOAD_JOBS:-0}" --resumes "${LOAD_RESUMES:-0}"
# As a deployment does after loading data: the shared stores, before any web process starts.
$PY manage.py rebuild_index >/dev/null

PORT="$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
HOST="http://127.0.0.1:${PORT}"
log "gunicorn on ${HOST} (2 workers, as in the Dockerfile)"
# The health check reports the broker too; no worker is needed for read-only traffic.
CELERY_BROKER_URL="$REDIS/13" GUNICORN_BIND="127.0.0.1:${PORT}" .venv/bin/gunicorn \
  -c config/gunicorn.conf.py config.wsgi --error-logfile "$WORK/gunicorn.log" &
GUNICORN_PID=$!
for _ in $(seq 60); do
  curl -fsS "$HOST/health/" >/dev/null 2>&1 && break
  kill -0 "$GUNICORN_PID" 2>/dev/null || { cat "$WORK/gunicorn.log"; exit 1; }
  sleep 1
done
curl -fsS "$HOST/health/"; echo
$PY bench/load/warmup.py --host "$HOST" --dir "$WORK" --cap "${LOAD_WARMUP_CAP:-200}"

log "locust: ${USERS} users for ${SECONDS_} s; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
set +e
LOAD_TOKEN="$(cat "$WORK/token")" LOAD_SESSION="$(cat "$WORK/session")" LOAD_IDS="$WORK/ids.json" .venv/bin/locust \
  -f bench/load/locustfile.py --headless --host "$HOST" --users "$USERS" --spawn-rate "$USERS" \
  --run-time "${SECONDS_}s" --stop-timeout 30 --only-summary --csv "$WORK/locust" \
  --loglevel WARNING >"$WORK/locust.out" 2>&1
locust_rc=$?
set -e

log "summary ($(nproc) cores; ${DB} on PostgreSQL, Redis cache; gunicorn 2 sync workers)"
summary_rc=0
{
  echo "load run: ${USERS} users, ${SECONDS_} s, think time ${LOAD_WAIT/,/-} s, ${HOST}, $(date -u +%FT%TZ)"
  $PY bench/load/summarize.py "$WORK/locust" || summary_rc=$?
  echo "gunicorn log: $(grep -cE '\[ERROR\]|Traceback|WORKER TIMEOUT' "$WORK/gunicorn.log" || true) errors"
} >"$WORK/summary.txt"
cat "$WORK/summary.txt"
if [ -n "$OUT" ]; then cp "$WORK/summary.txt" "$OUT"; fi
if [ "$summary_rc" -ne 0 ] || [ "$locust_rc" -ne 0 ] || ! grep -q '^gunicorn log: 0 errors' "$WORK/summary.txt"; then
  echo "load run FAILED (locust exit ${locust_rc}); locust output:"
  tail -20 "$WORK/locust.out"
  grep -E '\[ERROR\]|Traceback|WORKER TIMEOUT' -A5 "$WORK/gunicorn.log" | head -40 || true
  exit 1
fi
echo "load run passed: no failures"
