"""Skill extraction precision and recall on the hand-annotated gold set, old taxonomy beside new.

    python bench/eval_skills.py --data-dir ../shared/data [--old-taxonomy REV_OR_PATH]
                                [--taxonomy REV_OR_PATH] [--errors] [--dev-only]

Gold: ``data/labels/skills_gold.json``, an exhaustive annotation of 23 livecareer resumes and
26 LinkedIn postings (every skill with a kind and an evidence snippet copied from the text).
Texts are read from ``../shared/data``: a resume is ``Resume_str``, a posting is its title, a
newline and its description. Extraction runs as in the app: for a resume
``SkillTaxonomy.extract`` with its skills and certifications sections
(``recruiting.parsing.sections``) as context; for a posting the taxonomy skills of
``mlcore.jobtext.posting_requirements`` with the title line as context (requirement sections
are context too, company blurb is left out).

Split: per document type, the keys sorted and taken alternately, DEV first (12 resumes and 13
postings in DEV, 11 and 13 in TEST). Rules and filters were tuned on DEV only; TEST is the honest
figure. ``--errors`` lists DEV false positives and misses, never TEST ones; ``--dev-only`` prints
the DEV rows alone, for tuning. Both taxonomies run through the current matcher, so the "old"
rows show what the taxonomy alone changes.

Matching: an extracted skill and a gold item match when a span of the skill overlaps an
occurrence of the item's evidence (case and whitespace ignored), or when the skill's canonical
name is the item's name as given or as the taxonomy resolves the item's name or evidence.
precision = extracted skills that match some gold item / extracted skills;
recall = gold items matched / gold items;
coverage = gold items the taxonomy knows (name or evidence is a name or alias, or the evidence
read alone as a skills list contains one) / gold items;
recall_known = recall over the known items only: what extraction loses, apart from the
taxonomy's gaps. All micro-averaged.

Speed and size: compile time (median of 3) and retained memory (tracemalloc) of
``SkillTaxonomy.from_entries``, and the median time to extract from one ~6k-character livecareer
resume. Writes ``reports/skills.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from mlcore.jobtext import posting_requirements  # noqa: E402
from mlcore.pipelines.skills_eval import (  # noqa: E402
    SPLITS,
    GoldDocument,
    GoldItem,
    score_document,
    split_dev_test,
    summarize,
)
from mlcore.skills import SkillEntry, SkillMatch, SkillTaxonomy  # noqa: E402
from recruiting.parsing.sections import detect_sections  # noqa: E402

csv.field_size_limit(16 * 1024 * 1024)

GOLD = REPO_ROOT / "data" / "labels" / "skills_gold.json"
NEW_TAXONOMY = REPO_ROOT / "fixtures" / "skills.json"
# The last commit with the 1,967-skill taxonomy, before the one built from all of O*NET and ESCO.
OLD_TAXONOMY = "8e66af8"
RESUME_SKILL_SECTIONS = {"skills", "certifications"}
DOC_TYPES = ("resume", "job")
LABELS = {"resume": "resumes", "job": "JDs"}


def read_fixture(source: str) -> list[SkillEntry]:
    """Entries of a ``fixtures/skills.json``: a file path, or a git revision to read it from."""
    path = Path(source)
    if path.is_file():
        raw = path.read_text(encoding="utf-8")
    else:
        raw = subprocess.run(
            ["git", "show", f"{source}:fixtures/skills.json"],
            cwd=REPO_ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    return [
        SkillEntry(
            f["name"],
            tuple(f.get("aliases") or ()),
            kind=f.get("kind", "technical"),
            requires_context=bool(f.get("requires_context", False)),
        )
        for f in (row["fields"] for row in json.loads(raw))
    ]


def load_documents(data_dir: Path, gold_path: Path = GOLD) -> list[GoldDocument]:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))["documents"]
    resumes_csv = data_dir / "livecareer_resumes" / "resumes.csv"
    postings_csv = data_dir / "linkedin_postings_sample500" / "postings_sample.csv"
    for path in (resumes_csv, postings_csv):
        if not path.is_file():
            raise SystemExit(f"{path} not found (pass --data-dir ../shared/data)")
    wanted_resumes = {k[len("resume_") : -4] for k in gold if k.startswith("resume_")}
    wanted_jobs = {k[len("job_") : -4] for k in gold if k.startswith("job_")}
    with resumes_csv.open(encoding="utf-8", newline="") as fh:
        resumes = {
            r["ID"]: r["Resume_str"] for r in csv.DictReader(fh) if r["ID"] in wanted_resumes
        }
    with postings_csv.open(encoding="utf-8", newline="") as fh:
        jobs = {
            r["job_id"]: (r["title"], r["description"])
            for r in csv.DictReader(fh)
            if r["job_id"] in wanted_jobs
        }
    docs = []
    for key in sorted(gold):
        items = tuple(GoldItem(i["name"], i["kind"], i["evidence"]) for i in gold[key])
        if key.startswith("resume_"):
            text = resumes[key[len("resume_") : -4]]
            contexts = tuple(
                (s.start, s.end) for s in detect_sections(text) if s.name in RESUME_SKILL_SECTIONS
            )
            docs.append(GoldDocument(key, "resume", text, items, contexts))
        else:
            title, description = jobs[key[len("job_") : -4]]
            text = f"{title}\n{description}"
            docs.append(GoldDocument(key, "job", text, items, ((0, len(title) + 1),)))
    return docs


def timing_resumes(data_dir: Path, *, n: int = 30) -> list[str]:
    """Livecareer resumes of 5.5k-6.5k characters, by ID (timing only, no labels)."""
    with (data_dir / "livecareer_resumes" / "resumes.csv").open(encoding="utf-8") as fh:
        rows = sorted(csv.DictReader(fh), key=lambda r: int(r["ID"]))
    return [r["Resume_str"] for r in rows if 5500 <= len(r["Resume_str"]) <= 6500][:n]


def measure(entries: list[SkillEntry], texts: list[str]) -> dict:
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        taxonomy = SkillTaxonomy.from_entries(entries)
        times.append(time.perf_counter() - t0)
    del taxonomy
    tracemalloc.start()
    taxonomy = SkillTaxonomy.from_entries(entries)
    retained, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    per_doc = []
    for text in texts:
        t0 = time.perf_counter()
        taxonomy.extract(text)
        per_doc.append(time.perf_counter() - t0)
    return {
        "skills": len(entries),
        "surfaces": sum(1 + len(e.aliases) for e in entries),
        "compile_s": round(statistics.median(times), 4),
        "memory_mb": round(retained / 2**20, 1),
        "peak_memory_mb": round(peak / 2**20, 1),
        "extract_ms_6k_resume": round(1000 * statistics.median(per_doc), 2) if per_doc else None,
    }


def extract(taxonomy: SkillTaxonomy, doc: GoldDocument) -> tuple[SkillMatch, ...]:
    """The skills the app stores for the document."""
    if doc.doc_type == "resume":
        return taxonomy.extract(doc.text, contexts=doc.contexts)
    return tuple(
        SkillMatch(r.name, r.kind, r.spans)
        for r in posting_requirements(doc.text, taxonomy, doc.contexts)
        if r.in_taxonomy
    )


def evaluate(taxonomy: SkillTaxonomy, docs: list[GoldDocument], split: dict[str, str]):
    per_doc = {d.key: score_document(d, extract(taxonomy, d), taxonomy) for d in docs}
    out = {}
    for part in SPLITS:
        for doc_type in DOC_TYPES:
            chosen = [
                per_doc[d.key] for d in docs if split[d.key] == part and d.doc_type == doc_type
            ]
            out[(part, doc_type)] = summarize(chosen)
    return out, per_doc


def print_errors(docs, per_doc, split) -> None:
    from collections import Counter

    fps: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    for d in docs:
        if split[d.key] != "dev":
            continue
        fps.update(per_doc[d.key].false_positives)
        missed.update(per_doc[d.key].missed_known)
    print("\nDEV false positives:", ", ".join(f"{k} ({v})" for k, v in fps.most_common()))
    print("\nDEV known but missed:", ", ".join(f"{k} ({v})" for k, v in missed.most_common()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO_ROOT.parent / "shared" / "data")
    parser.add_argument("--taxonomy", default=str(NEW_TAXONOMY), help="new taxonomy (path/rev)")
    parser.add_argument("--old-taxonomy", default=OLD_TAXONOMY, help="old taxonomy (path/rev)")
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--output", type=Path, default=REPO_ROOT / "reports" / "skills.json")
    parser.add_argument("--errors", action="store_true", help="list DEV errors of the new one")
    parser.add_argument("--dev-only", action="store_true", help="print DEV rows only (tuning)")
    args = parser.parse_args(argv)

    docs = load_documents(args.data_dir, args.gold)
    split = split_dev_test([d.key for d in docs], {d.key: d.doc_type for d in docs})
    texts = timing_resumes(args.data_dir)
    report: dict = {"gold": str(args.gold.relative_to(REPO_ROOT)), "split": {}, "taxonomies": {}}
    for part in SPLITS:
        report["split"][part] = sorted(k for k, v in split.items() if v == part)
    results = {}
    for label, source in (("old", args.old_taxonomy), ("new", args.taxonomy)):
        entries = read_fixture(source)
        speed = measure(entries, texts)
        taxonomy = SkillTaxonomy.from_entries(entries)
        scores, per_doc = evaluate(taxonomy, docs, split)
        results[label] = (speed, scores)
        report["taxonomies"][label] = {
            "source": source,
            **speed,
            "scores": {f"{p}/{t}": s.to_dict() for (p, t), s in scores.items()},
        }
        if label == "new" and args.errors:
            print_errors(docs, per_doc, split)

    print(f"\nskill extraction on {args.gold.name} ({len(docs)} documents)")
    header = f"{'taxonomy':<9}{'split':<6}{'docs':<8}{'n':>4}{'gold':>6}{'extr':>6}"
    header += f"{'P':>7}{'R':>7}{'R|known':>9}{'coverage':>10}"
    print(header)
    for part in ("dev",) if args.dev_only else SPLITS:
        for doc_type in DOC_TYPES:
            for label in ("old", "new"):
                s = results[label][1][(part, doc_type)]
                print(
                    f"{label:<9}{part.upper():<6}{LABELS[doc_type]:<8}{s.documents:>4}{s.gold:>6}"
                    f"{s.extracted:>6}{s.precision:>7.3f}{s.recall:>7.3f}{s.recall_known:>9.3f}"
                    f"{s.coverage:>10.3f}"
                )
    print(
        f"\n{'taxonomy':<9}{'skills':>8}{'surfaces':>10}{'compile s':>11}{'memory MB':>11}"
        f"{'extract ms (6k resume)':>24}"
    )
    for label in ("old", "new"):
        sp = results[label][0]
        print(
            f"{label:<9}{sp['skills']:>8}{sp['surfaces']:>10}{sp['compile_s']:>11.3f}"
            f"{sp['memory_mb']:>11.1f}{sp['extract_ms_6k_resume']:>24.2f}"
        )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"\n-> {args.output.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
