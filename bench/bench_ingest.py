"""Ingestion throughput: 1,000 postings from a local file-drop feed and 300 resume files, through the
real services, with the share of time spent in parsing, the database and embedding.

    python bench/bench_ingest.py [--postings 1000] [--resumes 300] [--embedder minilm]

Runs against a throwaway SQLite database (or DATABASE_URL if set). Prints rates and shares; it
asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup_django(embedder: str, workdir: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ["EMBEDDER"] = embedder
    os.environ.setdefault("SQLITE_PATH", str(workdir / "bench.sqlite3"))
    os.environ["ARTIFACTS_DIR"] = str(workdir / "artifacts")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if not __import__("recruiting.models", fromlist=["Skill"]).Skill.objects.exists():
        call_command("loaddata", str(ROOT / "fixtures" / "categories.json"), verbosity=0)
        call_command("loaddata", str(ROOT / "fixtures" / "skills.json"), verbosity=0)


def demo_postings(n: int) -> list[dict]:
    base = json.loads((ROOT / "fixtures" / "demo" / "jobs.json").read_text())
    return [
        {
            **base[i % len(base)],
            "id": f"bench-{i:05d}",
            "title": f"{base[i % len(base)]['title']} #{i}",
        }
        for i in range(n)
    ]


def demo_resumes(n: int) -> list[tuple[str, bytes]]:
    files = sorted((ROOT / "fixtures" / "demo" / "resumes").glob("*.txt"))
    return [
        (f"r{i}.txt", files[i % len(files)].read_bytes() + f"\nReference {i}\n".encode())
        for i in range(n)
    ]


# Entry points whose cumulative time is one kind of work (they do not call each other).
ENTRY_POINTS = {
    "parsing": (
        ("recruiting/parsing/__init__.py", "parse_resume"),
        ("recruiting/sources/__init__.py", "fetch_postings"),
        ("recruiting/sources/base.py", "fetch_postings"),
    ),
    "embedding": (("recruiting/services/embedding.py", "embeddings_store"),),
    "database": (
        ("django/db/backends/utils.py", "execute"),
        ("django/db/backends/utils.py", "executemany"),
    ),
}


def shares(profile: cProfile.Profile, wall: float) -> dict[str, float]:
    """Share of wall time in parsing, embedding (model) and database calls, from the cumulative
    time of their entry points; SQL run inside embeddings_store counts as embedding."""
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    out = dict.fromkeys(ENTRY_POINTS, 0.0)
    for (filename, _, func), (_, _, _, cumtime, _) in stats.items():
        for name, points in ENTRY_POINTS.items():
            if any(filename.endswith(f) and func == fn for f, fn in points):
                out[name] += cumtime
    out["other"] = max(0.0, wall - sum(out.values()))
    return {k: v / wall for k, v in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postings", type=int, default=1000)
    parser.add_argument("--resumes", type=int, default=300)
    parser.add_argument("--embedder", default="minilm")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="rr-bench-"))
    setup_django(args.embedder, workdir)
    from recruiting.models import JobSource
    from recruiting.services.accounts import recruiter_create
    from recruiting.services.embedding import embedder_get
    from recruiting.services.ingestion import ingestion_run_now
    from recruiting.services.resumes import resume_process, resumes_upload
    from recruiting.services.scheduling import source_save

    embedder_get().encode(["warm up the model"])  # load time is not ingestion time
    drop = workdir / "drop"
    drop.mkdir()
    (drop / "jobs.json").write_text(json.dumps(demo_postings(args.postings)))
    source = source_save(source=JobSource(name="bench", kind="filedrop", url=str(drop)))
    user = recruiter_create(username="bench", password="bench-password-123")

    profile = cProfile.Profile()
    start = time.perf_counter()
    profile.enable()
    run = ingestion_run_now(source=source, trigger="bench")
    profile.disable()
    jobs_s = time.perf_counter() - start
    job_shares = shares(profile, jobs_s)

    files = demo_resumes(args.resumes)
    profile = cProfile.Profile()
    start = time.perf_counter()
    profile.enable()
    outcomes = resumes_upload(owner=user, files=files, request_budget=False)  # not a request
    for o in outcomes:
        if o.resume:
            resume_process(resume_id=o.resume.pk)
    profile.disable()
    resumes_s = time.perf_counter() - start
    resume_shares = shares(profile, resumes_s)

    print(
        f"embedder {embedder_get().model_id}; database {os.environ.get('DATABASE_URL') or 'sqlite'}"
    )
    print(f"postings: {run.created} in {jobs_s:.1f} s = {run.created / jobs_s:.1f} postings/s")
    print(
        f"resumes:  {len(outcomes)} in {resumes_s:.1f} s = {len(outcomes) / resumes_s:.1f} resumes/s"
    )
    for name, sh in (("postings", job_shares), ("resumes", resume_shares)):
        parts = ", ".join(f"{k} {v:.0%}" for k, v in sh.items())
        print(
            f"time share ({name}): {parts}; parsing + database = {sh['parsing'] + sh['database']:.0%}"
        )


if __name__ == "__main__":
    main()
