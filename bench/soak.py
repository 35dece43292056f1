"""Soak run: the full stack under uploads and ingestion while its Celery worker is killed.

gunicorn (2 workers, production settings) + a Celery worker + celery beat on a fresh PostgreSQL
database and Redis dbs 6-7 (all on 127.0.0.1). For DURATION seconds, resumes are uploaded through
the API (JSON text and multipart files) and the upload page, pages and API lists are read, and
a file-drop job source (beat runs it every minute) gets new and changed postings every 20 s;
every KILL_EVERY seconds the worker is SIGKILLed and started again. Then the load stops, the run
lease is left to pass, the recovery sweep runs (as beat does every 5 minutes) and the final
postings are ingested once more, and the run reports:

- lost: uploads acknowledged with an id whose resume is missing or never processed, and postings
  of the last drop file missing from the database;
- duplicated: more than one job per (source, external id), more than one resume per file;
- stuck: resumes still pending or processing, ingestion runs still queued or running;
- p50/p95/p99 of the page calls and of the API calls, and every 5xx.

    python bench/soak.py --duration 600      # make soak DURATION=600

Exits 1 when anything is lost, duplicated or stuck, or a call answered 5xx. Always stops what it
started and drops its database (``--keep`` keeps database and work folder for a look).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
BIN = ROOT / ".venv" / "bin"
SOURCE_NAME = "Soak feed"
# The worker processes a resume in well under a second; a row older than this is not in flight.
LEASE_SECONDS = 60

SKILLS = ["Python", "Django", "PostgreSQL", "Docker", "Kubernetes", "React", "Java", "SQL", "AWS"]
TITLES = ["Backend Engineer", "Data Analyst", "DevOps Engineer", "Accountant", "Sales Manager"]


def log(message: str) -> None:
    print(f"== {time.strftime('%H:%M:%S')} {message}", flush=True)


def resume_text(n: int) -> str:
    rng = random.Random(n)
    skills = ", ".join(rng.sample(SKILLS, 4))
    return (
        f"Candidate {n} Soak\ncandidate{n}@example.com | +1 555 {n % 1000:03d} {n % 10000:04d}\n\n"
        f"Summary\n{rng.choice(TITLES)} with {rng.randint(1, 15)} years of {skills}.\n\n"
        f"Experience\n{rng.choice(TITLES)}, Acme {n}, Jan 2019 - Present\n"
        f"- Built services with {skills} for {rng.randint(2, 90)} teams.\n\n"
        f"Skills\n{skills}\n"
    )


# --- the database side: run inside Django, in a subprocess --------------------------------------


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()


def cmd_prepare(out: Path) -> None:
    """Token and session of the demo recruiter, and the soak file-drop source (every minute)."""
    django_setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from recruiting.models import JobSource
    from recruiting.services.scheduling import source_save

    sys.path.insert(0, str(ROOT / "bench" / "load"))
    from prepare import logged_in_session

    user = get_user_model().objects.get(username="recruiter")
    admin = get_user_model().objects.get(username="admin")
    drop = Path(settings.FILE_DROP_DIR) / "soak"
    drop.mkdir(parents=True, exist_ok=True)
    source = JobSource(
        name=SOURCE_NAME, kind=JobSource.Kind.FILEDROP, url=str(drop), schedule="* * * * *"
    )
    source_save(source=source)
    (out / "prepared.json").write_text(
        json.dumps(
            {
                "token": Token.objects.get_or_create(user=user)[0].key,
                "admin_token": Token.objects.get_or_create(user=admin)[0].key,
                "session": logged_in_session(user),
                "source": source.pk,
                "drop": str(drop),
            }
        )
    )


def cmd_sweep() -> None:
    """What beat's recovery sweeps do every 5 minutes, once now."""
    django_setup()
    from matching.tasks import retrain_requeue_stale_task
    from recruiting.services.recovery import documents_requeue_stale

    print(documents_requeue_stale())
    retrain_requeue_stale_task.delay()


def cmd_ingest(source_id: int) -> None:
    """Queue one run of the soak source (as its schedule does)."""
    django_setup()
    from recruiting.models import JobSource
    from recruiting.services.ingestion import ingestion_enqueue

    print(ingestion_enqueue(source=JobSource.objects.get(pk=source_id), trigger="soak").pk)


def cmd_count(out: Path) -> None:
    """Rows still in flight: resumes pending or processing, runs queued or running."""
    django_setup()
    from recruiting.models import IngestionRun, Resume

    busy = {
        "resumes": Resume.objects.filter(status__in=["pending", "processing"]).count(),
        "runs": IngestionRun.objects.filter(status__in=["queued", "running"]).count(),
    }
    out.write_text(json.dumps(busy))


def cmd_check(work: Path) -> None:
    """Lost, duplicated and stuck rows, from the driver's record of acknowledged uploads."""
    django_setup()
    from django.db.models import Count
    from django.utils import timezone

    from matching.models import RetrainRun
    from recruiting.models import IngestionRun, Job, Resume

    acked = json.loads((work / "acked.json").read_text())
    prepared = json.loads((work / "prepared.json").read_text())
    final_ids = set(json.loads((work / "final_ids.json").read_text()))
    ids = set(acked["ids"])
    found = dict(Resume.objects.filter(pk__in=ids).values_list("pk", "status"))
    missing = sorted(ids - set(found))
    unprocessed = sorted(pk for pk, status in found.items() if status in ("pending", "processing"))
    failed = sorted(pk for pk, status in found.items() if status == "failed")
    stored = set(
        Job.objects.filter(source_id=prepared["source"]).values_list("external_id", flat=True)
    )
    dup_jobs = list(
        Job.objects.exclude(external_id="")
        .values("source_id", "external_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    dup_resumes = list(
        Resume.objects.values("owner_id", "sha256").annotate(n=Count("id")).filter(n__gt=1)
    )
    lease = timezone.now() - datetime.timedelta(seconds=LEASE_SECONDS)
    stuck_resumes = Resume.objects.filter(
        status__in=["pending", "processing"], updated_at__lt=lease
    ).count()
    stuck_runs = IngestionRun.objects.filter(status__in=["queued", "running"]).count()
    stuck_retrains = RetrainRun.objects.filter(status__in=["queued", "running"]).count()
    runs = dict(
        IngestionRun.objects.values_list("status").annotate(n=Count("id")).order_by("status")
    )
    report = {
        "acknowledged_uploads": len(ids),
        "lost_uploads": len(missing) + len(unprocessed),
        "lost_upload_ids": (missing + unprocessed)[:20],
        "failed_uploads": len(failed),
        "final_postings": len(final_ids),
        "lost_postings": len(final_ids - stored),
        "duplicated_jobs": len(dup_jobs),
        "duplicated_resumes": len(dup_resumes),
        "stuck_resumes": stuck_resumes,
        "stuck_ingestion_runs": stuck_runs,
        "stuck_retrain_runs": stuck_retrains,
        "ingestion_runs": runs,
        # A run cut off by a kill is failed by the run that takes it over, with the reason.
        "failed_run_messages": sorted(
            set(IngestionRun.objects.filter(status="failed").values_list("message", flat=True))
        )[:5],
        "resumes_ready": Resume.objects.filter(status="ready").count(),
        "jobs": Job.objects.count(),
    }
    (work / "check.json").write_text(json.dumps(report, indent=1))


# --- the driver: HTTP load, the feed and the killer ------------------------------------------------


@dataclass
class Calls:
    lock: threading.Lock = field(default_factory=threading.Lock)
    times: dict[str, list[float]] = field(default_factory=lambda: {"page": [], "api": []})
    statuses: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    acked: list[int] = field(default_factory=list)

    def record(self, kind: str, name: str, seconds: float, status: int) -> None:
        with self.lock:
            self.times[kind].append(seconds)
            key = f"{kind} {status}"
            self.statuses[key] = self.statuses.get(key, 0) + 1
            if status >= 500 or status == 0:
                self.errors.append(f"{name}: {status}")


class Driver:
    def __init__(
        self, host: str, prepared: dict, calls: Calls, stop: threading.Event, upload_every: float
    ) -> None:
        self.host, self.calls, self.stop = host, calls, stop
        self.upload_every = upload_every
        self.token, self.session = prepared["token"], prepared["session"]
        self.counter = iter(range(1, 10**9))
        self.counter_lock = threading.Lock()

    def next_n(self) -> int:
        with self.counter_lock:
            return next(self.counter)

    def call(
        self, kind: str, name: str, method: str, url: str, **kwargs
    ) -> requests.Response | None:
        start = time.monotonic()
        try:
            response = requests.request(method, self.host + url, timeout=60, **kwargs)
        except requests.RequestException as exc:
            self.calls.record(kind, f"{name} {type(exc).__name__}", time.monotonic() - start, 0)
            return None
        self.calls.record(kind, name, time.monotonic() - start, response.status_code)
        return response

    def api_headers(self) -> dict:
        return {"Authorization": f"Token {self.token}"}

    def page_headers(self, csrf: str = "") -> dict:
        cookie = f"sessionid={self.session}" + (f"; csrftoken={csrf}" if csrf else "")
        headers = {"Cookie": cookie}
        if csrf:
            headers["X-CSRFToken"] = csrf
        return headers

    def api_uploads(self) -> None:
        while not self.stop.is_set():
            n = self.next_n()
            if n % 2:
                response = self.call(
                    "api", "POST resume text", "POST", "/api/v1/resumes/",
                    json={"text": resume_text(n)}, headers=self.api_headers(),
                )  # fmt: skip
            else:
                response = self.call(
                    "api", "POST resume file", "POST", "/api/v1/resumes/",
                    files={"file": (f"cv{n}.txt", resume_text(n).encode())},
                    headers=self.api_headers(),
                )  # fmt: skip
            self.ack(response)
            self.stop.wait(self.upload_every)

    def ack(self, response) -> None:
        if response is None or response.status_code not in (200, 201):
            return
        for result in response.json().get("results", []):
            if result.get("id"):
                with self.calls.lock:
                    self.calls.acked.append(result["id"])

    def page_uploads(self) -> None:
        csrf = ""
        while not self.stop.is_set():
            if not csrf:
                page = self.call(
                    "page", "GET upload page", "GET", "/resumes/upload/",
                    headers=self.page_headers(),
                )  # fmt: skip
                csrf = page.cookies.get("csrftoken", "") if page is not None else ""
                if not csrf:
                    self.stop.wait(1)
                    continue
            n = self.next_n()
            response = self.call(
                "page", "POST upload page", "POST", "/resumes/upload/",
                files={"files": (f"page{n}.txt", resume_text(n).encode())},
                headers={**self.page_headers(csrf), "X-Upload-Fragment": "1"},
            )  # fmt: skip
            if response is not None and response.status_code == 200:
                ids = {int(m) for m in re.findall(r"/resumes/(\d+)/", response.text)}
                if len(ids) != 1:
                    self.calls.errors.append(f"upload page answered {len(ids)} resume ids")
                with self.calls.lock:
                    self.calls.acked.extend(ids)
            self.stop.wait(2 * self.upload_every)

    def readers(self) -> None:
        pages = ["/", "/jobs/", "/resumes/", "/jobs/?q=python"]
        apis = ["/api/v1/jobs/", "/api/v1/resumes/", "/api/v1/jobs/?remote=true"]
        while not self.stop.is_set():
            url = random.choice(pages)
            self.call("page", f"GET {url}", "GET", url, headers=self.page_headers())
            url = random.choice(apis)
            self.call("api", f"GET {url}", "GET", url, headers=self.api_headers())
            with self.calls.lock:
                known = list(self.calls.acked[-50:])
            if known:
                pk = random.choice(known)
                self.call(
                    "page", "GET resume page", "GET", f"/resumes/{pk}/", headers=self.page_headers()
                )
                self.call(
                    "api", "GET resume", "GET", f"/api/v1/resumes/{pk}/", headers=self.api_headers()
                )
            self.stop.wait(0.3)


def write_postings(drop: Path, generation: int) -> list[str]:
    """The feed's full listing at one moment: it grows by 10 postings and changes 5 each time."""
    postings = []
    for i in range(40 + 10 * generation):
        changed = generation if i % 8 == generation % 8 else 0
        postings.append(
            {
                "id": f"soak-{i:05d}",
                "title": f"{TITLES[i % len(TITLES)]} {i}",
                "company": "Acme",
                "location": "Remote",
                "remote": bool(i % 2),
                "description_html": f"<p>Build services with {SKILLS[i % 9]} and {SKILLS[(i + 3) % 9]}"
                f" (revision {changed}).</p><h3>Requirements</h3><ul><li>{SKILLS[(i + 5) % 9]}</li>"
                "<li>3+ years</li></ul>",
                "url": f"https://jobs.example.com/soak/{i}",
                "posted_at": "2026-12-01T09:00:00Z",
                "category": "",
            }
        )
    tmp = drop / ".jobs.json.tmp"  # names starting with "." are ignored by the adapter
    tmp.write_text(json.dumps(postings))
    tmp.replace(drop / "jobs.json")
    return [p["id"] for p in postings]


class Stack:
    """gunicorn, the worker and beat, each in its own process group (the worker's pool too)."""

    def __init__(self, env: dict, work: Path) -> None:
        self.env, self.work = env, work
        self.procs: dict[str, subprocess.Popen] = {}
        self.kills = 0

    def start(self, name: str, *args: str) -> None:
        out = open(self.work / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        self.procs[name] = subprocess.Popen(
            args,
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_worker(self) -> None:
        self.start(
            "worker",
            str(BIN / "celery"),
            "-A",
            "config",
            "worker",
            "-l",
            "info",
            "--concurrency",
            "2",
        )

    def kill_worker(self) -> None:
        proc = self.procs["worker"]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # the main process and its pool, mid-task
        proc.wait()
        self.kills += 1

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        deadline = time.monotonic() + 30
        for proc in self.procs.values():
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def percentiles(values: list[float]) -> str:
    if len(values) < 2:
        return f"{len(values)} calls"
    q = statistics.quantiles(values, n=100)
    return f"{len(values)} calls, p50 {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms, p99 {q[98] * 1000:.0f} ms"


def run(args) -> int:
    work = Path(tempfile.mkdtemp(prefix="rr-soak-"))
    db = args.db
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "soak-" + secrets.token_hex(16),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"{args.pg}/{db}",
        "REDIS_URL": f"{args.redis}/7",
        "MEDIA_ROOT": str(work / "media"),
        "ARTIFACTS_DIR": str(work / "artifacts"),
        "FILE_DROP_DIR": str(work / "drop"),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "LOG_LEVEL": "WARNING",
        # Uploads far above a person's rate are the point: the per-user limits would answer 429.
        "THROTTLE_UPLOAD": "100000/min",
        "THROTTLE_MATCH": "100000/min",
        # A run whose worker died is taken over after this lease; the sweep re-sends a pending
        # resume this long after its last change (documented settings, shortened for a short run).
        "RUN_LEASE_SECONDS": str(LEASE_SECONDS),
        "REQUEUE_PENDING_AFTER_SECONDS": "120",
    }
    env.pop("CELERY_BROKER_URL", None)
    (work / "drop").mkdir()
    stack = Stack(env, work)
    stop = threading.Event()
    calls = Calls()

    def manage(*cmd: str, extra_env: dict | None = None) -> str:
        done = subprocess.run(
            [PY, *cmd], cwd=ROOT, env={**env, **(extra_env or {})}, capture_output=True, text=True
        )
        if done.returncode:
            raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    broker = {"CELERY_BROKER_URL": f"{args.redis}/6"}
    try:
        log(f"database {db}, Redis dbs 6-7, work folder {work}")
        subprocess.run(
            ["psql", f"{args.pg}/postgres", "-qc", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)"],
            check=True,
        )
        subprocess.run(["psql", f"{args.pg}/postgres", "-qc", f"CREATE DATABASE {db}"], check=True)
        for n in (6, 7):
            subprocess.run(
                ["redis-cli", "-u", f"{args.redis}/{n}", "flushdb"], check=True, capture_output=True
            )
        manage("manage.py", "migrate", "--noinput", "-v0")
        manage("manage.py", "collectstatic", "--noinput", "-v0")
        log("demo data (in-process tasks)")
        manage("manage.py", "load_demo")
        manage(__file__, "prepare", str(work))
        prepared = json.loads((work / "prepared.json").read_text())
        drop = Path(prepared["drop"])
        generation = 0
        final_ids = write_postings(drop, generation)

        env.update(broker)
        port = free_port()
        host = f"http://127.0.0.1:{port}"
        log(f"gunicorn on {host} (2 workers), a Celery worker (2 processes) and beat")
        stack.start(
            "gunicorn",
            str(BIN / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "120",
        )
        stack.start_worker()
        stack.start(
            "beat",
            str(BIN / "celery"),
            "-A",
            "config",
            "beat",
            "-l",
            "info",
            "--schedule",
            str(work / "beat-schedule"),
        )
        wait_http(host + "/health/", 120)

        driver = Driver(host, prepared, calls, stop, args.upload_every)
        threads = [
            threading.Thread(target=driver.api_uploads, daemon=True),
            threading.Thread(target=driver.page_uploads, daemon=True),
            threading.Thread(target=driver.readers, daemon=True),
            threading.Thread(target=driver.readers, daemon=True),
        ]
        for thread in threads:
            thread.start()
        log(f"load for {args.duration} s; the worker is SIGKILLed every {args.kill_every} s")
        started = time.monotonic()
        next_kill = started + args.kill_every
        next_feed = started + 20
        while (now := time.monotonic()) < started + args.duration:
            if now >= next_kill:
                stack.kill_worker()
                stack.start_worker()
                next_kill += args.kill_every
                log(
                    f"worker killed ({stack.kills}) and restarted; {len(calls.acked)} uploads acknowledged"
                )
            if now >= next_feed:
                generation += 1
                final_ids = write_postings(drop, generation)
                next_feed += 20
            time.sleep(0.5)
        stop.set()
        for thread in threads:
            thread.join(70)
        log(f"load stopped: {len(calls.acked)} uploads acknowledged; draining")

        # Let a lease pass for what the last kill cut off, then sweep as beat would.
        (work / "acked.json").write_text(json.dumps({"ids": sorted(set(calls.acked))}))
        (work / "final_ids.json").write_text(json.dumps(final_ids))
        drain_deadline = time.monotonic() + args.drain
        time.sleep(LEASE_SECONDS + 5)
        manage(__file__, "ingest", str(prepared["source"]))
        # The backlog drains at the worker's pace: stop when nothing is in flight, or once the
        # deadline has passed, when a minute brought no progress (what is left is stuck), or at
        # three times the deadline whatever happens.
        previous = None
        while True:
            manage(__file__, "sweep")
            time.sleep(60)
            manage(__file__, "count", str(work / "busy.json"))
            busy = json.loads((work / "busy.json").read_text())
            total = sum(busy.values())
            if not total:
                break
            late = time.monotonic() - drain_deadline
            if late > 2 * args.drain or (late > 0 and previous is not None and total >= previous):
                break
            previous = total
            log(f"still in flight: {busy}")
        manage(__file__, "check", str(work))
        report = json.loads((work / "check.json").read_text())
    finally:
        stop.set()
        stack.stop_all()
        if not args.keep:
            subprocess.run(
                [
                    "psql",
                    f"{args.pg}/postgres",
                    "-qc",
                    f"DROP DATABASE IF EXISTS {db} WITH (FORCE)",
                ],
                capture_output=True,
            )
            for n in (6, 7):
                subprocess.run(
                    ["redis-cli", "-u", f"{args.redis}/{n}", "flushdb"], capture_output=True
                )

    gunicorn_errors = count_errors(work / "gunicorn.log")
    lines = [
        f"soak run: {args.duration} s, worker SIGKILLed {stack.kills} times (every {args.kill_every} s), "
        f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}",
        f"uploads acknowledged: {report['acknowledged_uploads']} (API text and file, upload page); "
        f"ready resumes: {report['resumes_ready']}; failed: {report['failed_uploads']}",
        f"lost: {report['lost_uploads']} uploads, {report['lost_postings']} of {report['final_postings']} postings",
        f"duplicated: {report['duplicated_jobs']} jobs per (source, external id), "
        f"{report['duplicated_resumes']} resumes per file",
        f"stuck after the lease: {report['stuck_resumes']} resumes, {report['stuck_ingestion_runs']} "
        f"ingestion runs, {report['stuck_retrain_runs']} retrain runs",
        f"ingestion runs: {report['ingestion_runs']}; jobs: {report['jobs']}",
        f"failed runs said: {report['failed_run_messages']}",
        f"page calls: {percentiles(calls.times['page'])}",
        f"API calls:  {percentiles(calls.times['api'])}",
        f"statuses: {dict(sorted(calls.statuses.items()))}",
        f"5xx or failed calls: {len(calls.errors)} {calls.errors[:5]}; gunicorn log errors: {gunicorn_errors}",
    ]
    summary = "\n".join(lines)
    print(summary)
    if args.output:
        Path(args.output).write_text(summary + "\n")
    if args.keep:
        print(f"kept database {db} and {work}")
    else:
        subprocess.run(["rm", "-rf", str(work)])
    bad = (
        report["lost_uploads"] + report["lost_postings"] + report["duplicated_jobs"]
        + report["duplicated_resumes"] + report["stuck_resumes"] + report["stuck_ingestion_runs"]
        + report["stuck_retrain_runs"] + len(calls.errors) + gunicorn_errors
    )  # fmt: skip
    print("soak run passed" if not bad else "soak run FAILED")
    return 1 if bad else 0


def count_errors(path: Path) -> int:
    if not path.exists():
        return 0
    text = path.read_text(errors="replace")
    return len(re.findall(r"\[ERROR\]|Traceback|WORKER TIMEOUT", text))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="cmd")
    for name in ("prepare", "check", "count"):
        sub.add_parser(name).add_argument("path", type=Path)
    sub.add_parser("sweep")
    sub.add_parser("ingest").add_argument("source", type=int)
    parser.add_argument("--duration", type=int, default=600, help="seconds of load (default 600)")
    parser.add_argument("--kill-every", type=int, default=60, help="seconds between worker kills")
    parser.add_argument(
        "--upload-every",
        type=float,
        default=2.5,
        help="seconds between API uploads (the page uploads at half that rate); the worker "
        "processes about one resume a second on 2 busy cores, and the backlog must drain",
    )
    parser.add_argument("--drain", type=int, default=600, help="at most this long to settle after")
    parser.add_argument(
        "--pg", default=os.environ.get("SOAK_PG", "postgres://postgres@127.0.0.1:5432")
    )
    parser.add_argument("--redis", default=os.environ.get("SOAK_REDIS", "redis://127.0.0.1:6379"))
    parser.add_argument("--db", default="rr_soak")
    parser.add_argument("--output", help="also write the summary to this file")
    parser.add_argument("--keep", action="store_true", help="keep the database and work folder")
    args = parser.parse_args()
    if args.cmd == "prepare":
        cmd_prepare(args.path)
    elif args.cmd == "check":
        cmd_check(args.path)
    elif args.cmd == "count":
        cmd_count(args.path)
    elif args.cmd == "sweep":
        cmd_sweep()
    elif args.cmd == "ingest":
        cmd_ingest(args.source)
    else:
        return run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
