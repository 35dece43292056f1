"""Must-have and nice-to-have requirements read from the shared postings, beside the baseline
"every skill found in the posting is a must-have".

    python bench/eval_requirements.py --data-dir ../shared/data [--sheet N]

Postings: the 500 LinkedIn postings (``linkedin_postings_sample500``: title, newline,
description) and the 1,250 Google postings (``google_job_skills``: title, then the Minimum
qualifications, Preferred qualifications and Responsibilities columns under those headings, as
careers.google.com showed them). ``djinni_job_titles`` has no descriptions and is left out.
Each description goes through the app's converter (``recruiting.sources.sanitize``, plain
Python) and is split by ``mlcore.jobtext.posting_requirements`` with the title line as context,
as ``recruiting.services.requirements.job_requirements_extract`` does on ingestion; the taxonomy
is ``fixtures/skills.json``.

Figures per set (``mlcore.pipelines.requirements_eval``): median and p90 must-haves per posting,
share of postings with any nice-to-have, share of must-haves that are soft skills (taxonomy
kind), share of must-haves whose evidence lies only in company-blurb, benefits or EEO paragraphs
(the evaluation's own detector, not the product's), for the product and the baseline. Google
postings also show how many must-haves are named only under "Preferred qualifications".

Hand check: ``data/labels/requirements_check.json`` labels every skill the baseline finds in 30
LinkedIn postings; the precision of must-haves (share labelled "requirement") and the share of
skills labelled "requirement" kept as must-haves ("req kept") are printed for both. ``--sheet N`` prints the labelling sheet of N postings instead (skill, kind, evidence).
Writes ``reports/requirements.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from mlcore.pipelines.ranking import taxonomy_from_fixture  # noqa: E402
from mlcore.pipelines.requirements_eval import (  # noqa: E402
    baseline_skills,
    count_posting,
    precision_on_labels,
    summarize,
)
from recruiting.sources.sanitize import description_to_html, html_to_text  # noqa: E402

csv.field_size_limit(16 * 1024 * 1024)

LABELS = REPO_ROOT / "data" / "labels" / "requirements_check.json"
TAXONOMY = REPO_ROOT / "fixtures" / "skills.json"
CHECK_SEED, CHECK_SIZE = 20261205, 30
GOOGLE_PARTS = (
    ("Minimum qualifications", "Minimum Qualifications"),
    ("Preferred qualifications", "Preferred Qualifications"),
    ("Responsibilities", "Responsibilities"),
)


def as_ingested(title: str, description: str) -> tuple[str, list[tuple[int, int]]]:
    """The text the app splits (title line, then the converted description) and its contexts."""
    title = " ".join(title.split())
    text = html_to_text(description_to_html(description))
    return f"{title}\n{text}", [(0, len(title) + 1)]


def linkedin_postings(data_dir: Path) -> list[dict]:
    path = data_dir / "linkedin_postings_sample500" / "postings_sample.csv"
    if not path.is_file():
        raise SystemExit(f"{path} not found (pass --data-dir ../shared/data)")
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            text, contexts = as_ingested(row["title"], row["description"])
            out.append(
                {
                    "key": row["job_id"],
                    "text": text,
                    "contexts": contexts,
                    "company": row["company_name"],
                }
            )
    return out


def google_postings(data_dir: Path) -> list[dict]:
    path = data_dir / "google_job_skills" / "job_skills.csv"
    if not path.is_file():
        print(f"({path} not found: Google postings skipped)")
        return []
    out = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            body = "\n\n".join(f"{h}:\n{row[c]}" for h, c in GOOGLE_PARTS if row[c].strip())
            text, contexts = as_ingested(row["Title"], body)
            start = text.find("\nPreferred qualifications:")
            end = text.find("\nResponsibilities:", start + 1) if start >= 0 else -1
            preferred = (start, end if end >= 0 else len(text)) if start >= 0 else None
            out.append(
                {
                    "key": f"google_{i}",
                    "text": text,
                    "contexts": contexts,
                    "company": "Google",
                    "preferred": preferred,
                }
            )
    return out


def check_sample(postings: list[dict]) -> list[dict]:
    return random.Random(CHECK_SEED).sample(postings, CHECK_SIZE)


def print_sheet(postings: list[dict], n: int, taxonomy) -> None:
    """Every skill the baseline finds, with the lines that name it: what the labeller reads."""
    for p in check_sample(postings)[:n]:
        text = p["text"]
        print(f"\n===== {p['key']} | {text.splitlines()[0]} | {p['company']}")
        for m in baseline_skills(text, taxonomy, p["contexts"]):
            print(f"  * {m.name} [{m.kind}]")
            for a, b in m.spans[:3]:
                line_start = text.rfind("\n", 0, a) + 1
                line_end = text.find("\n", b)
                line_end = len(text) if line_end < 0 else line_end
                lo, hi = max(line_start, a - 110), min(line_end, b + 110)
                print(f"      …{text[lo:hi]}…".replace("\n", " / "))


def google_preferred_only(postings: list[dict], taxonomy) -> dict:
    """Must-haves named only under "Preferred qualifications", and skills named only there."""
    from mlcore.jobtext import posting_requirements

    must_pref = must = pref_only = pref_only_nice = 0
    for p in postings:
        a, b = p["preferred"] or (0, 0)
        for r in posting_requirements(p["text"], taxonomy, p["contexts"]):
            only_pref = bool(r.spans) and all(a <= s < b for s, _ in r.spans)
            pref_only += only_pref
            pref_only_nice += only_pref and r.requirement != "required"
            if r.requirement == "required":
                must += 1
                must_pref += only_pref
    return {
        "must_named_only_under_preferred": must_pref,
        "must_total": must,
        "skills_named_only_under_preferred": pref_only,
        "of_which_nice": pref_only_nice,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO_ROOT.parent / "shared" / "data")
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--output", type=Path, default=REPO_ROOT / "reports" / "requirements.json")
    parser.add_argument("--sheet", type=int, default=0, help="print the labelling sheet of N")
    args = parser.parse_args(argv)

    taxonomy = taxonomy_from_fixture(TAXONOMY)
    sets = {"linkedin": linkedin_postings(args.data_dir), "google": google_postings(args.data_dir)}
    if args.sheet:
        print_sheet(sets["linkedin"], args.sheet, taxonomy)
        return 0

    report: dict = {"taxonomy": str(TAXONOMY.relative_to(REPO_ROOT)), "sets": {}}
    counts_by_set = {}
    for name, postings in sets.items():
        if not postings:
            continue
        counts = {
            p["key"]: count_posting(
                p["key"], p["text"], taxonomy, contexts=p["contexts"], company=p["company"]
            )
            for p in postings
        }
        counts_by_set[name] = counts
        report["sets"][name] = {
            "summary": summarize(list(counts.values())),
            "postings": [c.to_dict() for c in counts.values()],
        }
    if sets["google"]:
        report["sets"]["google"]["preferred_column"] = google_preferred_only(
            sets["google"], taxonomy
        )

    print("\nrequirements split from postings: product (mlcore.jobtext) vs every-skill baseline")
    header = f"{'set':<10}{'method':<10}{'n':>5}{'median':>8}{'p90':>6}{'max':>5}"
    header += f"{'no must':>9}{'any nice':>10}{'soft':>7}{'blurb':>7}"
    print(header)
    for name, body in report["sets"].items():
        for method in ("product", "baseline"):
            s = body["summary"][method]
            print(
                f"{name:<10}{method:<10}{s['postings']:>5}{s['must_median']:>8.1f}"
                f"{s['must_p90']:>6.0f}{s['must_max']:>5}{s['postings_without_must']:>9}"
                f"{s['share_with_nice']:>10.3f}{s['soft_share_of_must'] or 0:>7.3f}"
                f"{s['blurb_share_of_must'] or 0:>7.3f}"
            )
    print("(median/p90/max: must-haves per posting; soft, blurb: shares of all must-haves)")
    if "preferred_column" in report["sets"].get("google", {}):
        g = report["sets"]["google"]["preferred_column"]
        print(
            f"google: {g['must_named_only_under_preferred']} of {g['must_total']} must-haves are"
            f" named only under Preferred qualifications; {g['of_which_nice']} of"
            f" {g['skills_named_only_under_preferred']} skills named only there are nice-to-have"
        )

    if args.labels.is_file():
        labels = json.loads(args.labels.read_text(encoding="utf-8"))["postings"]
        check = precision_on_labels(counts_by_set["linkedin"], labels)
        report["hand_check"] = {"labels": str(args.labels.relative_to(REPO_ROOT)), **check}
        print(f"\nhand check: must-haves of {len(labels)} LinkedIn postings labelled by hand")
        print(
            f"{'method':<10}{'must':>6}{'req':>6}{'noise':>7}{'unlab':>7}{'precision':>11}"
            f"{'req kept':>10}  noise"
        )
        for method in ("product", "baseline"):
            c = check[method]
            noise = ", ".join(f"{k} {v}" for k, v in c["by_label"].items() if k != "requirement")
            print(
                f"{method:<10}{c['must_labelled']:>6}{c['requirement']:>6}{c['noise']:>7}"
                f"{c['unlabelled']:>7}{c['precision'] or 0:>11.3f}{c['requirements_kept'] or 0:>10.3f}"
                f"  {noise}"
            )
    else:
        print(f"\n({args.labels} not found: no hand check)")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"\n-> {args.output.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
