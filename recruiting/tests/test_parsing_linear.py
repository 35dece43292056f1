"""Text processing on the resume and job description path costs time in proportion to its
input, whatever the input repeats: a long run of one letter, of one punctuation mark, of blank
lines. Measured as a ratio of CPU times in the same test (8x the input may cost up to 16x; a
quadratic function costs ~64x), never in seconds."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from mlcore import jobtext
from mlcore.skills import SkillEntry, SkillTaxonomy
from mlcore.text import split_sentences
from recruiting.parsing.clean import clean_text
from recruiting.parsing.contacts import extract_contacts
from recruiting.parsing.experience import find_date_ranges
from recruiting.parsing.sections import detect_sections
from recruiting.parsing.text_formats import extract_html
from recruiting.sources.sanitize import description_to_html

from .costs import growth

# Linear: ~8x for 8x the input. Twice that leaves room for a noisy machine; quadratic is ~64x.
LINEAR_BOUND = 16
N = 2000

# Characters that the rules look for (letters either side of a line-end hyphen, soft hyphens,
# spaced capitals, blank lines, bullets before a heading, contact and date punctuation) and a
# few that they do not.
ALPHABET = "aZé-\u00ad\n \tS1.@/:(•*+"
LINEAR = settings(
    max_examples=25,
    deadline=None,
    derandomize=os.environ.get("CI") == "true",
    # A failing example is already as small as it gets; shrinking would re-time it many times.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)

TAXONOMY = SkillTaxonomy.from_entries(
    [SkillEntry("Python"), SkillEntry("SQL"), SkillEntry("Go", ("Golang",), requires_context=True)]
)


def posting_requirements(text: str):
    return jobtext.posting_requirements(text, TAXONOMY)


TEXT_FUNCTIONS = {
    "clean_text": clean_text,
    "detect_sections": detect_sections,
    "extract_contacts": extract_contacts,
    "find_date_ranges": find_date_ranges,
    "split_sentences": split_sentences,
    "job_sections": jobtext.sections,
    "years_required_of": jobtext.years_required_of,
    "posting_requirements": posting_requirements,
}


def repeated(unit: str):
    return lambda n: unit * (n // len(unit) + 1)


@pytest.mark.parametrize("name", TEXT_FUNCTIONS)
@LINEAR
@given(unit=st.text(alphabet=ALPHABET, min_size=1, max_size=4))
@example(unit="a")  # clean_text: 40,000 letters in a row took 8.5 s
@example(unit="é")
@example(unit="ab-\n")
@example(unit="\n")  # job_sections: every line start rescanned the blank lines below it
@example(unit="*\n")
# clean_text: Unicode normalisation sorted a run of combining marks in quadratic time.
@example(unit="\u0301\u0316")
# posting_requirements: each skill re-read its whole sentence for cues; each mention looked for
# its sentence from the first one; "About us" headings rescanned the blank lines below.
@example(unit="SQL, ")
@example(unit="SQL. ")
def test_a_long_run_of_a_short_pattern_costs_time_in_proportion_to_its_length(name, unit):
    assert growth(TEXT_FUNCTIONS[name], repeated(unit), n=N, bound=LINEAR_BOUND) <= LINEAR_BOUND


def resume_html(text: str):
    return extract_html(text.encode("utf-8"))


HTML_FUNCTIONS = {
    "resume_html": resume_html,  # uploaded resumes (html.parser)
    "job_description": description_to_html,  # job descriptions from feeds and recruiters (nh3)
}


@pytest.mark.parametrize("name", HTML_FUNCTIONS)
@LINEAR
@given(unit=st.text(alphabet="<>ab/ ='\"!-\n", min_size=1, max_size=6))
@example(unit="<a ")  # html.parser retried an unterminated tag from every "<"
@example(unit="<!--")
@example(unit="<div>")  # html5ever walked ever deeper open elements
@example(unit="<ul><li>")
def test_markup_of_any_shape_costs_time_in_proportion_to_its_length(name, unit):
    assert growth(HTML_FUNCTIONS[name], repeated(unit), n=N, bound=LINEAR_BOUND) <= LINEAR_BOUND


def wrapped(prefix: str, unit: str, suffix: str):
    return lambda n: prefix + unit * (n // len(unit) + 1) + suffix


# A run between two other characters: a pattern that can end its match anywhere in the run
# tries every end from every start (200,000 dots or spaces after a digit took minutes).
@pytest.mark.parametrize("name", TEXT_FUNCTIONS)
@pytest.mark.parametrize(
    ("prefix", "unit", "suffix"),
    [("x", ".", "x"), ("1", " ", "x"), ("1 - 2", " ", "x"), ("Jan", " ", "x"), ("a", "!?", "b")],
)
def test_a_long_run_between_two_other_characters_costs_time_in_proportion_to_its_length(
    name, prefix, unit, suffix
):
    make = wrapped(prefix, unit, suffix)
    assert growth(TEXT_FUNCTIONS[name], make, n=N, bound=LINEAR_BOUND) <= LINEAR_BOUND
