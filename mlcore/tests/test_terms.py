"""Free-text requirement terms: lexical matching with word boundaries, case and plural folding,
acronyms, spelling variants, filler words and loose multi-word matches; term lists."""

from __future__ import annotations

import pytest

from mlcore.jobtext import looks_like_term_list, posting_requirements
from mlcore.skills import SkillEntry, SkillTaxonomy
from mlcore.terms import TermMatcher, core_term, split_term_list, term_key

RESUME = """Bachelor of Science in Accounting, 2015
Performed month end closing and A/P reconciliations for three entities.
Built the front-end in React. Answered e-mail tickets. Handled accounts payable.
Certified RN; IT support desk; started evening art classes.
Strong communication with vendors."""


def found(term: str, text: str = RESUME) -> list[str]:
    return [text[a:b] for a, b in TermMatcher(term).find(text)]


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("Accounts Payable", ["accounts payable"]),  # case
        ("reconciliation", ["reconciliations"]),  # plural
        ("entity", ["entities"]),  # -y / -ies
        ("frontend", ["front-end"]),  # a word written split
        ("email", ["e-mail"]),
        ("Excellent communication skills", ["communication"]),  # filler is not required
        ("RN", ["RN"]),
        ("A/P", ["A/P"]),
        ("art", ["art"]),
    ],
)
def test_a_term_matches_its_variants(term, expected):
    assert found(term) == expected


@pytest.mark.parametrize("term", ["start", "ring", "Bookkeeping", "it", "ER", "vendor management"])
def test_a_term_does_not_match_inside_words_or_in_lower_case_prose(term):
    # "start" is not in "started", "ring" not in "closing"; "it"/"ER" only as upper-case words
    assert found(term, RESUME.replace("IT support", "support").replace("RN", "nurse")) == []


def test_a_short_upper_case_acronym_does_not_match_the_same_letters_in_prose():
    assert found("IT", "It was fine; it works.") == []
    assert found("IT", "Head of IT.") == ["IT"]


def test_a_term_of_several_words_also_matches_its_words_close_together_in_one_sentence():
    assert found("month-end close") == ["month end closing"]
    assert found("accounting degree") == ["Bachelor of Science in Accounting"]
    assert found("bachelor's in accounting") == ["Bachelor of Science in Accounting"]


def test_a_loose_match_needs_every_word_in_the_same_sentence():
    text = "I closed the books each month. Our team was at the end of the hall."
    assert found("month-end close", text) == []


def test_keys_fold_case_spacing_plurals_and_filler():
    assert term_key("Month-end closes") == term_key("month end close")
    assert term_key("Strong Excel skills") == term_key("excel")
    assert core_term("Strong working knowledge of QuickBooks (Online)") == "QuickBooks"


def test_a_term_needs_a_letter_and_at_most_120_characters():
    with pytest.raises(ValueError, match="letter or digit"):
        TermMatcher(" -- ")
    with pytest.raises(ValueError, match="120"):
        TermMatcher("x" * 121)


def test_matching_stays_linear_on_a_long_run_of_one_letter():
    # Loose and exact patterns must not backtrack: a 200k-character word is read once.
    text = "a" * 200_000
    assert TermMatcher("aardvark handling").find(text) == ()


def test_a_pasted_list_of_terms_is_split_and_deduplicated():
    assert split_term_list("Excel, GAAP; month-end close\nQuickBooks, excel") == [
        "Excel",
        "GAAP",
        "month-end close",
        "QuickBooks",
    ]


TAXONOMY = SkillTaxonomy.from_entries(
    [
        SkillEntry("Excel"),
        SkillEntry("Python"),
        SkillEntry("Communication", kind="soft"),
        SkillEntry("Tableau"),
        SkillEntry("Recruiting", kind="domain"),
    ]
)


def test_a_list_of_terms_is_a_term_list_and_a_description_is_not():
    assert looks_like_term_list("Excel, GAAP, month-end close")
    assert looks_like_term_list("Skills: QuickBooks; accounts payable; attention to detail")
    assert not looks_like_term_list("We need someone good. Must know Excel. Apply now.")
    assert not looks_like_term_list("Analyst\nRequirements\nExcel\nNice to have\nTableau")


def test_every_item_of_a_term_list_is_a_must_have_known_or_not():
    reqs = posting_requirements("excel, month-end close, ServSafe", TAXONOMY)
    assert [(r.name, r.in_taxonomy, r.requirement) for r in reqs] == [
        ("Excel", True, "required"),
        ("month-end close", False, "required"),
        ("ServSafe", False, "required"),
    ]


def test_a_posting_keeps_blurb_and_soft_skills_out_of_its_must_haves():
    text = (
        "Data Analyst\n"
        "We are a leading recruiting company with offices in 12 cities.\n"
        "You will build reports in Python and Excel.\n"
        "Tableau is a plus.\n"
        "Strong communication with stakeholders.\n"
    )
    reqs = {r.name: r.requirement for r in posting_requirements(text, TAXONOMY)}
    assert reqs == {
        "Python": "required",
        "Excel": "required",
        "Tableau": "nice",
        "Communication": "nice",
    }
