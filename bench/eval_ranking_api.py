"""Ranking quality through the REST API, as a client measures it: the labelled sets are loaded
into a fresh database through the API, then ranked with `POST /api/v1/rank/` (a JD given as its
list of HR requirement terms) and `GET /api/v1/resumes/{id}/matches/` (jobs for a resume), beside
BM25 on the same documents.

    python bench/eval_ranking_api.py [--sets hr_terms postings] [--auc]

It checks what bench/eval_ranking.py cannot: storage, retrieval pools, the API's own reading of
a job, and that asking for 100 results keeps the first 10. ``--auc`` also scores every
(resume, posting) pair through `GET /api/v1/explain/` (slow: one call per pair) for the AUC of
the whole ranking. Uses its own SQLite file and the real model; prints, asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup(workdir: Path, cache_dir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ["SQLITE_PATH"] = str(workdir / "eval.sqlite3")
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("CELERY_BROKER_URL", None)  # tasks run in-process
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["THROTTLE_MATCH"] = "1000000/min"
    os.environ["THROTTLE_UPLOAD"] = "1000000/min"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["EMBEDDER"] = "minilm"
    # The embedding cache lives in ARTIFACTS_DIR: keep it between runs, the rest is throwaway.
    os.environ["ARTIFACTS_DIR"] = str(cache_dir)
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115


def client():
    from rest_framework.test import APIClient

    from recruiting.services.accounts import recruiter_create

    user = recruiter_create(username="evaluator", password="an-evaluation-password-1")
    api = APIClient()
    api.force_authenticate(user)
    return api


def _ok(response, what: str) -> dict:
    if response.status_code >= 300:
        raise SystemExit(f"{what}: HTTP {response.status_code} {response.content[:300]!r}")
    return response.json()


def upload_resumes(api, resumes) -> dict[str, int]:
    ids = {}
    for r in resumes:
        body = _ok(api.post("/api/v1/resumes/", {"text": r.text}, format="json"), "upload")
        ids[r.id] = body["results"][0]["id"]
    return ids


def create_jobs(api, jobs) -> dict[str, int]:
    ids = {}
    for j in jobs:
        body = _ok(
            api.post(
                "/api/v1/jobs/",
                {"title": j.title or "Untitled", "description": j.text or "-"},
                format="json",
            ),
            "job",
        )
        ids[j.id] = body["id"]
    return ids


def _metrics(rel: np.ndarray, scores: np.ndarray, relevant=None) -> dict:
    from mlcore.pipelines.rank_metrics import ndcg_at_k, roc_auc

    gains = rel - np.nanmin(rel)
    out = {"ndcg@5": ndcg_at_k(gains, scores, k=5), "ndcg@10": ndcg_at_k(gains, scores, k=10)}
    if relevant is not None:
        out["auc"] = roc_auc(relevant, scores)
    return out


def _mean(rows: list[dict]) -> dict:
    keys = rows[0].keys()
    return {k: round(float(np.nanmean([r[k] for r in rows])), 4) for k in keys}


def eval_hr_terms(api, rset) -> dict:
    """Each JD as its list of terms through /rank/, once as the description (the API reads the
    list as must-haves) and once with the terms as must_have too."""
    from mlcore.pipelines.ranking import _bm25

    ids = upload_resumes(api, rset.resumes)
    by_id = {r.id: i for i, r in enumerate(rset.resumes)}
    rows = {"api_description": [], "api_must_have": [], "bm25": []}
    for j, job in enumerate(rset.jobs):
        judged = [r.id for i, r in enumerate(rset.resumes) if not np.isnan(rset.relevance[i, j])]
        rel = np.array([rset.relevance[by_id[r], j] for r in judged])
        relevant = rel >= 5
        terms = [t.strip() for t in job.text.split(",") if t.strip()]
        for name, body in (
            ("api_description", {"title": "", "description": job.text}),
            ("api_must_have", {"title": "", "description": job.text, "must_have": terms[:50]}),
        ):
            page = _ok(
                api.post(
                    "/api/v1/rank/",
                    {"job": body, "resume_ids": [ids[r] for r in judged]},
                    format="json",
                ),
                "rank",
            )
            score = {res["resume"]["id"]: res["score"] for res in page["results"]}
            scores = np.array([score.get(ids[r], -1.0) for r in judged])
            rows[name].append(_metrics(rel, scores, relevant))
        bm25 = _bm25([job.text], [rset.resumes[by_id[r]].text for r in judged])[0]
        rows["bm25"].append(_metrics(rel, bm25, relevant))
    return {name: _mean(r) for name, r in rows.items()}


def eval_postings(api, rset, *, auc: bool) -> dict:
    """Jobs for each resume through /matches/ at k=10 and k=100 (the top 10 must agree), and
    with ``auc`` every pair's explain score over all postings."""
    from mlcore.pipelines.ranking import _bm25

    resume_ids = upload_resumes(api, rset.resumes)
    job_ids = create_jobs(api, rset.jobs)
    j_index = {job_ids[j.id]: k for k, j in enumerate(rset.jobs)}
    rows = {"api_k10": [], "api_top10_of_k100": [], "bm25": []}
    if auc:
        rows["api_explain_all"] = []
    unstable = 0
    for i, resume in enumerate(rset.resumes):
        rel = rset.relevance[i]
        relevant = rel >= 1
        tops = {}
        for k in (10, 100):
            page = _ok(
                api.get(f"/api/v1/resumes/{resume_ids[resume.id]}/matches/?k={k}&explain=false"),
                "matches",
            )
            tops[k] = [res["job"]["id"] for res in page["results"]]
        unstable += tops[10] != tops[100][:10]
        for name, top in (("api_k10", tops[10]), ("api_top10_of_k100", tops[100][:10])):
            scores = np.zeros(len(rset.jobs))
            for place, jid in enumerate(top):
                scores[j_index[jid]] = len(top) - place
            rows[name].append(_metrics(rel, scores))
        bm25 = _bm25([resume.text], [j.full_text for j in rset.jobs])[0]
        rows["bm25"].append(_metrics(rel, bm25, relevant))
        if auc:
            scores = np.array(
                [
                    _ok(
                        api.get(
                            f"/api/v1/explain/?job={job_ids[j.id]}&resume={resume_ids[resume.id]}"
                        ),
                        "explain",
                    )["score"]
                    for j in rset.jobs
                ]
            )
            rows["api_explain_all"].append(_metrics(rel, scores, relevant))
    out = {name: _mean(r) for name, r in rows.items()}
    out["resumes_whose_top10_changed_with_k"] = unstable
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets-dir", type=Path, default=ROOT / "data" / "raw" / "ranking")
    parser.add_argument("--sets", nargs="+", default=["hr_terms", "postings"])
    parser.add_argument("--cache-dir", type=Path, default=ROOT / ".cache" / "eval-api")
    parser.add_argument("--auc", action="store_true", help="explain every pair (slow)")
    parser.add_argument("--report", type=Path, default=ROOT / "reports" / "ranking_api.json")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="rr-eval-api-"))
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    setup(workdir, args.cache_dir)
    from mlcore.pipelines.ranking_sets import LOADERS

    api = client()
    report = {}
    for name in args.sets:
        t0 = time.perf_counter()
        rset = LOADERS[name](args.sets_dir)
        if name == "hr_terms":
            report[name] = eval_hr_terms(api, rset)
        elif name == "postings":
            report[name] = eval_postings(api, rset, auc=args.auc)
        else:
            raise SystemExit(f"no API evaluation for {name!r}")
        print(f"\n== {name} through the API ({time.perf_counter() - t0:.0f} s)")
        for method, metrics in report[name].items():
            print(f"   {method:<26} {metrics}")
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"\nwrote {args.report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
