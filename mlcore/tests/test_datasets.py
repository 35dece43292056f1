"""Dataset loaders (on ../shared/data) and the category maps into the project's 24 slugs."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from mlcore.datasets import (
    GOOGLE_TO_PROJECT,
    LIVECAREER_TO_PROJECT,
    PROJECT_CATEGORIES,
    load_google_jobs,
    load_kaggle_dedup,
    load_livecareer_resumes,
    repair_mojibake,
    without_first_line,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"

# From google_job_skills/PROVENANCE.md.
GOOGLE_CATEGORIES = {
    "Sales & Account Management": 168,
    "Marketing & Communications": 165,
    "Finance": 115,
    "Technical Solutions": 101,
    "Business Strategy": 98,
    "People Operations": 86,
    "User Experience & Design": 84,
    "Program Management": 74,
    "Partnerships": 60,
    "Product & Customer Support": 50,
    "Legal & Government Relations": 46,
    "Administrative": 40,
    "Software Engineering": 31,
    "Sales Operations": 31,
    "Hardware Engineering": 26,
    "Real Estate & Workplace Services": 25,
    "Manufacturing & Supply Chain": 16,
    "Technical Infrastructure": 11,
    "Network Engineering": 6,
    "Developer Relations": 5,
    "Technical Writing": 5,
    "IT & Data Management": 5,
    "Data Center & Network": 2,
}
# From livecareer_resumes/PROVENANCE.md ("Category counts in this copy").
LIVECAREER_COUNTS = {
    "accountant": 90,
    "advocate": 98,
    "agriculture": 51,
    "apparel": 72,
    "arts": 80,
    "automobile": 27,
    "aviation": 93,
    "banking": 87,
    "bpo": 14,
    "business-development": 76,
    "chef": 89,
    "construction": 83,
    "consultant": 84,
    "designer": 73,
    "digital-media": 70,
    "engineering": 85,
    "finance": 89,
    "fitness": 88,
    "healthcare": 89,
    "hr": 84,
    "information-technology": 92,
    "public-relations": 91,
    "sales": 84,
    "teacher": 86,
}


def _shared(folder: str) -> Path:
    path = SHARED_DATA / folder
    if not path.is_dir():
        pytest.skip(f"shared data folder {path} is missing (see ../shared/data/README.md)")
    return SHARED_DATA


@pytest.fixture(scope="module")
def livecareer():
    return load_livecareer_resumes(_shared("livecareer_resumes"))


@pytest.fixture(scope="module")
def google_jobs():
    return load_google_jobs(_shared("google_job_skills"))


def test_google_map_covers_all_23_google_categories_with_project_slugs():
    assert set(GOOGLE_TO_PROJECT) == set(GOOGLE_CATEGORIES)
    assert set(GOOGLE_TO_PROJECT.values()) <= set(PROJECT_CATEGORIES)


def test_project_categories_are_the_24_livecareer_slugs():
    assert len(PROJECT_CATEGORIES) == 24
    assert LIVECAREER_TO_PROJECT["INFORMATION-TECHNOLOGY"] == "information-technology"
    assert LIVECAREER_TO_PROJECT["HR"] == "hr"
    assert all(slug == slug.lower() and " " not in slug for slug in PROJECT_CATEGORIES)


def test_named_google_families_land_on_their_namesakes():
    assert GOOGLE_TO_PROJECT["Software Engineering"] == "information-technology"
    assert GOOGLE_TO_PROJECT["People Operations"] == "hr"
    assert GOOGLE_TO_PROJECT["Sales & Account Management"] == "sales"
    assert GOOGLE_TO_PROJECT["Finance"] == "finance"
    assert GOOGLE_TO_PROJECT["User Experience & Design"] == "designer"
    assert GOOGLE_TO_PROJECT["Legal & Government Relations"] == "advocate"


def test_without_first_line_drops_the_title_line_only():
    assert without_first_line("\n  SENIOR ACCOUNTANT\nSummary\nText") == "Summary\nText"
    assert without_first_line("ONLY A TITLE") == ""


def test_repair_mojibake_restores_bullets_and_accents_but_keeps_correct_text():
    broken = "Skills \u00e2\u0080\u00a2 Python \u00c3\u00b1"
    assert repair_mojibake(broken) == "Skills \u2022 Python \u00f1"
    assert repair_mojibake("Caf\u00e9 \u00e0 la carte") == "Caf\u00e9 \u00e0 la carte"


@pytest.mark.shared_data
def test_livecareer_loader_returns_1875_resumes_in_the_documented_categories(livecareer):
    data = livecareer
    assert len(data) == 1875
    assert Counter(d.label for d in data) == LIVECAREER_COUNTS
    assert len({d.source_id for d in data}) == 1875
    # The two identical pairs share a group, nothing else does.
    assert len({d.group_id for d in data}) == 1875 - 2


@pytest.mark.shared_data
def test_livecareer_loader_can_drop_the_title_line(livecareer):
    full = livecareer
    dropped = load_livecareer_resumes(_shared("livecareer_resumes"), drop_first_line=True)
    assert [d.label for d in dropped] == [d.label for d in full]
    changed = [(f, d) for f, d in zip(full, dropped, strict=True) if f.text.strip()]
    assert all(len(d.text) < len(f.text) for f, d in changed)
    titles = [f.text.strip().splitlines()[0] for f, _ in changed]
    assert not any(d.text.startswith(t) for t, (_, d) in zip(titles, changed, strict=True))
    assert [d.group_id for d in dropped] == [d.group_id for d in full]


@pytest.mark.shared_data
def test_google_loader_returns_1250_postings_with_google_categories(google_jobs):
    data = google_jobs
    assert len(data) == 1250
    assert Counter(d.label for d in data) == GOOGLE_CATEGORIES
    assert all(d.text.strip() for d in data)
    # Re-posts of one job in several locations share a group (about a third of the rows).
    assert 700 < len({d.group_id for d in data}) < 1000


@pytest.mark.shared_data
def test_google_labels_all_map_into_project_categories(google_jobs):
    assert {GOOGLE_TO_PROJECT[d.label] for d in google_jobs} <= set(PROJECT_CATEGORIES)


@pytest.mark.shared_data
def test_kaggle_dedup_loader_returns_166_distinct_resumes_without_mojibake():
    data = load_kaggle_dedup(_shared("kaggle_updated_resume_dataset"))
    assert len(data) == 166
    assert len({d.label for d in data}) == 25
    assert len({d.group_id for d in data}) == 166
    assert not any("\u00e2\u0080\u00a2" in d.text for d in data)
    raw = load_kaggle_dedup(SHARED_DATA, repair=False)
    assert any("\u00e2\u0080\u00a2" in d.text for d in raw)
