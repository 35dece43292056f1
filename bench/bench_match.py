"""Match API latency at scale: the demo data scaled to N jobs and M resumes (rows bulk-copied with
their skills and stored vectors plus a little noise, so nothing is re-encoded), then
`GET /api/v1/resumes/{id}/matches/` and `GET /api/v1/jobs/{id}/candidates/` (k=10, the top 10
explained) through the DRF stack in-process. Prints p50/p95, SQL queries per call and the share of
time in the model, the index and the database; asserts nothing.

    python bench/bench_match.py [--jobs 10000] [--resumes 2000] [--queries 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rr_bench python bench/bench_match.py

Without DATABASE_URL it uses its own SQLite file in a temporary folder; with a PostgreSQL URL it
drops and re-creates that database first and drops it at the end (--keep-db keeps it).
"""

from __future__ import annotations

import argparse
import os
import statistics
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


def setup(workdir: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ.setdefault("SQLITE_PATH", str(workdir / "bench.sqlite3"))
    os.environ.setdefault("THROTTLE_MATCH", "100000/min")  # measuring latency, not the throttle
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["ARTIFACTS_DIR"] = str(workdir / "artifacts")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115


def _batches(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


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
                clone = model(
                    **{
                        f.attname: getattr(base, f.attname)
                        for f in model._meta.concrete_fields
                        if not f.primary_key
                    }
                )
                if owner == "job":
                    clone.external_id = f"{base.external_id}-copy{i}"
                else:
                    clone.sha256 = f"{i:08x}{base.sha256[8:]}"
                    clone.original_file = ""
                clones.append(clone)
            model.objects.bulk_create(clones)  # returns primary keys on SQLite and PostgreSQL
            rels, embs = [], []
            for base, clone in zip(chunk, clones, strict=True):
                for rel in skills[base.pk]:
                    rels.append(
                        skill_model(
                            **{
                                f.attname: getattr(rel, f.attname)
                                for f in skill_model._meta.concrete_fields
                                if not f.primary_key
                            }
                            | {f"{owner}_id": clone.pk}
                        )
                    )
                for src in vectors[base.pk]:
                    vec = src.as_array() + rng.normal(0, 0.02, src.dim).astype(np.float32)
                    vec /= np.linalg.norm(vec)
                    embs.append(
                        emb_model(
                            **{f"{owner}_id": clone.pk},
                            model_id=src.model_id,
                            dim=src.dim,
                            content_hash=src.content_hash,
                            vector=vec.astype(np.float32).tobytes(),
                            chunks=bytes(src.chunks),
                            chunk_spans=src.chunk_spans,
                        )
                    )
            skill_model.objects.bulk_create(rels, batch_size=BATCH)
            emb_model.objects.bulk_create(embs, batch_size=BATCH)
    return missing


class Timers:
    """Wall time inside the model, the vector index and the database, from wrappers around their
    entry points (cheap, unlike a profiler, which inflates Python-heavy code such as the ORM).

    Model: the sentence-transformer's own encode calls (memo and cache hits cost nothing here).
    Index: VectorIndex.search (FAISS) and the BM25 index (build and search). Database: SQLCompiler.execute_sql, which runs the SQL and
    fetches the rows (building model instances from them is "other").
    """

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
        from mlcore.retrieval.faiss_index import VectorIndex

        self.wrap(SentenceTransformerEmbedder, "encode", "model")
        self.wrap(SentenceTransformerEmbedder, "encode_documents", "model")
        self.wrap(VectorIndex, "search", "index")
        try:  # the BM25 channel beside FAISS, where this version of the code has one
            from mlcore.retrieval.lexical import BM25Index
        except ImportError:
            BM25Index = None
        for name in ("__init__", "search", "scores"):
            if BM25Index is not None and name in BM25Index.__dict__:
                self.wrap(BM25Index, name, "index")
        for cls in (
            compiler.SQLCompiler,
            compiler.SQLInsertCompiler,
            compiler.SQLUpdateCompiler,
            compiler.SQLDeleteCompiler,
        ):
            if "execute_sql" in cls.__dict__:
                self.wrap(cls, "execute_sql", "database")


def forget_sentences() -> None:
    """Empty the in-memory sentence memo, so explanations encode their sentences again, as on the
    first view of documents nobody has looked at yet (scaled copies share their originals' text)."""
    from recruiting.services.embedding import embedder_get

    memo = embedder_get()
    with memo._lock:
        memo._memo.clear()


def measure(client, urls: list[str], timers: Timers, *, cold: bool) -> str:
    # The first call of each kind warms caches and connections; warm runs see every URL once first.
    for url in urls if not cold else urls[:1]:
        warm = client.get(url)
        if warm.status_code != 200:
            raise SystemExit(f"{url}: HTTP {warm.status_code} {warm.content[:300]!r}")
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
        assert len(response.json()["results"]) == 10, url
        times.append(wall * 1000)
        queries.append(timers.queries)
        for bucket in ("model", "index", "database"):
            shares[bucket] += timers.seconds[bucket]
        shares["total"] += wall
    total = shares.pop("total")
    parts = {k: v / total for k, v in shares.items()}
    parts["other"] = max(0.0, 1 - sum(parts.values()))
    return (
        f"p50 {statistics.median(times):5.0f} ms, p95 {np.percentile(times, 95):5.0f} ms, "
        f"max {max(times):5.0f} ms over {len(times)} calls; {statistics.median(queries):.0f} SQL "
        f"queries/call; time in " + ", ".join(f"{k} {v:.0%}" for k, v in parts.items())
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--resumes", type=int, default=2_000)
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument("--keep-db", action="store_true", help="keep the PostgreSQL database")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith("postgres"):
        fresh_postgres(database_url)
    workdir = Path(tempfile.mkdtemp(prefix="rr-bench-match-"))
    started = time.perf_counter()
    try:
        setup(workdir)
        print(f"demo data loaded in {time.perf_counter() - started:.0f} s")
        run(args)
    finally:
        if database_url.startswith("postgres") and not args.keep_db:
            from django.db import connections

            connections.close_all()
            fresh_postgres(database_url, drop_only=True)


def run(args) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from matching.services.index import index_get
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from recruiting.models import Job, JobEmbedding, Resume, ResumeEmbedding
    from recruiting.services.embedding import embedder_get

    rng = np.random.default_rng(0)
    t = time.perf_counter()
    scale(Job, JobEmbedding, "job", args.jobs, rng)
    scale(Resume, ResumeEmbedding, "resume", args.resumes, rng)
    print(
        f"scaled to {Job.objects.count()} jobs ({Job.objects.open().count()} open) and "
        f"{Resume.objects.count()} resumes in {time.perf_counter() - t:.0f} s"
    )
    t = time.perf_counter()
    index_get("job"), index_get("resume")
    print(f"FAISS indexes built from stored vectors in {time.perf_counter() - t:.2f} s")
    try:  # the BM25 channel, where this version of the code has one
        from matching.services.lexical import lexical_index_get
    except ImportError:
        pass
    else:
        t = time.perf_counter()
        lexical_index_get("job"), lexical_index_get("resume")
        print(f"BM25 indexes built from stored texts in {time.perf_counter() - t:.2f} s")
    embedder_get().encode(["load the model before timing"])

    user = get_user_model().objects.get(username="recruiter")  # owns the demo resumes
    client = APIClient(HTTP_HOST="127.0.0.1")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    rs = np.random.default_rng(1)
    resume_ids = list(Resume.objects.ready().values_list("id", flat=True))
    job_ids = list(Job.objects.open().values_list("id", flat=True))
    n = args.queries + 1  # the first call warms up
    endpoints = {
        "jobs for a resume   ": [
            f"/api/v1/resumes/{i}/matches/?k=10" for i in rs.choice(resume_ids, n, replace=False)
        ],
        "candidates for a job": [
            f"/api/v1/jobs/{i}/candidates/?k=10" for i in rs.choice(job_ids, n, replace=False)
        ],
    }
    timers = Timers()
    timers.install()
    vendor = connection.vendor
    print(
        f"database {vendor}; embedder {embedder_get().model_id}; API in-process (DRF test client, "
        f"token auth), k=10 with the top 10 explained; load average {os.getloadavg()[0]:.2f}"
    )
    for cold in (True, False):
        label = (
            "cold (sentence memo emptied before each call)"
            if cold
            else "warm (the same calls again, explanation sentences memoised)"
        )
        print(f"-- {label}")
        for name, urls in endpoints.items():
            print(f"{name}: {measure(client, urls, timers, cold=cold)}")
    print(f"load average at the end {os.getloadavg()[0]:.2f} (2 cores, shared with other work)")


if __name__ == "__main__":
    main()
