"""Build the keyword model (word weights of the score's keyword part) from public resumes and
postings in ``../shared/data``: ``python scripts/build_keyword_model.py [--data-dir ...]``.

Writes ``data/reference/keywords`` (an artifact folder: vocabulary, idf, manifest). Only word
statistics are stored, never a text. The same inputs give the same vocabulary and weights.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from mlcore.retrieval.keywords import KeywordModel  # noqa: E402

DEFAULT_OUT = REPO_ROOT / "data" / "reference" / "keywords"
csv.field_size_limit(10_000_000)


def _rows(path: Path) -> list[dict]:
    if not path.is_file():
        raise SystemExit(f"missing {path}: point --data-dir at the shared data folder")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def reference_texts(data_dir: Path) -> dict[str, list[str]]:
    """The reference corpus by source: resumes and postings of several kinds and fields."""
    onet = data_dir / "onet_29_2_skills_occupations" / "Occupation Data.txt"
    with open(onet, encoding="utf-8") as fh:
        occupations = [
            f"{r['Title']}\n{r['Description']}" for r in csv.DictReader(fh, delimiter="\t")
        ]
    google = _rows(data_dir / "google_job_skills" / "job_skills.csv")
    return {
        "livecareer": [
            r["Resume_str"] for r in _rows(data_dir / "livecareer_resumes" / "resumes.csv")
        ],
        "kaggle": [
            r["Resume"]
            for r in _rows(
                data_dir / "kaggle_updated_resume_dataset" / "UpdatedResumeDataSet.dedup.csv"
            )
        ],
        "linkedin": [
            f"{r['title']}\n{r['description']}\n{r['skills_desc']}"
            for r in _rows(data_dir / "linkedin_postings_sample500" / "postings_sample.csv")
        ],
        "google": [
            "\n".join(
                r[k]
                for k in (
                    "Title",
                    "Responsibilities",
                    "Minimum Qualifications",
                    "Preferred Qualifications",
                )
            )
            for r in google
        ],
        "onet": occupations,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO_ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--min-df", type=int, default=2)
    args = parser.parse_args(argv)
    corpus = reference_texts(args.data_dir)
    texts = [t for source in sorted(corpus) for t in corpus[source] if t and t.strip()]
    model = KeywordModel(min_df=args.min_df).fit(texts)
    model.save(args.out, overwrite=True)
    counts = ", ".join(f"{k} {len(v)}" for k, v in sorted(corpus.items()))
    print(f"{len(model.vocabulary_)} words from {model.n_documents_} documents ({counts})")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
