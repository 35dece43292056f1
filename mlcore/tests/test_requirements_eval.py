"""Measuring how postings' requirements are split: the counts per posting, the evaluation's own
blurb detector, the aggregate figures and the precision against hand labels."""

from __future__ import annotations

import pytest

from mlcore.pipelines.requirements_eval import (
    blurb_paragraphs,
    count_posting,
    precision_on_labels,
    summarize,
)
from mlcore.skills import SkillEntry, SkillTaxonomy

TAXONOMY = SkillTaxonomy.from_entries(
    [
        SkillEntry("Payroll", kind="domain"),
        SkillEntry("Excel", kind="tool"),
        SkillEntry("Communication", kind="soft"),
        SkillEntry("Tableau", kind="tool"),
        SkillEntry("Recruiting", kind="domain"),
        SkillEntry("Python", kind="technical"),
    ]
)
TITLE = "Payroll Specialist"
POSTING = (
    f"{TITLE}\n"
    "Acme is a staffing firm known for Recruiting in banking.\n"
    "Requirements\n"
    "- Payroll and Excel\n"
    "- Strong communication\n"
    "Nice to have\n"
    "- Tableau\n"
    "Benefits\n"
    "- Free Python classes\n"
)


def count():
    return count_posting(
        "acme", POSTING, TAXONOMY, contexts=[(0, len(TITLE) + 1)], company="Acme Inc"
    )


def test_a_posting_is_counted_as_the_product_splits_it_and_as_the_baseline_would():
    c = count()

    assert sorted(c.must) == ["Excel", "Payroll", "Recruiting"]
    assert sorted(c.nice) == ["Communication", "Tableau"]
    assert c.must_soft == ()
    # "Acme is a staffing firm ..." is about the company: the product keeps its skill, the
    # evaluation's detector flags it.
    assert c.must_blurb == ("Recruiting",)
    assert sorted(c.baseline_must) == [
        "Communication",
        "Excel",
        "Payroll",
        "Python",
        "Recruiting",
        "Tableau",
    ]
    assert c.baseline_soft == ("Communication",)
    assert sorted(c.baseline_blurb) == ["Python", "Recruiting"]
    assert c.to_dict()["n_must"] == 3 and c.to_dict()["n_baseline_must"] == 6


def test_the_summary_gives_counts_and_shares_for_the_product_and_the_baseline():
    summary = summarize([count()])

    product, baseline = summary["product"], summary["baseline"]
    assert (product["must_total"], product["must_median"], product["must_p90"]) == (3, 3.0, 3.0)
    assert product["share_with_nice"] == 1.0
    assert product["soft_share_of_must"] == 0.0
    assert product["blurb_share_of_must"] == pytest.approx(1 / 3, abs=1e-4)
    assert baseline["must_total"] == 6 and baseline["share_with_nice"] == 0.0
    assert baseline["soft_share_of_must"] == pytest.approx(1 / 6, abs=1e-4)
    assert baseline["blurb_share_of_must"] == pytest.approx(2 / 6, abs=1e-4)


def test_p90_is_the_nearest_rank_over_postings():
    texts = ["Role"] + ["Role\nPayroll."] * 8 + ["Role\nPayroll and Excel."]
    summary = summarize([count_posting(str(i), t, TAXONOMY) for i, t in enumerate(texts)])

    baseline = summary["baseline"]
    assert baseline["must_median"] == 1.0 and baseline["must_p90"] == 1.0
    assert baseline["must_max"] == 2 and baseline["postings_without_must"] == 1


def test_blurb_parts_run_from_a_blurb_heading_to_the_next_heading_about_the_job():
    text = (
        "Analyst\n"
        "About Acme:\n"
        "We build tools.\n"
        "Offices in 3 cities.\n"
        "Key ResponsibilitiesBuild reports\n"
        "Acme is seeking an analyst who knows Excel.\n"
        "Equal Employment Opportunity: we hire without regard to race.\n"
    )
    flagged = [text[a:b] for a, b in blurb_paragraphs(text, "Acme")]

    assert flagged == [
        "About Acme:",
        "We build tools.",
        "Offices in 3 cities.",
        "Equal Employment Opportunity: we hire without regard to race.",
    ]


def test_precision_counts_only_must_haves_labelled_requirement_and_reports_what_was_kept():
    labels = {
        "acme": {
            "Payroll": "requirement",
            "Excel": "requirement",
            "Tableau": "requirement",
            "Recruiting": "blurb",
            "Communication": "soft",
        }
    }
    check = precision_on_labels({"acme": count()}, labels)

    product, baseline = check["product"], check["baseline"]
    assert (product["requirement"], product["noise"], product["unlabelled"]) == (2, 1, 0)
    assert product["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert product["requirements_kept"] == pytest.approx(2 / 3, abs=1e-4)
    assert baseline["by_label"] == {"blurb": 1, "requirement": 3, "soft": 1}
    assert baseline["unlabelled"] == 1  # Python
    assert baseline["precision"] == pytest.approx(3 / 5, abs=1e-4)
    assert baseline["requirements_kept"] == 1.0
