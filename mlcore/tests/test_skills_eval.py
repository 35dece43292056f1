"""Scoring skill extraction against a hand annotation: the DEV/TEST split, evidence lookup, the
matching rule and the micro averages."""

from __future__ import annotations

from mlcore.pipelines.skills_eval import (
    GoldDocument,
    GoldItem,
    evidence_spans,
    gold_item_known,
    score_document,
    split_dev_test,
    summarize,
)
from mlcore.skills import SkillEntry, SkillTaxonomy

TAXONOMY = SkillTaxonomy.from_entries(
    [
        SkillEntry("Excel", ("Microsoft Excel",), kind="tool"),
        SkillEntry("Payroll", kind="domain"),
        SkillEntry("Teamwork", ("team player",), kind="soft"),
        SkillEntry("Python", kind="technical"),
    ]
)


def test_documents_alternate_between_dev_and_test_by_sorted_key_within_each_type():
    types = {
        "job_3": "job",
        "job_1": "job",
        "job_2": "job",
        "resume_9": "resume",
        "resume_5": "resume",
    }

    split = split_dev_test(list(types), types)

    assert split == {
        "job_1": "dev",
        "job_2": "test",
        "job_3": "dev",
        "resume_5": "dev",
        "resume_9": "test",
    }
    assert split_dev_test(sorted(types, reverse=True), types) == split


def test_evidence_is_found_in_any_case_and_across_line_breaks():
    text = "Ran PAYROLL for 40 staff.\nMonthly payroll\nprocessing too."

    start = text.index("payroll\nprocessing")
    assert evidence_spans(text, "payroll processing") == [(start, start + 18)]
    assert evidence_spans(text, "Payroll") == [(4, 11), (start, start + 7)]
    assert evidence_spans(text, "  ") == []


def test_an_extraction_matches_by_overlapping_evidence_or_by_name_and_counts_are_micro():
    text = "Skills: Microsoft Excel, Python. A team player who ran payroll."
    doc = GoldDocument(
        key="resume_1",
        doc_type="resume",
        text=text,
        items=(
            GoldItem("Microsoft Excel", "tool", "Microsoft Excel"),  # found by name and span
            GoldItem("Team collaboration", "soft", "team player"),  # found by span only
            GoldItem("Payroll processing", "domain", "ran payroll"),  # span overlaps "payroll"
            GoldItem("Budgeting", "domain", "budgets"),  # absent from the text: missed
        ),
    )

    score = score_document(doc, TAXONOMY.extract(text), TAXONOMY)

    # Python is extracted but not annotated: the only false positive
    assert (score.n_extracted, score.n_extracted_correct) == (4, 3)
    assert (score.n_gold, score.n_gold_found) == (4, 3)
    assert score.false_positives == ("Python",)
    # known: Excel (name), team player (evidence is an alias), "ran payroll" holds Payroll
    assert (score.n_gold_known, score.n_gold_known_found) == (3, 3)


def test_a_skill_named_by_the_annotator_counts_without_overlapping_its_evidence():
    text = "Excel expert. Built dashboards in spreadsheets."
    doc = GoldDocument("job_1", "job", text, (GoldItem("Microsoft Excel", "tool", "spreadsheets"),))

    score = score_document(doc, TAXONOMY.extract(text), TAXONOMY)

    assert (score.n_extracted_correct, score.n_gold_found) == (1, 1)


def test_a_gold_item_is_known_when_its_name_or_evidence_is_in_the_taxonomy():
    assert gold_item_known(GoldItem("Microsoft Excel", "tool", "spreadsheets"), TAXONOMY)
    assert gold_item_known(GoldItem("Collaboration", "soft", "team player"), TAXONOMY)
    assert gold_item_known(GoldItem("Scripting", "technical", "scripts in Python"), TAXONOMY)
    assert not gold_item_known(GoldItem("Budgeting", "domain", "budgets"), TAXONOMY)


def test_summaries_are_micro_averages_and_empty_sets_give_zeros():
    text = "Python and Excel."
    doc = GoldDocument("r", "resume", text, (GoldItem("Python", "technical", "Python"),))
    other = GoldDocument("s", "resume", "Payroll.", (GoldItem("Payroll", "domain", "Payroll"),))
    scores = [
        score_document(doc, TAXONOMY.extract(text), TAXONOMY),
        score_document(other, (), TAXONOMY),
    ]

    summary = summarize(scores)

    assert (summary.documents, summary.extracted, summary.gold) == (2, 2, 2)
    assert (summary.precision, summary.recall) == (0.5, 0.5)
    assert (summary.recall_known, summary.coverage) == (0.5, 1.0)
    assert summarize([]).precision == 0.0
