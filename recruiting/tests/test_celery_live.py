"""Real Celery processes against Redis and PostgreSQL: beat fires a source's crontab, a worker
ingests it; a worker killed with SIGKILL mid-ingestion is replaced and nothing is lost or doubled.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from conftest import require_service

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def live_env(tmp_path):
    require_service("Redis", "127.0.0.1", 6379)
    require_service("PostgreSQL", "127.0.0.1", 5432)
    if connection.vendor != "postgresql":
        message = (
            "live worker tests share the test database with other processes: they need PostgreSQL"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    broker = settings.LIVE_BROKER_URL or "redis://127.0.0.1:6379/14"
    import redis

    # Both tests empty and use the one broker database, and each xdist worker has its own test
    # database: a worker of one test would take the other's messages. They take turns, across
    # processes (pytest-xdist's xdist_group does not group under pytest 9).
    lock = (Path(tempfile.gettempdir()) / f"rr-live-broker-{broker.rsplit('/', 1)[-1]}.lock").open(
        "w"
    )
    fcntl.flock(lock, fcntl.LOCK_EX)
    redis.Redis.from_url(broker).flushdb()
    db = settings.DATABASES["default"]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
        f"{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        "REDIS_URL": "",
        "EMBEDDER": "hashing",
        "ARTIFACTS_DIR": str(tmp_path / "artifacts"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "FILE_DROP_DIR": str(tmp_path),
        # Short limits so that a killed worker's task is redelivered within the test.
        "CELERY_TASK_TIME_LIMIT": "8",
        "CELERY_TASK_SOFT_TIME_LIMIT": "6",
    }
    try:
        yield env
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()


def start(env: dict, *args: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def wait_for(predicate, *, timeout: float, what: str, logs: list[Path] = ()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    tails = "\n".join(
        f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in logs if p.exists()
    )
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}\n{tails}")


class Producer:
    """Sends tasks to ``broker`` only. A Celery app's broker_url yields to the CELERY_BROKER_URL
    environment variable (CI sets it), so the connection is given explicitly."""

    def __init__(self, broker: str):
        from celery import Celery

        self.broker = broker
        # Not the current app: the project's tasks (shared_task proxies) would otherwise resolve
        # to this app's plain Task class for the rest of the test session.
        self.app = Celery("producer", broker=broker, set_as_current=False)
        self.app.conf.task_serializer = "json"

    def send_task(self, name: str, args: list) -> None:
        with self.app.connection_for_write(self.broker) as connection:
            self.app.send_task(name, args=args, connection=connection)


def producer(broker: str) -> Producer:
    return Producer(broker)


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    return start(env, "worker", "-l", "info", "--concurrency", "1", "--pool", "solo", log=log)


def run_finished(run_pk: int, *, timeout: float, what: str, logs: list[Path]):
    """Wait until the ingestion run has ended (succeeded or failed); return it."""
    from recruiting.models import IngestionRun

    return wait_for(
        lambda: IngestionRun.objects.filter(pk=run_pk, status__in=["succeeded", "failed"]).first(),
        timeout=timeout,
        what=what,
        logs=logs,
    )


def assert_each_posting_once(source, n: int) -> None:
    """The source's n postings are stored, each external id exactly once."""
    from recruiting.models import Job

    ids = list(Job.objects.filter(source=source).values_list("external_id", flat=True))
    assert len(ids) == n
    assert len(set(ids)) == n


def write_drop(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    postings = [
        {
            "id": f"live-{i:05d}",
            "title": f"Backend Engineer {i}",
            "company": "Acme",
            "location": "Remote",
            "remote": True,
            "description_html": f"<p>Build Python and Django services ({i}). Requirements: "
            "<ul><li>PostgreSQL</li><li>Docker</li></ul></p>",
            "url": f"https://jobs.example.com/{i}",
            "posted_at": "2026-11-01T09:00:00Z",
            "category": "",
        }
        for i in range(n)
    ]
    (folder / "jobs.json").write_text(json.dumps(postings))


def test_beat_fires_the_source_schedule_and_a_worker_ingests_it(live_env, tmp_path, skills):
    from recruiting.models import IngestionRun, Job, JobSource
    from recruiting.services.scheduling import source_save

    drop = tmp_path / "drop"
    write_drop(drop, 5)
    source = source_save(
        source=JobSource(name="Live drop", kind="filedrop", url=str(drop), schedule="* * * * *")
    )
    logs = [tmp_path / "worker.log", tmp_path / "beat.log"]
    worker = start_worker(live_env, logs[0])
    beat = start(
        live_env, "beat", "-l", "info", "--schedule", str(tmp_path / "beat-schedule"), log=logs[1]
    )
    try:
        # crontab "* * * * *" fires at the next minute boundary.
        run = wait_for(
            lambda: IngestionRun.objects.filter(source=source, status="succeeded").first(),
            timeout=150,
            what="a scheduled ingestion run to succeed",
            logs=logs,
        )
    finally:
        stop(beat)
        stop(worker)
    assert run.trigger == "schedule"
    assert run.created == 5
    assert Job.objects.filter(source=source).count() == 5


def test_a_worker_killed_mid_ingestion_loses_and_duplicates_nothing(live_env, tmp_path, skills):

    from recruiting.models import IngestionRun, Job, JobSource
    from recruiting.services.scheduling import source_save

    n = 1500
    drop = tmp_path / "drop"
    write_drop(drop, n)
    source = source_save(
        source=JobSource(name="Kill drop", kind="filedrop", url=str(drop), enabled=False)
    )
    run = IngestionRun.objects.create(source=source, trigger="test")
    producer(live_env["CELERY_BROKER_URL"]).send_task(
        "recruiting.tasks.ingest_source_task", args=[run.pk]
    )

    logs = [tmp_path / "worker1.log", tmp_path / "worker2.log"]
    first = start_worker(live_env, logs[0])
    try:
        wait_for(
            lambda: IngestionRun.objects.get(pk=run.pk).processed >= 50,
            timeout=120,
            what="the first worker to be part-way through the run",
            logs=logs,
        )
        stop(first, signal.SIGKILL)
        killed_at = Job.objects.filter(source=source).count()
        assert 0 < killed_at < n, "the worker must die mid-run for this test to mean anything"
        second = start_worker(live_env, logs[1])
        try:
            final = run_finished(
                run.pk, timeout=240, what="the redelivered run to finish", logs=logs
            )
        finally:
            stop(second)
    finally:
        stop(first, signal.SIGKILL)
    assert final.status == "succeeded", final.message
    assert_each_posting_once(source, n)
