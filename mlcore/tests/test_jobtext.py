"""Reading job descriptions: skill sections, nice-to-have sections and years of experience."""

import pytest

from mlcore.jobtext import nice_spans, skill_contexts, split_requirements, years_required_of
from mlcore.skills import SkillEntry, SkillTaxonomy

JD = """Backend Engineer
We are a small team in Berlin. You will go live with new services every week.

Responsibilities
- Build APIs in Python.

Requirements
- 3+ years with Python and Go
- PostgreSQL

Nice to have
- Kubernetes, Terraform, R

Benefits
- Remote days
"""

TAXONOMY = SkillTaxonomy.from_entries(
    [
        SkillEntry("Python"),
        SkillEntry("Go", requires_context=True),
        SkillEntry("PostgreSQL"),
        SkillEntry("Kubernetes"),
        SkillEntry("Terraform"),
        SkillEntry("R", requires_context=True),
    ]
)


def test_years_are_the_smallest_number_asked_for_including_entry_level_ranges():
    assert years_required_of("3+ years of Python, 5 years overall") == 3
    assert years_required_of("0-2 years of experience") == 0
    assert years_required_of("2–4 yrs") == 2
    assert years_required_of("no number here") is None


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("5+ years", 5),
        ("10 + years", 10),
        ("3 - 5 yrs", 3),
        ("2 –4 YEARS", 2),
        ("1 +  - 3 years", 1),
        ("12years", 12),
        ("3\n+\nyears", 3),
        ("5 yearsold", None),
        ("31 years", None),
    ],
)
def test_years_read_spaces_and_plus_signs_around_the_number(text, years):
    assert years_required_of(text) == years


def test_years_read_a_long_run_of_spaces_once():
    # Split both ways between "\s*" and "\s*", 200,000 spaces after a digit took minutes.
    assert years_required_of("1" + " " * 200_000 + "x") is None
    assert years_required_of("1 - 2" + " " * 200_000 + "years") == 1


def test_skill_contexts_cover_requirement_and_nice_sections_but_not_prose_or_benefits():
    contexts = skill_contexts(JD)
    inside = lambda word: any(a <= JD.index(word) < b for a, b in contexts)  # noqa: E731
    assert inside("PostgreSQL") and inside("Terraform")
    assert not inside("go live") and not inside("Remote days")
    assert len(nice_spans(JD)) == 1


def test_ambiguous_names_count_only_in_the_skill_sections_and_nice_ones_are_split_off():
    required, nice = split_requirements(JD, TAXONOMY)
    assert [m.name for m in required] == ["Python", "Go", "PostgreSQL"]
    go = next(m for m in required if m.name == "Go")
    assert all(JD[a:b] == "Go" for a, b in go.spans)
    assert [m.name for m in nice] == ["Kubernetes", "Terraform", "R"]


BLURB_TAXONOMY = SkillTaxonomy.from_entries(
    [
        SkillEntry("Logistics", kind="domain"),
        SkillEntry("Cold Calling", kind="domain"),
        SkillEntry("Recruiting", kind="domain"),
        SkillEntry("Salesforce", kind="tool"),
        SkillEntry("Tableau", kind="tool"),
        SkillEntry("JavaScript", kind="technical"),
    ]
)


def required_of(text: str) -> list[str]:
    required, _ = split_requirements(text, BLURB_TAXONOMY)
    return [m.name for m in required]


def test_an_about_the_company_part_ends_where_the_job_part_starts_even_without_a_line_break():
    text = (
        "Sales Executive\n"
        "About Dimerco:Dimerco is an international Logistics provider.\n"
        "It has 3,000 staff.\n"
        "Job Description:Make 25 Cold Calling rounds a week.\n"
    )
    assert required_of(text) == ["Cold Calling"]
    glued = text.replace("Job Description:", "Key ResponsibilitiesMake ")
    assert required_of(glued) == ["Cold Calling"]


def test_an_about_heading_that_names_the_role_is_not_company_blurb():
    prose = "You will run projects for clients. You will use Salesforce every day.\n"
    assert required_of(f"Project Manager\nAbout the Project Manager:\n{prose}") == ["Salesforce"]
    assert required_of(f"Analyst\nAbout 20% travel.\n{prose}") == ["Salesforce"]


def test_equal_employment_opportunity_text_gives_no_must_haves():
    text = (
        "Recruiter\n"
        "Requirements\n"
        "- Salesforce\n"
        "It is the policy of the firm to ensure equal employment opportunity in Recruiting.\n"
    )
    assert required_of(text) == ["Salesforce"]


def test_a_preferred_item_glued_onto_a_required_one_leaves_the_required_one_a_must_have():
    text = (
        "Analyst\n"
        "You will build reports for the sales team.\n"
        "QualificationsProficiency in Salesforce for 3 yearsExperience with Tableau is a plus\n"
    )
    required, nice = split_requirements(text, BLURB_TAXONOMY)
    assert [m.name for m in required] == ["Salesforce"]
    assert [m.name for m in nice] == ["Tableau"]


def test_a_capital_inside_a_skill_name_is_not_a_glued_join():
    text = "Analyst\nYou will build reports for the sales team.\nExperience with JavaScript is a plus.\n"
    required, nice = split_requirements(text, BLURB_TAXONOMY)
    assert required == [] and [m.name for m in nice] == ["JavaScript"]
