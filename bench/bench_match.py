"""Match latency at scale: the demo data scaled to N jobs and M resumes (stored vectors copied with
a little noise, so nothing is re-encoded), then jobs-for-a-resume and candidates-for-a-job through
the services, with explanations for the top 10. Prints p50/p95 and the share of time in the model,
the index and the database; asserts nothing.

    python bench/bench_match.py [--jobs 10000] [--resumes 2000] [--queries 20]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup(workdir: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ.setdefault("SQLITE_PATH", str(workdir / "bench.sqlite3"))
    os.environ["ARTIFACTS_DIR"] = str(workdir / "artifacts")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115


def scale(model, emb_model, owner: str, target: int, rng) -> None:
    """Copy rows (and their skills and vectors) until there are ``target`` of them."""
    from django.db import transaction

    originals = list(model.objects.all())
    vectors = {getattr(e, f"{owner}_id"): e for e in emb_model.objects.all()}
    skills_rel = "job_skills" if owner == "job" else "resume_skills"
    i = 0
    with transaction.atomic():
        while model.objects.count() < target:
            batch = []
            for base in originals[: min(len(originals), target - model.objects.count())]:
                clone = model.objects.get(pk=base.pk)
                clone.pk = None
                if owner == "job":
                    clone.external_id = f"{base.external_id}-copy{i}"
                else:
                    clone.sha256 = f"{i:08d}{base.sha256[8:]}"
                    clone.original_file = ""
                batch.append((base, clone))
                i += 1
            for base, clone in batch:
                clone.save()
                for rel in getattr(base, skills_rel).all():
                    rel.pk = None
                    setattr(rel, f"{owner}_id", clone.pk)
                    rel.save()
                src = vectors[base.pk]
                vec = src.as_array() + rng.normal(0, 0.02, src.dim).astype(np.float32)
                vec /= np.linalg.norm(vec)
                emb_model.objects.create(
                    **{f"{owner}_id": clone.pk},
                    model_id=src.model_id,
                    dim=src.dim,
                    content_hash=src.content_hash,
                    vector=vec.astype(np.float32).tobytes(),
                    chunks=src.chunks,
                    chunk_spans=src.chunk_spans,
                )


def buckets(profile: cProfile.Profile) -> dict[str, float]:
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in stats.values())
    names = {
        "model": ("torch/", "sentence_transformers", "transformers/"),
        "index": ("faiss", "mlcore/retrieval/faiss"),
        "database": ("django/db/", "sqlite3", "psycopg"),
    }
    out = dict.fromkeys(names, 0.0)
    for (filename, _, _), v in stats.items():
        for name, needles in names.items():
            if any(n in filename for n in needles):
                out[name] += v[2]
                break
    out["other"] = total - sum(out.values())
    return {k: v / total for k, v in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--resumes", type=int, default=2_000)
    parser.add_argument("--queries", type=int, default=20)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="rr-bench-match-"))
    setup(workdir)
    from recruiting.models import Job, JobEmbedding, Resume, ResumeEmbedding

    rng = np.random.default_rng(0)
    t = time.perf_counter()
    scale(Job, JobEmbedding, "job", args.jobs, rng)
    scale(Resume, ResumeEmbedding, "resume", args.resumes, rng)
    print(
        f"scaled to {Job.objects.count()} jobs and {Resume.objects.count()} resumes in {time.perf_counter() - t:.0f} s"
    )

    from matching.services.index import index_get
    from matching.services.matching import candidates_for_job, jobs_for_resume

    t = time.perf_counter()
    index_get("job"), index_get("resume")
    print(f"index build from stored vectors: {time.perf_counter() - t:.2f} s")
    resumes = list(Resume.objects.ready().order_by("?")[: args.queries])
    jobs = list(Job.objects.open().order_by("?")[: args.queries])
    for name, calls in (
        (
            "jobs for a resume",
            [lambda r=r: jobs_for_resume(resume=r, jobs=Job.objects.open(), k=10) for r in resumes],
        ),
        (
            "candidates for a job",
            [
                lambda j=j: candidates_for_job(job=j, resumes=Resume.objects.all(), k=10)
                for j in jobs
            ],
        ),
    ):
        calls[0]()  # warm the model and caches
        times = []
        profile = cProfile.Profile()
        for call in calls[1:]:
            start = time.perf_counter()
            profile.enable()
            call()
            profile.disable()
            times.append((time.perf_counter() - start) * 1000)
        p95 = np.percentile(times, 95)
        shares = ", ".join(f"{k} {v:.0%}" for k, v in buckets(profile).items())
        print(
            f"{name}: p50 {statistics.median(times):.0f} ms, p95 {p95:.0f} ms over {len(times)} queries "
            f"(top 10 explained); time in {shares}"
        )


if __name__ == "__main__":
    main()
