"""Unit tests of the text stages: cleaning, sections, contacts, experience, PDF layout."""

from __future__ import annotations

import datetime as dt

import pytest

from recruiting.parsing.clean import clean_text, truncate
from recruiting.parsing.contacts import find_emails, find_links, find_phones, guess_name
from recruiting.parsing.experience import find_date_ranges, years_of_experience
from recruiting.parsing.intervals import covered_length
from recruiting.parsing.pdf_layout import Word, find_gutter, layout_page_text
from recruiting.parsing.sections import classify_heading, detect_sections, normalise_heading

TODAY = dt.date(2025, 1, 15)

# --- cleaning ---------------------------------------------------------------------------


def test_clean_nfkc_ligatures_and_fullwidth():
    assert clean_text("ﬁnance ｐｙｔｈｏｎ ①") == "finance python 1"


def test_clean_hyphenation_at_line_end():
    assert clean_text("software devel-\nopment and more") == "software development and more"
    assert clean_text("soft\u00ad\nware") == "software"
    # A hyphen before a capital or a digit is a real one.
    assert clean_text("Jan 2018 -\nPresent") == "Jan 2018 -\nPresent"
    assert clean_text("Full-\nStack") == "Full-\nStack"


def test_clean_spaces_lines_and_control_chars():
    raw = "  Jane\t\tDoe  \r\n\r\n\r\n\r\nEngineer\x00\x07 at\u00a0Acme\u200b\x0cNext page\u202e"
    assert clean_text(raw) == "Jane Doe\n\nEngineer at Acme\nNext page"


def test_clean_symbol_font_bullets():
    assert clean_text("\uf0b7 Python\n\uf0a7 Go\n\ue000icon") == "• Python\n• Go\nicon"


def test_clean_letter_spaced_headings():
    assert clean_text("S K I L L S\nE X P E R I E N C E") == "SKILLS\nEXPERIENCE"
    assert clean_text("I am a B.Sc. graduate") == "I am a B.Sc. graduate"


def test_truncate_warns():
    text, warning = truncate("a\n" * 100, 51)
    assert len(text) <= 51 and warning and "51" in warning
    assert truncate("short", 10) == ("short", None)


# --- sections ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Work History", "experience"),
        ("PROFESSIONAL EXPERIENCE", "experience"),
        ("Professional Experience:", "experience"),
        ("Relevant IT Work Experience", "experience"),
        ("Technical Skills", "skills"),
        ("Core Competencies", "skills"),
        ("SKILLS & TOOLS", "skills"),
        ("Licenses & Certifications", "certifications"),
        ("Certifications and Licenses", "certifications"),
        ("Education", "education"),
        ("EDUCATION & TRAINING", "education"),
        ("Academic Projects", "projects"),
        ("Professional Summary", "summary"),
        ("Career Objective", "summary"),
        ("Awards and Honors", "other"),
        ("• Volunteer Experience •", "other"),
    ],
)
def test_headings(line, name):
    assert classify_heading(line) == name


@pytest.mark.parametrize(
    "line",
    [
        "Project Manager",
        "PROJECT MANAGER",
        "ASI Technologies",
        "I have strong skills in Python.",
        "Experienced in leading teams across several large projects and programmes",
        "Python, Django, PostgreSQL",
        "Jan 2018 - Present",
        "",
    ],
)
def test_not_headings(line):
    assert classify_heading(line) is None


def test_heading_decoration_is_stripped_at_both_ends():
    assert normalise_heading("—— SKILLS ——") == "skills"
    assert normalise_heading("• Work History: .") == "work history"
    assert normalise_heading("*** AWARDS ***\n") == "awards"
    assert normalise_heading("- .") == ""
    # 200,000 spaces in mid-line were tried as the trailing decoration from each one: minutes.
    assert normalise_heading("a" + " " * 200_000 + "b") == "a b"


def test_detect_sections_offsets():
    text = "Jane Doe\n\nSUMMARY\nGood.\n\nWork History\nAcme 2019 - 2020\n\nSkills:\nPython"
    sections = detect_sections(text)
    assert [(s.name, s.heading) for s in sections] == [
        ("summary", "SUMMARY"),
        ("experience", "Work History"),
        ("skills", "Skills:"),
    ]
    assert text[sections[0].start : sections[0].end] == "SUMMARY\nGood."
    assert text[sections[1].start : sections[1].end] == "Work History\nAcme 2019 - 2020"
    assert text[sections[2].start : sections[2].end] == "Skills:\nPython"


# --- contacts ---------------------------------------------------------------------------


def test_emails():
    text = "Mail: Jane.Doe+cv@Example.co.uk, jane.doe+cv@example.co.uk; bob@test.io."
    assert find_emails(text) == ("jane.doe+cv@example.co.uk", "bob@test.io")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Phone: +1 (555) 123-4567", ("+1 (555) 123-4567",)),
        ("call 555-123-4567 now", ("555-123-4567",)),
        ("(555) 123 4567", ("(555) 123 4567",)),
        ("+44 20 7946 0958", ("+44 20 7946 0958",)),
        ("+91-98765-43210", ("+91-98765-43210",)),
        ("+33 6 12 34 56 78", ("+33 6 12 34 56 78",)),
        ("0049 30 123456", ("0049 30 123456",)),
        ("mobile 9876543210", ("9876543210",)),
        ("206.555.0149", ("206.555.0149",)),
    ],
)
def test_phones(text, expected):
    assert find_phones(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2015-2019",
        "2015 - 2019",
        "Jan 2018 – Present",
        "03/2016 - 08/2020",
        "2010 - 2014, 2016 - 2019",
        "12 05 2019",
        "ZIP 91377",
        "GPA 3.85, 120 credits",
        "Order 1234567",
        "version 1.2.3.4",
        "2018 – 2020 2021",
    ],
)
def test_no_phone_in_dates_and_numbers(text):
    assert find_phones(text) == ()


def test_links():
    text = (
        "linkedin.com/in/jane-doe, https://github.com/jane (portfolio: www.jane.dev/work). "
        "mail jane@github.com"
    )
    assert find_links(text) == (
        "https://linkedin.com/in/jane-doe",
        "https://github.com/jane",
        "https://www.jane.dev/work",
    )


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Jane Doe\nBerlin", "Jane Doe"),
        ("JACOB SMITH\nFRESHER", "Jacob Smith"),
        ("RESUME\nMary-Ann O'Neil | mary@x.com", "Mary-Ann O'Neil"),
        ("Curriculum Vitae\n\nJosé García López\nSenior Engineer", "José García López"),
        ("Senior Software Engineer\nPython, Go", None),
        ("SUMMARY\nGreat engineer.", None),
    ],
)
def test_guess_name(text, name):
    assert guess_name(text) == name


# --- experience -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("Acme, Jan 2018 – Present", 7.0),
        ("Acme 2015-2019", 4.0),
        ("Acme 03/2016 - 08/2020", 4.4),
        ("Acme March 2016 to August 2020", 4.4),
        ("Acme Sept. 2019 – Dec. 2020", 1.2),
        ("Acme 2019 to Till Date", 6.0),
        ("Acme 2020-01 - 2021-07", 1.5),
    ],
)
def test_years_from_one_range(text, years):
    assert years_of_experience(text, today=TODAY) == years


def test_spaces_and_a_comma_between_month_and_year():
    assert find_date_ranges("Acme, Jan , 2018 - Present", today=TODAY) == [(6, 24216, 24300)]
    assert find_date_ranges("Jan,2018 – Dec 2019", today=TODAY) == [(0, 24216, 24239)]
    assert find_date_ranges("March\t2016 to August ,  2020", today=TODAY) == [(0, 24194, 24247)]
    # Split both ways around the comma, 200,000 spaces after a month name took minutes.
    assert find_date_ranges("Jan" + " " * 200_000 + "x", today=TODAY) == []


def test_overlapping_ranges_are_merged():
    text = "A: Jan 2015 - Dec 2018\nB: Jan 2017 - Dec 2019\nC: 2021 - 2022"
    # 2015-01..2019-12 (5 y - 1 month) + 2021..2022 (1 y)
    assert years_of_experience(text, today=TODAY) == 5.9


def test_education_ranges_are_ignored_when_sections_allow():
    text = "Work History\nAcme, 2018 - 2020\n\nEducation\nMIT, 2010 - 2014"
    assert years_of_experience(text, detect_sections(text), today=TODAY) == 2.0
    assert years_of_experience(text, (), today=TODAY) == 6.0  # no sections: all ranges


def test_ranges_outside_education_count_without_an_experience_section():
    text = "Profile\nAcme, 2018 - 2020\n\nEducation\nMIT, 2010 - 2014"
    assert years_of_experience(text, detect_sections(text), today=TODAY) == 2.0


def test_no_ranges_no_years():
    assert years_of_experience("Graduated 2014. Python since 2015.", today=TODAY) is None
    assert find_date_ranges("Call 555-123-4567", today=TODAY) == []


def test_implausible_ranges_are_dropped():
    assert years_of_experience("2020 - 2018", today=TODAY) is None
    assert years_of_experience("2019 - 2031", today=TODAY) is None


# --- PDF layout -------------------------------------------------------------------------


def _line(x: float, y: float, text: str, h: float = 10, cw: float = 5) -> list[Word]:
    words, cursor = [], x
    for token in text.split():
        words.append(Word(cursor, cursor + cw * len(token), y, y + h, token))
        cursor += cw * (len(token) + 1)
    return words


def test_layout_single_column_is_not_split():
    words = []
    for i in range(20):
        words += _line(50, 100 + 14 * i, "this is a long single column line of resume text " * 2)
    assert find_gutter(words) is None
    text = layout_page_text(words)
    assert text.count("\n") == 19


def test_layout_two_columns_left_then_right():
    words = _line(150, 40, "JANE DOE DATA ENGINEER", h=20)
    for i in range(12):
        words += _line(40, 100 + 14 * i, f"left{i} skill item")
        words += _line(300, 104 + 14 * i, f"right{i} experience bullet text")
    text = layout_page_text(words)
    assert text.startswith("JANE DOE DATA ENGINEER")
    order = [text.index(f"left{i} ") for i in range(12)] + [
        text.index(f"right{i} ") for i in range(12)
    ]
    assert order == sorted(order)


def test_layout_label_value_rows_stay_rows():
    words = []
    for i in range(10):
        words += _line(40, 100 + 14 * i, f"Label{i}:")
        words += _line(300, 100 + 14 * i, f"value{i} goes here")
    text = layout_page_text(words)
    assert text.splitlines()[:2] == ["Label0: value0 goes here", "Label1: value1 goes here"]


def test_layout_letter_spaced_title_is_joined():
    words = [Word(40 + 12 * i, 48 + 12 * i, 50, 80, ch) for i, ch in enumerate("RODNEY")]
    words += [Word(140 + 12 * i, 148 + 12 * i, 50, 80, ch) for i, ch in enumerate("SMITH")]
    assert layout_page_text(words) == "RODNEY SMITH"


def test_covered_length_counts_overlapping_and_touching_intervals_once():
    assert covered_length([(0, 12), (6, 18), (18, 24), (30, 36)]) == 30
    assert covered_length([(2.5, 3.0), (1.0, 2.0)]) == 1.5
    assert covered_length([]) == 0
