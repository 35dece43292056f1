"""Warm-up at process start loads the model, the reference models and the shared stores, and a
step that fails does not stop the process."""

from __future__ import annotations

import logging
import os

import pytest

from matching.services import store
from matching.services.warmup import warm_up
from recruiting.services.resumes import resume_create_from_text

pytestmark = pytest.mark.django_db


def test_warm_up_maps_both_stores_and_times_every_step(recruiter, skills):
    seconds = warm_up()
    assert {"model", "keywords", "sentences", "taxonomy", "resume store", "job store"} <= set(
        seconds
    )
    assert all(value >= 0 for value in seconds.values())
    assert {kind for kind, _ in store._loaded} == {"resume", "job"}


@pytest.mark.skipif(not os.path.exists("/proc/self/smaps"), reason="Linux's smaps")
def test_warm_up_maps_the_stores_without_counting_their_pages_in_this_process(
    recruiter, skills, django_capture_on_commit_callbacks
):
    """The stores' pages stay in the machine's page cache, shared; the process maps them and
    faults in only what a request reads. Touching every page at warm-up counted the whole
    resume store in each web worker's RSS."""
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            resume_create_from_text(
                owner=recruiter, text=f"Candidate {n}\nPython and Django developer, {n} years."
            )
    warm_up()
    mapped = {}
    current = None
    with open("/proc/self/smaps", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            head = line.split()
            if len(head) >= 6 and "-" in head[0]:
                current = head[5] if head[5].endswith("vectors.npy") else None
            elif current and line.startswith("Rss:"):
                mapped[current] = mapped.get(current, 0) + int(head[1])
    vectors = {path: kb for path, kb in mapped.items() if "/store/resume/" in path}
    assert vectors, "the resume store's vectors are mapped"
    assert sum(vectors.values()) == 0


def test_a_failing_step_is_logged_and_skipped(monkeypatch, caplog):
    def broken():
        raise OSError("disk gone")

    monkeypatch.setattr("recruiting.services.embedding.keyword_model_get", broken)
    with caplog.at_level(logging.ERROR):
        seconds = warm_up()
    assert "keywords" in seconds and "warm-up step keywords failed" in caplog.text


def test_gunicorn_workers_warm_up_once_the_application_is_loaded(settings, monkeypatch):
    import runpy

    calls = []
    monkeypatch.setattr("matching.services.warmup.warm_up", lambda: calls.append(1))
    config = runpy.run_path("config/gunicorn.conf.py")
    settings.WARM_UP = True
    config["post_worker_init"](None)
    settings.WARM_UP = False
    config["post_worker_init"](None)
    assert calls == [1]


def test_a_web_process_keeps_one_blas_thread_and_other_processes_keep_numpys_default(settings):
    from threadpoolctl import ThreadpoolController, threadpool_limits

    from matching.services.warmup import web_process_ready

    def blas_threads() -> set[int]:
        return {p["num_threads"] for p in ThreadpoolController().info() if p["user_api"] == "blas"}

    settings.WARM_UP = False
    with threadpool_limits(limits=2, user_api="blas"):  # restored after the test
        assert blas_threads() == {2}
        settings.WEB_NUMPY_THREADS = 0
        web_process_ready()
        assert blas_threads() == {2}
        settings.WEB_NUMPY_THREADS = 1
        web_process_ready()
        assert blas_threads() == {1}


def test_gunicorn_boots_its_workers_with_the_projects_config(tmp_path):
    """The real server, started as the Dockerfile starts it, in an environment that names no
    settings module: every worker boots and answers (a hook that reads Django's settings
    before the application is loaded kills each worker at boot)."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request
    from pathlib import Path

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PYTEST")) and k not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_DEBUG="true",
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        WARM_UP="false",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="2",
        CELERY_BROKER_URL="",
    )
    root = Path(__file__).resolve().parents[2]
    log = tmp_path / "gunicorn.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"],
        cwd=root,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        status = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=5) as r:
                    status = r.status
            except urllib.error.HTTPError as exc:
                status = exc.code  # 503 on an unmigrated database is still an answer
            except OSError:
                time.sleep(0.5)
                continue
            break
        text = log.read_text(errors="replace")
        assert status in (200, 503), text[-3000:]
        assert "Exception in worker process" not in text, text[-3000:]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
