"""Job texts labelled with the project's 24 categories: public sets mapped through a reviewed file,
and the LinkedIn postings an annotator labelled, kept aside as the held-out test set.

The mapping (``data/labels/job_category_map.csv``) sends each O*NET occupation (longest SOC code
prefix wins) and each djinni category to one project category, or to none ("" leaves the rows
out). Google's job families are mapped in ``mlcore.datasets.GOOGLE_TO_PROJECT``.
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

from mlcore.datasets import PROJECT_CATEGORIES, LabelledText

ONET_DIR = Path("onet_29_2_skills_occupations")
DJINNI_FILE = Path("djinni_job_titles") / "djinni.csv"
LINKEDIN_FILE = Path("linkedin_postings_sample500") / "postings_sample.csv"
MAP_SOURCES = ("onet", "djinni")
# The annotator's label for a posting that fits none of the 24 categories.
OTHER = "other"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _require(path: Path) -> Path:
    if not path.is_file():
        raise FileNotFoundError(f"dataset file not found: {path} (is ../shared/data mounted?)")
    return path


def load_category_map(path: str | os.PathLike[str]) -> dict[str, dict[str, str]]:
    """The reviewed map ``source -> key -> category`` ("" for "no category: leave out").

    Raises
    ------
    ValueError
        A row names an unknown source or category, or a key twice.
    """
    out: dict[str, dict[str, str]] = {s: {} for s in MAP_SOURCES}
    with open(_require(Path(path)), encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            source, key, category = row["source"], row["key"].strip(), row["category"].strip()
            if source not in out:
                raise ValueError(f"{path}:{n}: unknown source {source!r}; use {MAP_SOURCES}")
            if category and category not in PROJECT_CATEGORIES:
                raise ValueError(f"{path}:{n}: {category!r} is not a project category")
            if key in out[source]:
                raise ValueError(f"{path}:{n}: {source} key {key!r} is mapped twice")
            out[source][key] = category
    return out


def onet_category(code: str, prefixes: Mapping[str, str]) -> str:
    """The category of an O*NET-SOC code: the entry of its longest mapped prefix ("" if none)."""
    best = ""
    for prefix in prefixes:
        if code.startswith(prefix) and len(prefix) > len(best):
            best = prefix
    return prefixes.get(best, "") if best else ""


def _tsv(path: Path) -> list[dict[str, str]]:
    with open(_require(path), encoding="utf-8", errors="replace", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def load_onet_jobs(
    data_dir: str | os.PathLike[str],
    prefixes: Mapping[str, str],
    *,
    titles_per_occupation: int = 20,
) -> list[LabelledText]:
    """O*NET occupations in the project's categories: one "title + description" text each, and
    up to ``titles_per_occupation`` job titles of it (reported titles first, then alternate
    titles in file order), each a text of its own.

    Every text of one occupation shares its ``group_id`` (the SOC code), so a split never puts
    an occupation's titles on one side and its description on the other.
    """
    base = Path(data_dir) / ONET_DIR
    titles: dict[str, list[str]] = defaultdict(list)
    for row in _tsv(base / "Sample of Reported Titles.txt"):
        titles[row["O*NET-SOC Code"]].append(row["Reported Job Title"])
    for row in _tsv(base / "Alternate Titles.txt"):
        titles[row["O*NET-SOC Code"]].append(row["Alternate Title"])
    out = []
    for row in _tsv(base / "Occupation Data.txt"):
        code = row["O*NET-SOC Code"]
        category = onet_category(code, prefixes)
        if not category:
            continue
        group = f"onet-{code}"
        out.append(
            LabelledText(f"{row['Title']}\n{row['Description']}".strip(), category, group, code)
        )
        seen = {row["Title"].strip().lower()}
        kept = 0
        for title in titles.get(code, []):
            key = " ".join(title.lower().split())
            if not key or key in seen or kept >= titles_per_occupation:
                continue
            seen.add(key)
            kept += 1
            out.append(LabelledText(title.strip(), category, group, code))
    return out


def load_djinni_titles(
    data_dir: str | os.PathLike[str], categories: Mapping[str, str], *, per_category: int = 120
) -> list[LabelledText]:
    """Djinni job titles in the project's categories, at most ``per_category`` distinct titles
    of each djinni category (in file order), so the tech-heavy board does not swamp the rest.

    ``group_id`` hashes the lower-cased title: the same title posted twice is one group.
    """
    counts: dict[str, int] = defaultdict(int)
    seen: set[str] = set()
    out = []
    with open(_require(Path(data_dir) / DJINNI_FILE), encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            native = (row.get("category") or "").strip()
            category = categories.get(native, "")
            title = " ".join((row.get("title") or "").split())
            key = title.lower()
            if not category or not title or key in seen or counts[native] >= per_category:
                continue
            seen.add(key)
            counts[native] += 1
            out.append(LabelledText(title, category, f"dj-{_sha(key)}", str(i)))
    return out


def linkedin_posting_text(row: Mapping[str, str]) -> str:
    """A LinkedIn posting as the app reads a job: title line, then the description."""
    return f"{(row.get('title') or '').strip()}\n{(row.get('description') or '').strip()}".strip()


def load_linkedin_heldout(
    data_dir: str | os.PathLike[str], labels_path: str | os.PathLike[str]
) -> list[LabelledText]:
    """The 500 LinkedIn postings with the annotator's category (``OTHER`` when none of the 24
    fits), in the labels file's order. The held-out test set of the job classifier: never
    train or tune on it."""
    csv.field_size_limit(16 * 1024 * 1024)
    with open(_require(Path(labels_path)), encoding="utf-8", newline="") as fh:
        labels = {r["job_id"]: r["category"].strip().lower() for r in csv.DictReader(fh)}
    with open(_require(Path(data_dir) / LINKEDIN_FILE), encoding="utf-8", newline="") as fh:
        rows = {r["job_id"]: r for r in csv.DictReader(fh)}
    out = []
    for job_id, label in labels.items():
        if job_id not in rows:
            raise ValueError(f"{labels_path}: job {job_id} is not in {LINKEDIN_FILE}")
        if label != OTHER and label not in PROJECT_CATEGORIES:
            raise ValueError(f"{labels_path}: job {job_id} has unknown category {label!r}")
        text = linkedin_posting_text(rows[job_id])
        out.append(LabelledText(text, label, f"li-{job_id}", job_id))
    return out
