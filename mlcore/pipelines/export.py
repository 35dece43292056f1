"""Stage `export`: labelled resumes and jobs as JSON lines under data/raw/export/.

`data.source` picks the input: `demo` (the project's fixtures), `shared` (the public labelled
sets in ../shared/data: livecareer resumes, and Google postings, O*NET occupations and djinni
titles mapped to the project's categories, plus the annotated LinkedIn postings as the job
classifier's held-out test set) or `snapshots` (what ingestion appended under data/raw/jobs/,
plus the demo resumes). Only `shared` has a held-out set (`jobs_heldout.jsonl`, else empty).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from mlcore.datasets import GOOGLE_TO_PROJECT, load_google_jobs, load_livecareer_resumes
from mlcore.job_labels import (
    load_category_map,
    load_djinni_titles,
    load_linkedin_heldout,
    load_onet_jobs,
)
from mlcore.pipelines.common import RAW_DIR, ROOT, PipelineError, load_params, write_jsonl
from mlcore.text import html_to_text


def demo_rows(demo_dir: Path) -> tuple[list[dict], list[dict]]:
    jobs = [
        {
            "id": f"demo-job:{j['id']}",
            "text": f"{j['title']}\n{html_to_text(j['description_html'])}",
            "label": j.get("category", ""),
            "source": "demo",
        }
        for j in json.loads((demo_dir / "jobs.json").read_text(encoding="utf-8"))
    ]
    labels = json.loads((demo_dir / "resumes" / "labels.json").read_text(encoding="utf-8"))
    resumes = [
        {
            "id": f"demo-resume:{p.name}",
            "text": p.read_text(encoding="utf-8"),
            "label": labels.get(p.name, ""),
            "source": "demo",
        }
        for p in sorted((demo_dir / "resumes").glob("*.txt"))
    ]
    return resumes, jobs


def resume_rows(data_dir: Path) -> list[dict]:
    """The livecareer resumes with their 24 categories."""
    return [
        {
            "id": f"livecareer:{d.source_id}",
            "text": d.text,
            "label": d.label,
            "group": d.group_id,
            "source": "livecareer",
        }
        for d in load_livecareer_resumes(data_dir)
    ]


def job_training_rows(
    data_dir: Path,
    map_path: Path,
    *,
    onet_titles_per_occupation: int = 20,
    djinni_per_category: int = 120,
) -> list[dict]:
    """The mapped job set: Google postings, O*NET occupations and titles, djinni titles, each in
    the project's 24 categories (see ``mlcore.job_labels``)."""
    mapping = load_category_map(map_path)
    google = [(d, "google", GOOGLE_TO_PROJECT[d.label]) for d in load_google_jobs(data_dir)]
    onet = [
        (d, "onet", d.label)
        for d in load_onet_jobs(
            data_dir, mapping["onet"], titles_per_occupation=onet_titles_per_occupation
        )
    ]
    djinni = [
        (d, "djinni", d.label)
        for d in load_djinni_titles(data_dir, mapping["djinni"], per_category=djinni_per_category)
    ]
    return [
        {
            "id": f"{source}:{d.source_id}:{i}",
            "text": d.text,
            "label": label,
            "group": d.group_id,
            "source": source,
        }
        for i, (d, source, label) in enumerate(google + onet + djinni)
    ]


def heldout_rows(data_dir: Path, labels_path: Path) -> list[dict]:
    """The annotated LinkedIn postings: the job classifier's held-out test set (OTHER kept;
    evaluation leaves it out)."""
    return [
        {
            "id": f"linkedin:{d.source_id}",
            "text": d.text,
            "label": d.label,
            "group": d.group_id,
            "source": "linkedin",
        }
        for d in load_linkedin_heldout(data_dir, labels_path)
    ]


def shared_rows(data_dir: Path, data: dict) -> tuple[list[dict], list[dict], list[dict]]:
    if not data_dir.is_dir():
        raise PipelineError(f"data.shared_dir {data_dir} does not exist.")
    jobs = job_training_rows(
        data_dir,
        ROOT / data.get("job_map", "data/labels/job_category_map.csv"),
        onet_titles_per_occupation=int(data.get("onet_titles_per_occupation", 20)),
        djinni_per_category=int(data.get("djinni_per_category", 120)),
    )
    heldout = heldout_rows(
        data_dir, ROOT / data.get("heldout_labels", "data/labels/linkedin_categories.csv")
    )
    return resume_rows(data_dir), jobs, heldout


def snapshot_rows(snapshots_dir: Path, demo_dir: Path) -> tuple[list[dict], list[dict]]:
    latest: dict[str, dict] = {}
    for path in sorted(snapshots_dir.rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                latest[f"{row['source']}:{row['external_id']}"] = row  # later partitions win
    jobs = [
        {
            "id": key,
            "text": f"{r['title']}\n{r['text']}",
            "label": r.get("category", ""),
            "source": r["source"],
        }
        for key, r in sorted(latest.items())
    ]
    resumes, _ = demo_rows(demo_dir)
    return resumes, jobs


def run(params: dict) -> dict[str, int]:
    data = params.get("data", {})
    source = data.get("source", "demo")
    demo_dir = ROOT / data.get("demo_dir", "fixtures/demo")
    heldout: list[dict] = []
    if source == "demo":
        resumes, jobs = demo_rows(demo_dir)
    elif source == "shared":
        resumes, jobs, heldout = shared_rows(
            (ROOT / data.get("shared_dir", "../shared/data")).resolve(), data
        )
    elif source == "snapshots":
        resumes, jobs = snapshot_rows(ROOT / data.get("snapshots_dir", "data/raw/jobs"), demo_dir)
    else:
        raise PipelineError(f"data.source must be demo, shared or snapshots; got {source!r}.")
    return {
        "resumes": write_jsonl(RAW_DIR / "resumes.jsonl", resumes),
        "jobs": write_jsonl(RAW_DIR / "jobs.jsonl", jobs),
        "jobs_heldout": write_jsonl(RAW_DIR / "jobs_heldout.jsonl", heldout),
    }


def main(argv: list[str] | None = None) -> None:
    argparse.ArgumentParser(description=__doc__).parse_args(argv)
    counts = run(load_params())
    print(
        f"exported {counts['resumes']} resumes, {counts['jobs']} jobs and "
        f"{counts['jobs_heldout']} held-out jobs to {RAW_DIR}"
    )


if __name__ == "__main__":
    main()
