"""Export the labelled ranking sets as plain-text JSON lines: vanetik and match150 from
``../shared/data``, and the project's own judgements in ``data/labels`` (hr_terms: HR-style
requirement terms with graded resumes; postings: LinkedIn postings graded for resumes) over
livecareer resumes and LinkedIn postings from ``../shared/data``.

    python scripts/export_ranking_sets.py --data-dir ../shared/data --out data/raw/ranking

Resumes go through the app's own parser (``recruiting.parsing.parse_resume``) and postings
through its description converter, so the evaluation sees the text the app would see. Only
counts are printed, never resume text.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from recruiting.parsing import ParseError, parse_resume  # noqa: E402
from recruiting.sources.sanitize import description_to_html, html_to_text  # noqa: E402

VANETIK = Path("vanetik_vacancy_resume_matching")
MATCH150 = Path("resume_jd_match_percentage_150pdf")
LIVECAREER = Path("livecareer_resumes") / "resumes.csv"
LINKEDIN = Path("linkedin_postings_sample500") / "postings_sample.csv"
LABELS = REPO_ROOT / "data" / "labels"
# livecareer resumes and the LinkedIn sample were collected around these dates.
LIVECAREER_AS_OF = dt.date(2018, 6, 1)
csv.field_size_limit(10_000_000)
# "Present" in a date range is read as of the day each set was published, so years of
# experience mean what they meant then and the export does not change from day to day.
VANETIK_AS_OF = dt.date(2023, 8, 22)
MATCH150_AS_OF = dt.date(2024, 7, 11)


def _write_jsonl(path: Path, rows: Iterable[dict]) -> int:
    """Write rows atomically: a reader never sees half a file."""
    lines = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in rows]
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("".join(line + "\n" for line in lines))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(lines)


def _require(path: Path) -> Path:
    if not path.exists():
        raise SystemExit(f"{path} is missing: point --data-dir at the shared data folder.")
    return path


def parse_file(path: Path, *, today: dt.date, stats: Counter) -> dict:
    """The parsed text and structure of one file, or an empty text and the refusal code."""
    try:
        parsed = parse_resume(path.read_bytes(), path.name, today=today)
    except ParseError as exc:
        stats[f"refused:{exc.code}"] += 1
        return {"text": "", "sections": [], "years_experience": None, "status": exc.code}
    stats[parsed.status] += 1
    stats["with_warnings"] += bool(parsed.warnings)
    return {
        "text": parsed.text,
        "sections": [[s.name, s.start, s.end] for s in parsed.sections],
        "years_experience": parsed.years_experience,
        "status": parsed.status,
    }


def export_vanetik(data_dir: Path, out: Path, *, labelled_only: bool = False) -> dict:
    root = _require(data_dir / VANETIK)
    stats: Counter = Counter()
    cv_files = sorted((root / "CV").glob("*.docx"), key=lambda p: int(p.stem))
    with open(_require(root / "5_vacancies.csv"), encoding="utf-8", newline="") as fh:
        vacancies = [
            {
                "id": r["id"],
                "index": i,
                "title": r["job_title"].strip(),
                "text": r["job_description"],
            }
            for i, r in enumerate(csv.DictReader(fh), start=1)
        ]
    arrays: dict[tuple[str, int], list[tuple[int, str, bool]]] = defaultdict(list)
    with open(_require(root / "annotations_long.csv"), encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            key = (r["cv_id"], int(r["annotator"]))
            valid = r["array_is_permutation"].strip().lower() == "true"
            arrays[key].append((int(r["place"]), r["vacancy_id"], valid))
    judgements = [
        {
            "cv_id": cv_id,
            "annotator": annotator,
            "ranking": [vacancy for _, vacancy, _ in sorted(places)],
            "valid": all(valid for _, _, valid in places),
        }
        for (cv_id, annotator), places in sorted(
            arrays.items(), key=lambda kv: (int(kv[0][0]), kv[0][1])
        )
    ]
    if labelled_only:
        judged = {j["cv_id"] for j in judgements}
        cv_files = [p for p in cv_files if p.stem in judged]
    cvs = [
        {"id": p.stem, "file": f"CV/{p.name}", **parse_file(p, today=VANETIK_AS_OF, stats=stats)}
        for p in cv_files
    ]
    return {
        "cvs": _write_jsonl(out / "vanetik_cvs.jsonl", cvs),
        "vacancies": _write_jsonl(out / "vanetik_vacancies.jsonl", vacancies),
        "judgements": _write_jsonl(out / "vanetik_judgements.jsonl", judgements),
        "invalid_judgements": sum(not j["valid"] for j in judgements),
        "parse": dict(sorted(stats.items())),
    }


def export_match150(data_dir: Path, out: Path, *, labelled_only: bool = False) -> dict:
    root = _require(data_dir / MATCH150)
    stats: Counter = Counter()
    rows = []
    for split, folder in (("train", "trainResumes"), ("test", "testResumes")):
        with open(_require(root / f"{split}.csv"), encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                label = r.get("Match Percentage")
                if labelled_only and not label:
                    continue
                path = _require(root / folder / f"{r['CandidateID']}.pdf")
                rows.append(
                    {
                        "id": r["CandidateID"],
                        "split": split,
                        "match_percentage": float(label) if label else None,
                        "file": f"{folder}/{path.name}",
                        **parse_file(path, today=MATCH150_AS_OF, stats=stats),
                    }
                )
    rows.sort(key=lambda r: r["id"])
    jd_stats: Counter = Counter()
    jd = parse_file(_require(root / "job_description.pdf"), today=MATCH150_AS_OF, stats=jd_stats)
    if jd["status"] != "parsed":
        raise SystemExit(f"the job description PDF could not be parsed ({jd['status']})")
    # The first line of the JD is its title, as a job row keeps title and description apart.
    title, _, body = jd["text"].strip().partition("\n")
    return {
        "resumes": _write_jsonl(out / "match150_resumes.jsonl", rows),
        "labelled": sum(r["match_percentage"] is not None for r in rows),
        "jd": _write_jsonl(
            out / "match150_jd.jsonl",
            [{"id": "ml-engineer", "title": title.strip(), "text": body.strip()}],
        ),
        "parse": dict(sorted(stats.items())),
    }


def _livecareer(data_dir: Path, ids: set[str], stats: Counter) -> list[dict]:
    """The livecareer resumes ``ids`` through the app's parser, as a .txt upload would be."""
    with open(_require(data_dir / LIVECAREER), encoding="utf-8", newline="") as fh:
        rows = {r["ID"]: r for r in csv.DictReader(fh) if r["ID"] in ids}
    missing = ids - set(rows)
    if missing:
        raise SystemExit(f"{len(missing)} labelled livecareer resume(s) are not in {LIVECAREER}")
    out = []
    for rid in sorted(rows, key=int):
        try:
            parsed = parse_resume(
                rows[rid]["Resume_str"].encode("utf-8"), "resume.txt", today=LIVECAREER_AS_OF
            )
        except ParseError as exc:
            stats[f"refused:{exc.code}"] += 1
            out.append({"id": rid, "text": "", "sections": [], "status": exc.code})
            continue
        stats[parsed.status] += 1
        out.append(
            {
                "id": rid,
                "category": rows[rid]["Category"].strip().lower(),
                "text": parsed.text,
                "sections": [[s.name, s.start, s.end] for s in parsed.sections],
                "years_experience": parsed.years_experience,
                "status": parsed.status,
            }
        )
    return out


def _linkedin(data_dir: Path) -> list[dict]:
    """Every posting of the LinkedIn sample as the app stores a job created from it."""
    with open(_require(data_dir / LINKEDIN), encoding="utf-8", newline="") as fh:
        return [
            {
                "id": r["job_id"],
                "title": r["title"].strip(),
                "text": html_to_text(description_to_html(r["description"])),
            }
            for r in csv.DictReader(fh)
        ]


def _labels(name: str) -> dict:
    return json.loads(_require(LABELS / name).read_text(encoding="utf-8"))


def export_hr_terms(data_dir: Path, out: Path) -> dict:
    """HR-style requirement terms as the job (a pasted list), ~10 graded resumes each."""
    queries = _labels("hr_terms.json")["queries"]
    stats: Counter = Counter()
    resumes = _livecareer(data_dir, {r for q in queries for r in q["grades"]}, stats)
    jobs = [
        {"id": str(q["job_id"]), "title": "", "text": ", ".join(q["skill_terms"])} for q in queries
    ]
    judgements = [
        {"job_id": str(q["job_id"]), "resume_id": rid, "grade": grade}
        for q in queries
        for rid, grade in sorted(q["grades"].items())
    ]
    return {
        "resumes": _write_jsonl(out / "hr_terms_resumes.jsonl", resumes),
        "jobs": _write_jsonl(out / "hr_terms_jobs.jsonl", jobs),
        "judgements": _write_jsonl(out / "hr_terms_judgements.jsonl", judgements),
        "parse": dict(sorted(stats.items())),
    }


def export_postings(data_dir: Path, out: Path) -> dict:
    """LinkedIn postings graded for a few resumes (every posting not listed is a 0)."""
    labelled = _labels("postings_for_resume.json")["resumes"]
    stats: Counter = Counter()
    resumes = _livecareer(data_dir, set(labelled), stats)
    judgements = [
        {"resume_id": rid, "job_id": job_id, "grade": grade}
        for rid, row in sorted(labelled.items())
        for job_id, grade in sorted(row["grades"].items())
    ]
    return {
        "resumes": _write_jsonl(out / "postings_resumes.jsonl", resumes),
        "jobs": _write_jsonl(out / "postings_jobs.jsonl", _linkedin(data_dir)),
        "judgements": _write_jsonl(out / "postings_judgements.jsonl", judgements),
        "parse": dict(sorted(stats.items())),
    }


def run(data_dir: Path, out: Path, *, labelled_only: bool = False) -> dict:
    """Write every file of every set into ``out``; returns counts (no text).

    ``labelled_only`` skips the resumes nobody judged (about half the parsing time).
    """
    t0 = time.perf_counter()
    summary = {
        "vanetik": export_vanetik(data_dir, out, labelled_only=labelled_only),
        "match150": export_match150(data_dir, out, labelled_only=labelled_only),
        "hr_terms": export_hr_terms(data_dir, out),
        "postings": export_postings(data_dir, out),
    }
    summary["seconds"] = round(time.perf_counter() - t0, 1)
    _write_jsonl(out / "manifest.jsonl", [summary])
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO_ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "data" / "raw" / "ranking")
    parser.add_argument(
        "--labelled-only", action="store_true", help="skip resumes without a judgement"
    )
    args = parser.parse_args(argv)
    summary = run(args.data_dir, args.out, labelled_only=args.labelled_only)
    print(json.dumps(summary, indent=2, sort_keys=True))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
