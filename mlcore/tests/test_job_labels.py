"""The labelled job set in the project's 24 categories: the reviewed map, the O*NET and djinni
loaders, and the held-out LinkedIn postings."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from mlcore.datasets import PROJECT_CATEGORIES
from mlcore.job_labels import (
    OTHER,
    load_category_map,
    load_djinni_titles,
    load_linkedin_heldout,
    load_onet_jobs,
    onet_category,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
MAP = REPO_ROOT / "data" / "labels" / "job_category_map.csv"
HELDOUT = REPO_ROOT / "data" / "labels" / "linkedin_categories.csv"


def _shared(folder: str) -> Path:
    if not (SHARED_DATA / folder).is_dir():
        pytest.skip(f"shared data folder {SHARED_DATA / folder} is missing (../shared/data)")
    return SHARED_DATA


@pytest.fixture(scope="module")
def mapping():
    return load_category_map(MAP)


def test_the_map_sends_every_key_to_a_project_category_or_to_none(mapping):
    used = {c for by_key in mapping.values() for c in by_key.values()}
    assert used - {""} <= set(PROJECT_CATEGORIES)
    assert len(mapping["onet"]) > 100 and len(mapping["djinni"]) > 50


def test_the_longest_soc_prefix_wins(mapping):
    prefixes = mapping["onet"]
    assert onet_category("29-1141.00", prefixes) == "healthcare"  # registered nurses
    assert onet_category("29-9091.00", prefixes) == "fitness"  # athletic trainers, not 29-
    assert onet_category("23-1011.00", prefixes) == "advocate"  # lawyers
    assert onet_category("35-1011.00", prefixes) == "chef"
    assert onet_category("53-3032.00", prefixes) == ""  # truck drivers: no category
    assert onet_category("99-0000.00", prefixes) == ""


def test_a_map_with_an_unknown_category_is_refused(tmp_path):
    bad = tmp_path / "map.csv"
    bad.write_text("source,key,category,note\nonet,29-,nursing,\n")
    with pytest.raises(ValueError, match="not a project category"):
        load_category_map(bad)


def test_a_key_mapped_twice_is_refused(tmp_path):
    bad = tmp_path / "map.csv"
    bad.write_text("source,key,category,note\ndjinni,QA,hr,\ndjinni,QA,sales,\n")
    with pytest.raises(ValueError, match="mapped twice"):
        load_category_map(bad)


def test_onet_gives_a_description_and_titles_per_occupation_in_one_group(mapping):
    rows = load_onet_jobs(_shared("onet_29_2_skills_occupations"), mapping["onet"])
    nurses = [r for r in rows if r.source_id == "29-1141.00"]
    assert nurses[0].text.startswith("Registered Nurses\n")
    assert 1 < len(nurses) <= 21
    assert {r.group_id for r in nurses} == {"onet-29-1141.00"}
    assert {r.label for r in nurses} == {"healthcare"}
    assert not [r for r in rows if r.source_id.startswith("53-3032")]  # unmapped: left out
    assert set(Counter(r.label for r in rows)) <= set(PROJECT_CATEGORIES)


def test_djinni_titles_are_capped_per_category_and_distinct(mapping):
    rows = load_djinni_titles(_shared("djinni_job_titles"), mapping["djinni"], per_category=30)
    assert len({r.text.lower() for r in rows}) == len(rows)
    assert Counter(r.label for r in rows)["information-technology"] <= 30 * 70
    assert "hr" in {r.label for r in rows}


def test_the_heldout_postings_are_the_500_annotated_linkedin_jobs():
    rows = load_linkedin_heldout(_shared("linkedin_postings_sample500"), HELDOUT)
    assert len(rows) == 500
    labels = Counter(r.label for r in rows)
    assert labels[OTHER] == 55
    assert set(labels) - {OTHER} <= set(PROJECT_CATEGORIES)
    assert all("\n" in r.text for r in rows)  # title line, then the description
