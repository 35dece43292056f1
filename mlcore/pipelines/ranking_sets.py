"""The ranking evaluation's documents and sets: resumes and jobs as plain text with graded human
judgements, read from the JSONL files that ``scripts/export_ranking_sets.py`` writes.

Four sets, two of each direction: ``vanetik`` (vacancies ranked per CV) and ``postings`` (500
LinkedIn postings graded for each of 8 resumes) rank jobs for a resume; ``match150`` (90 resumes
for one JD) and ``hr_terms`` (32 JDs given as HR-style requirement terms, ~10 graded resumes
each) rank resumes for a job. Unjudged pairs have NaN relevance.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from mlcore.embeddings.text import has_words

Span = tuple[int, int]
Direction = Literal["jobs_for_resume", "resumes_for_job"]

SET_FILES: dict[str, tuple[str, ...]] = {
    "vanetik": ("vanetik_cvs.jsonl", "vanetik_vacancies.jsonl", "vanetik_judgements.jsonl"),
    "match150": ("match150_resumes.jsonl", "match150_jd.jsonl"),
    "hr_terms": ("hr_terms_resumes.jsonl", "hr_terms_jobs.jsonl", "hr_terms_judgements.jsonl"),
    "postings": ("postings_resumes.jsonl", "postings_jobs.jsonl", "postings_judgements.jsonl"),
}
# Grades that count as relevant for MAP and AUC: a 7-point fit grade of 5 ("good, worth a call")
# or more; a posting graded 1 (partly relevant) or 2 (relevant).
HR_TERMS_RELEVANT = 5
POSTINGS_RELEVANT = 1
SKILL_SECTIONS = frozenset({"skills", "certifications"})


# -- documents and sets ------------------------------------------------------------------------
@dataclass(frozen=True)
class ResumeText:
    """A parsed resume: its text, section spans ``(name, start, end)`` and years of experience."""

    id: str
    text: str
    sections: tuple[tuple[str, int, int], ...] = ()
    years_experience: float | None = None
    label: str | None = None  # the set's own category label, where it has one

    def skill_contexts(self) -> tuple[Span, ...]:
        return tuple((a, b) for name, a, b in self.sections if name in SKILL_SECTIONS)


@dataclass(frozen=True)
class JobText:
    """A job: title and description text (embedded together, as the app does)."""

    id: str
    title: str
    text: str

    @property
    def full_text(self) -> str:
        return f"{self.title}\n{self.text}" if self.title else self.text


@dataclass(frozen=True, eq=False)
class RankingSet:
    """Resumes x jobs with graded relevance and which way round the ranking goes.

    ``relevance`` is ``(n_resumes, n_jobs)``. ``relevant`` is the binary relevance for MAP
    (``None``: no MAP). ``targets`` holds further relevance matrices (one per annotator, NaN
    rows where that annotator did not judge); ``references`` holds reference scores.
    """

    name: str
    resumes: tuple[ResumeText, ...]
    jobs: tuple[JobText, ...]
    direction: Direction
    relevance: np.ndarray
    relevant: np.ndarray | None = None
    targets: Mapping[str, np.ndarray] = field(default_factory=dict)
    references: Mapping[str, np.ndarray] = field(default_factory=dict)
    notes: Mapping[str, object] = field(default_factory=dict)


def _read_jsonl(path: Path) -> list[dict]:
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: run scripts/export_ranking_sets.py --data-dir ../shared/data "
            f"--out {path.parent}"
        )
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _resume(row: dict) -> ResumeText:
    years = row.get("years_experience")
    return ResumeText(
        id=str(row["id"]),
        text=row["text"],
        sections=tuple((str(n), int(a), int(b)) for n, a, b in row.get("sections") or ()),
        years_experience=None if years is None else float(years),
        label=row.get("category"),
    )


def _usable(row: dict) -> bool:
    return row.get("status", "parsed") == "parsed" and has_words(row.get("text") or "")


def load_vanetik(directory: str | os.PathLike[str]) -> RankingSet:
    """Vacancies ranked per CV; relevance = the annotators' mean Borda points (4 best .. 0).

    Arrays that are not permutations (annotation slips) are dropped; a CV left without a valid
    array, or whose file could not be parsed, is left out. For MAP the vacancies with the two
    highest consensus points (ties included) count as relevant. Each annotator's own points
    are kept as targets ``a1``, ``a2``, ...; vacancies keep the file's order, the order the
    annotators saw them in.
    """
    folder = Path(directory)
    cvs_file, vacancies_file, judgements_file = (folder / f for f in SET_FILES["vanetik"])
    cv_rows = {str(r["id"]): r for r in _read_jsonl(cvs_file)}
    jobs = tuple(
        JobText(id=str(r["id"]), title=r.get("title", ""), text=r["text"])
        for r in _read_jsonl(vacancies_file)
    )
    job_index = {j.id: i for i, j in enumerate(jobs)}
    by_annotator: dict[str, dict[str, np.ndarray]] = {}
    dropped = 0
    for row in _read_jsonl(judgements_file):
        ranking = [str(v) for v in row["ranking"]]
        if not row.get("valid", True) or sorted(ranking) != sorted(job_index):
            dropped += 1
            continue
        points = np.zeros(len(jobs))
        for place, vacancy in enumerate(ranking):
            points[job_index[vacancy]] = len(jobs) - 1 - place
        by_annotator.setdefault(f"a{row['annotator']}", {})[str(row["cv_id"])] = points
    judged = {cv for points in by_annotator.values() for cv in points}
    ids = sorted((cv for cv in judged if cv in cv_rows and _usable(cv_rows[cv])), key=_natural)
    annotators = sorted(by_annotator)
    targets = {
        a: np.array([by_annotator[a].get(cv, np.full(len(jobs), np.nan)) for cv in ids])
        for a in annotators
    }
    stacked = np.stack([targets[a] for a in annotators])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        relevance = np.nanmean(stacked, axis=0).reshape(len(ids), len(jobs))
    relevant = relevance >= np.sort(relevance, axis=1)[:, [-2]]
    n_both = int(np.sum(np.all(~np.isnan(stacked[:, :, 0]), axis=0))) if len(annotators) > 1 else 0
    return RankingSet(
        name="vanetik",
        resumes=tuple(_resume(cv_rows[cv]) for cv in ids),
        jobs=jobs,
        direction="jobs_for_resume",
        relevance=relevance,
        relevant=relevant,
        targets=targets,
        references={
            "presentation_order": np.tile(-np.arange(len(jobs), dtype=float), (len(ids), 1))
        },
        notes={
            "dropped_arrays": dropped,
            "judged_cvs_left_out": len(judged) - len(ids),
            "cvs_per_annotator": {a: int(np.sum(~np.isnan(targets[a][:, 0]))) for a in annotators},
            "cvs_judged_by_all": n_both,
        },
    )


def _natural(key: str) -> tuple:
    return (0, int(key), "") if key.isdigit() else (1, 0, key)


def load_match150(directory: str | os.PathLike[str]) -> RankingSet:
    """Resumes ranked for the one ML-engineer JD; relevance = the set's match percentage."""
    folder = Path(directory)
    resumes_file, jd_file = (folder / f for f in SET_FILES["match150"])
    rows = [r for r in _read_jsonl(resumes_file) if r.get("match_percentage") is not None]
    kept = sorted((r for r in rows if _usable(r)), key=lambda r: str(r["id"]))
    jd_rows = _read_jsonl(jd_file)
    if len(jd_rows) != 1:
        raise ValueError(f"{jd_file} should hold one job description, found {len(jd_rows)}")
    jd = jd_rows[0]
    return RankingSet(
        name="match150",
        resumes=tuple(_resume(r) for r in kept),
        jobs=(JobText(id=str(jd["id"]), title=jd.get("title", ""), text=jd["text"]),),
        direction="resumes_for_job",
        relevance=np.array([float(r["match_percentage"]) for r in kept]).reshape(len(kept), 1),
        notes={"labelled_left_out": len(rows) - len(kept)},
    )


def load_hr_terms(directory: str | os.PathLike[str]) -> RankingSet:
    """Resumes ranked for JDs given as HR-style requirement terms (``"GAAP, month-end close,
    QuickBooks"``); relevance = the 1-7 fit grade, NaN where a resume was not graded for a JD.
    Graded 5 or more counts as relevant."""
    folder = Path(directory)
    resumes_file, jobs_file, judgements_file = (folder / f for f in SET_FILES["hr_terms"])
    rows = [r for r in _read_jsonl(resumes_file) if _usable(r)]
    resumes = tuple(_resume(r) for r in sorted(rows, key=lambda r: _natural(str(r["id"]))))
    jobs = tuple(
        JobText(id=str(r["id"]), title=r.get("title", ""), text=r["text"])
        for r in _read_jsonl(jobs_file)
    )
    r_index = {r.id: i for i, r in enumerate(resumes)}
    j_index = {j.id: i for i, j in enumerate(jobs)}
    relevance = np.full((len(resumes), len(jobs)), np.nan)
    left_out = 0
    for row in _read_jsonl(judgements_file):
        i, j = r_index.get(str(row["resume_id"])), j_index.get(str(row["job_id"]))
        if i is None or j is None:
            left_out += 1
            continue
        relevance[i, j] = float(row["grade"])
    with np.errstate(invalid="ignore"):
        relevant = relevance >= HR_TERMS_RELEVANT
    return RankingSet(
        name="hr_terms",
        resumes=resumes,
        jobs=jobs,
        direction="resumes_for_job",
        relevance=relevance,
        relevant=relevant,
        notes={
            "judged_pairs": int(np.sum(~np.isnan(relevance))),
            "judgements_left_out": left_out,
        },
    )


def load_postings(directory: str | os.PathLike[str]) -> RankingSet:
    """LinkedIn postings ranked for each resume; relevance = 2 (relevant), 1 (partly) or 0 (the
    postings not listed). Graded 1 or more counts as relevant."""
    folder = Path(directory)
    resumes_file, jobs_file, judgements_file = (folder / f for f in SET_FILES["postings"])
    rows = [r for r in _read_jsonl(resumes_file) if _usable(r)]
    resumes = tuple(_resume(r) for r in sorted(rows, key=lambda r: _natural(str(r["id"]))))
    jobs = tuple(
        JobText(id=str(r["id"]), title=r.get("title", ""), text=r["text"])
        for r in _read_jsonl(jobs_file)
    )
    r_index = {r.id: i for i, r in enumerate(resumes)}
    j_index = {j.id: i for i, j in enumerate(jobs)}
    relevance = np.zeros((len(resumes), len(jobs)))
    left_out = 0
    for row in _read_jsonl(judgements_file):
        i, j = r_index.get(str(row["resume_id"])), j_index.get(str(row["job_id"]))
        if i is None or j is None:
            left_out += 1
            continue
        relevance[i, j] = float(row["grade"])
    return RankingSet(
        name="postings",
        resumes=resumes,
        jobs=jobs,
        direction="jobs_for_resume",
        relevance=relevance,
        relevant=relevance >= POSTINGS_RELEVANT,
        notes={
            "relevant_per_resume": [int(n) for n in (relevance >= POSTINGS_RELEVANT).sum(axis=1)],
            "judgements_left_out": left_out,
        },
    )


LOADERS: dict[str, Callable[[Path], RankingSet]] = {
    "vanetik": load_vanetik,
    "match150": load_match150,
    "hr_terms": load_hr_terms,
    "postings": load_postings,
}
