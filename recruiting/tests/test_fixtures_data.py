"""Checks on the demo fixtures (categories, skills taxonomy, jobs, resumes) as plain JSON.

No Django models are needed: the files are read with ``json`` so the data can be validated
before the apps that load it exist.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from datetime import datetime
from functools import cache
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = REPO_ROOT / "fixtures"
DEMO = FIXTURES / "demo"
RESUMES = DEMO / "resumes"
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"

LIVECAREER_CATEGORIES = [
    "accountant", "advocate", "agriculture", "apparel", "arts", "automobile", "aviation",
    "banking", "bpo", "business-development", "chef", "construction", "consultant", "designer",
    "digital-media", "engineering", "finance", "fitness", "healthcare", "hr",
    "information-technology", "public-relations", "sales", "teacher",
]  # fmt: skip
JOB_KEYS = {
    "id", "title", "company", "location", "remote", "description_html", "url", "posted_at",
    "category",
}  # fmt: skip
SKILL_KINDS = {"technical", "tool", "soft", "language", "certification", "domain"}
SKILL_SOURCES = {"onet", "esco", "project"}
# "(512) 555-0162", "+49 30 555 0147", "+353 1 555 0177"
PHONE = re.compile(r"(?:\+\d{1,3}[ -])?(?:\(\d{3}\)|\d{1,4})[ -]\d{3,4}[ -]\d{3,4}")


def load(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def skills() -> tuple[dict, ...]:
    return tuple(row["fields"] for row in load(FIXTURES / "skills.json"))


@cache
def jobs() -> tuple[dict, ...]:
    return tuple(load(DEMO / "jobs.json"))


@cache
def surface_index() -> dict[str, str]:
    """Lower-cased name or alias -> canonical name."""
    index = {}
    for skill in skills():
        for surface in (skill["name"], *skill["aliases"]):
            index[surface.casefold()] = skill["name"]
    return index


@cache
def unambiguous_surfaces() -> tuple[str, ...]:
    # Skills that need context are left out so a job cannot pass on "Go" or "Excel" alone.
    return tuple(
        s.casefold()
        for skill in skills()
        if not skill["requires_context"]
        for s in (skill["name"], *skill["aliases"])
    )


def skills_named_in(text: str) -> set[str]:
    """Skills whose name or alias occurs in the text as a whole word, ignoring case."""
    folded = text.casefold()
    # a substring pre-filter keeps the word-boundary regex small
    present = sorted((s for s in unambiguous_surfaces() if s in folded), key=len, reverse=True)
    if not present:
        return set()
    alternation = "|".join(re.escape(s) for s in present)
    pattern = re.compile(rf"(?<![\w+#])(?:{alternation})(?![\w+#])")
    index = surface_index()
    return {index[m.group(0)] for m in pattern.finditer(folded)}


def plain_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_categories_are_the_24_livecareer_categories_with_pk_1_to_24_in_order():
    rows = load(FIXTURES / "categories.json")

    assert [row["fields"]["slug"] for row in rows] == LIVECAREER_CATEGORIES
    assert [row["pk"] for row in rows] == list(range(1, 25))
    assert {row["model"] for row in rows} == {"recruiting.category"}


def test_every_category_has_a_lowercase_hyphenated_slug_a_name_and_a_one_sentence_description():
    for row in load(FIXTURES / "categories.json"):
        fields = row["fields"]
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", fields["slug"])
        assert fields["name"].strip()
        assert fields["description"].endswith(".")
        assert fields["description"].count(". ") == 0


def test_skill_names_are_unique_ignoring_case():
    names = [s["name"].casefold() for s in skills()]

    assert len(names) == len(set(names))


def test_no_alias_is_repeated_or_equal_to_any_skill_name_ignoring_case():
    names = {s["name"].casefold() for s in skills()}
    aliases = [a.casefold() for s in skills() for a in s["aliases"]]

    assert len(aliases) == len(set(aliases))
    assert not names & set(aliases)


def test_skill_names_fit_the_name_column():
    # Skill.name is a CharField(max_length=120); bulk loading does not validate lengths
    assert max(len(s["name"]) for s in skills()) <= 120


def test_skills_have_valid_kinds_sources_and_sequential_pks():
    rows = load(FIXTURES / "skills.json")

    assert [row["pk"] for row in rows] == list(range(1, len(rows) + 1))
    assert {row["model"] for row in rows} == {"recruiting.skill"}
    for skill in skills():
        assert skill["kind"] in SKILL_KINDS
        assert skill["source"] in SKILL_SOURCES
        assert isinstance(skill["requires_context"], bool)
        assert isinstance(skill["aliases"], list)


def test_taxonomy_holds_all_of_onet_and_esco_about_ten_thousand_skills_and_uses_all_sources():
    # All 8,768 O*NET technology examples and the 4,199 ESCO skills, merged with the curated
    # list: on the order of ten thousand skills, three times as many names and aliases.
    assert 10_000 <= len(skills()) <= 20_000
    assert sum(1 + len(s["aliases"]) for s in skills()) >= 30_000
    assert {s["source"] for s in skills()} == SKILL_SOURCES
    assert {s["kind"] for s in skills()} == SKILL_KINDS


@pytest.mark.parametrize(
    ("surface", "canonical"),
    [
        ("JS", "JavaScript"),
        ("k8s", "Kubernetes"),
        ("Postgres", "PostgreSQL"),
        ("Golang", "Go"),
        ("sklearn", "scikit-learn"),
        ("ReactJS", "React"),
        ("Microsoft SQL Server", "SQL Server"),
        ("Amazon Web Services", "AWS"),
        ("Microsoft Excel", "Excel"),
        ("Oracle Java", "Java"),
        ("NLP", "Natural Language Processing"),
        ("EMR", "EHR"),
        ("Certified Public Accountant", "CPA"),
        ("work in teams", "Teamwork"),
        ("Henry Schein Dentrix", "Dentrix"),
        ("Optical Research Associates LightTools", "LightTools"),
        ("take the initiative", "Show Initiative"),
        ("Inventory tracking software", "Inventory Tracking"),
        ("MS Access", "Microsoft Access"),
    ],
)
def test_well_known_aliases_resolve_to_their_canonical_skill(surface, canonical):
    assert surface_index()[surface.casefold()] == canonical


def test_one_and_two_letter_names_and_common_words_require_context_but_python_does_not():
    by_name = {s["name"]: s for s in skills()}

    for name in ("R", "C", "Go", "Swift", "Rust", "Spark", "Excel", "Word", "Slack", "Chef"):
        assert by_name[name]["requires_context"], name
    for name in ("Python", "Kubernetes", "PostgreSQL", "Customer Service", "C++", "C#"):
        assert not by_name[name]["requires_context"], name


def test_onet_products_named_by_a_plain_word_need_context_or_keep_their_vendor():
    by_name = {s["name"]: s for s in skills()}
    index = surface_index()

    for name in ("Articulate", "FAST", "BASIC", "Unity", "Epic"):
        assert by_name[name]["requires_context"], name
    # "Presentation", "Project", "Notes" and "Helper" never stand alone
    for word in ("presentation", "project", "notes", "helper"):
        assert word not in index, word
    assert "Neurobehavioral Systems Presentation" in by_name
    assert index["ibm notes"] == "Lotus Notes"
    for name in ("Dentrix", "LightTools", "SigmaPlot", "QuickBooks"):
        assert not by_name[name]["requires_context"], name


def test_demo_jobs_have_unique_ids_and_every_key():
    ids = [job["id"] for job in jobs()]

    assert len(jobs()) >= 40
    assert len(ids) == len(set(ids))
    for job in jobs():
        assert set(job) == JOB_KEYS, job["id"]
        assert isinstance(job["remote"], bool)
        assert job["url"].startswith("https://jobs.example.com/")


def test_demo_jobs_use_valid_categories_and_cover_at_least_eight_of_them():
    categories = [job["category"] for job in jobs()]

    assert set(categories) <= set(LIVECAREER_CATEGORIES)
    assert len(set(categories)) >= 8
    assert sum(categories.count(c) >= 3 for c in set(categories)) >= 10


def test_demo_jobs_are_posted_in_utc_between_september_and_november_2026():
    for job in jobs():
        assert job["posted_at"].endswith("Z"), job["id"]
        posted = datetime.fromisoformat(job["posted_at"].replace("Z", "+00:00"))
        assert (posted.year, posted.month) in {(2026, 9), (2026, 10), (2026, 11)}, job["id"]


def test_every_demo_job_has_requirements_and_nice_to_have_lists():
    for job in jobs():
        html = job["description_html"]
        assert "<h3>Requirements</h3><ul>" in html, job["id"]
        assert "<h3>Nice to have</h3><ul>" in html, job["id"]
        assert 150 <= len(plain_text(html).split()) <= 400, job["id"]


def test_every_demo_job_names_at_least_three_unambiguous_taxonomy_skills():
    for job in jobs():
        named = skills_named_in(plain_text(job["description_html"]))
        assert len(named) >= 3, (job["id"], sorted(named))


def test_every_resume_file_is_labelled_with_a_valid_category_and_every_label_has_a_file():
    labels = load(RESUMES / "labels.json")
    files = {p.name for p in RESUMES.glob("*.txt")}

    assert len(files) >= 30
    assert set(labels) == files
    assert set(labels.values()) <= set(LIVECAREER_CATEGORIES)
    assert len(set(labels.values())) >= 8


def test_resume_file_names_start_with_the_short_form_of_their_category():
    short = {"information-technology": "it"}
    for name, category in load(RESUMES / "labels.json").items():
        assert re.fullmatch(r"[a-z-]+-\d{2}-[a-z-]+\.txt", name), name
        assert name.startswith(short.get(category, category) + "-"), name


def test_resumes_use_only_example_emails_and_555_phone_numbers():
    for path in sorted(RESUMES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        emails = re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text)
        assert emails, path.name
        assert all(e.endswith("@example.com") for e in emails), path.name
        phones = PHONE.findall(text)
        assert phones, path.name
        assert all("555" in p for p in phones), (path.name, phones)


def test_resumes_are_between_250_and_600_words():
    for path in sorted(RESUMES.glob("*.txt")):
        words = len(path.read_text(encoding="utf-8").split())
        assert 250 <= words <= 600, (path.name, words)


@pytest.mark.shared_data
def test_build_taxonomy_reproduces_the_committed_skills_fixture(tmp_path, monkeypatch):
    for folder in ("onet_29_2_skills_occupations", "esco_skills_subset"):
        if not (SHARED_DATA / folder).is_dir():
            pytest.skip(f"shared data folder missing: {SHARED_DATA / folder}")
    spec = importlib.util.spec_from_file_location(
        "build_taxonomy", REPO_ROOT / "scripts" / "build_taxonomy.py"
    )
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the script is executed
    monkeypatch.setitem(sys.modules, "build_taxonomy", module)
    spec.loader.exec_module(module)
    output = tmp_path / "skills.json"

    assert module.main(["--data-dir", str(SHARED_DATA), "--output", str(output)]) == 0
    assert output.read_bytes() == (FIXTURES / "skills.json").read_bytes()
