"""Each format end to end on well-formed files built at test time."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from recruiting.parsing import (
    Contacts,
    FileLimits,
    ParsedResume,
    ParseError,
    Section,
    parse_resume,
    pdf_backends,
)
from recruiting.tests import parsing_files as files

TODAY = dt.date(2025, 1, 15)
SAMPLE_TEXT = "\n".join(files.SAMPLE_LINES)


def check_sample(parsed: ParsedResume) -> None:
    assert parsed.status == "parsed"
    names = [s.name for s in parsed.sections]
    assert names == ["summary", "experience", "education", "skills", "certifications"]
    for section in parsed.sections:
        assert 0 <= section.start < section.end <= len(parsed.text)
    experience = parsed.sections[1]
    assert parsed.text[experience.start : experience.end].startswith("Work History")
    assert parsed.contacts.name == "Jane Q. Doe"
    assert parsed.contacts.emails == ("jane.doe@example.com",)
    assert parsed.contacts.phones == ("+49 30 1234 5678",)
    assert parsed.contacts.links == (
        "https://linkedin.com/in/janedoe",
        "https://github.com/janedoe",
    )
    # Jan 2018 - Jan 2025 (7 y) + 03/2014 - 12/2017 (3 y 9 m); education 2010-2014 ignored.
    assert parsed.years_experience == 10.8


def test_public_api_types():
    parsed = parse_resume(SAMPLE_TEXT.encode(), "cv.txt", today=TODAY)
    assert isinstance(parsed, ParsedResume)
    assert isinstance(parsed.contacts, Contacts)
    assert all(isinstance(s, Section) for s in parsed.sections)
    with pytest.raises(AttributeError):
        parsed.text = "changed"  # frozen
    assert parsed.sha256 == hashlib.sha256(SAMPLE_TEXT.encode()).hexdigest()
    assert parsed.section_text("skills").startswith("Technical Skills")


def test_txt_utf8():
    parsed = parse_resume(SAMPLE_TEXT.encode(), "cv.txt", today=TODAY)
    assert parsed.kind == "txt"
    check_sample(parsed)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be", "cp1252", "latin-1"])
def test_txt_encodings(encoding):
    text = SAMPLE_TEXT + "\nLanguages: Français, Español, Deutsch (fließend)\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    parsed = parse_resume(data, "cv.txt", today=TODAY)
    assert "Français, Español, Deutsch (fließend)" in parsed.text
    assert parsed.contacts.emails == ("jane.doe@example.com",)


def test_txt_without_extension():
    parsed = parse_resume(SAMPLE_TEXT.encode(), "resume", today=TODAY)
    assert parsed.kind == "txt"


def test_html_visible_text_and_blocks():
    html = (
        "<!DOCTYPE html><html><head><title>CV</title><style>p{color:red}</style>"
        "<script>var secret = 'x';</script></head><body>"
        + "".join(f"<p>{line}</p>" if line else "<br>" for line in files.SAMPLE_LINES)
        + "<div style='display: none'>hidden text</div><ul><li>Go</li><li>Rust</li></ul>"
        "</body></html>"
    ).encode()
    parsed = parse_resume(html, "cv.html", today=TODAY)
    assert parsed.kind == "html"
    assert "secret" not in parsed.text and "color" not in parsed.text
    assert "hidden text" not in parsed.text
    assert "• Go\n\n• Rust" in parsed.text or "• Go\n• Rust" in parsed.text
    check_sample(parsed)


def test_docx_paragraphs_tables_headers_footers_in_order():
    data = files.make_docx(
        files.SAMPLE_LINES,
        table=[["Language", "Level"], ["Python", "Expert"]],
        header="Curriculum Vitae",
        footer="Page footer text",
    )
    parsed = parse_resume(data, "cv.docx", today=TODAY)
    assert parsed.kind == "docx"
    text = parsed.text
    assert text.index("Curriculum Vitae") < text.index("Jane Q. Doe")
    assert text.index("AWS Certified") < text.index("Language | Level")
    assert text.index("Python | Expert") < text.index("After the table")
    assert text.index("After the table") < text.index("Page footer text")
    assert parsed.contacts.name == "Jane Q. Doe"
    assert parsed.years_experience == 10.8


def test_docx_sample():
    check_sample(parse_resume(files.make_docx(), "cv.docx", today=TODAY))


def test_pdf_sample():
    parsed = parse_resume(files.text_pdf(files.SAMPLE_LINES), "cv.pdf", today=TODAY)
    assert parsed.kind == "pdf"
    assert parsed.pages == 1
    check_sample(parsed)


def test_pdf_two_columns_come_out_column_by_column():
    parsed = parse_resume(files.two_column_pdf(), "cv.pdf", today=TODAY)
    text = parsed.text
    assert text.startswith("JANE DOE\nDATA ENGINEER")
    left = ["SKILLS", "Python", "SQL", "Spark", "LANGUAGES", "English", "German"]
    right = ["EXPERIENCE", "Built batch", "Owned the warehouse", "EDUCATION", "BSc Informatics"]
    positions = [text.index(t) for t in left + right]
    assert positions == sorted(positions), text
    assert [s.name for s in parsed.sections] == ["skills", "other", "experience", "education"]
    assert parsed.years_experience == 6.0  # Jan 2019 - Jan 2025; education ignored


def test_text_is_capped_with_a_warning():
    data = ("Jane Doe\n" + "word " * 50_000).encode()
    parsed = parse_resume(data, "cv.txt", limits=FileLimits(max_chars=10_000))
    assert len(parsed.text) <= 10_000
    assert any("truncated" in w for w in parsed.warnings)


def test_same_bytes_same_hash_and_result():
    a = parse_resume(SAMPLE_TEXT.encode(), "a.txt", today=TODAY)
    b = parse_resume(SAMPLE_TEXT.encode(), "b.txt", today=TODAY)
    assert a.sha256 == b.sha256
    assert a.text == b.text and a.sections == b.sections


def test_parsing_package_does_not_import_django():
    code = (
        "import sys, recruiting.parsing, recruiting.parsing.extract_pdf, "
        "recruiting.parsing.extract_docx, recruiting.parsing.text_formats; "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)


def test_deadline_is_enforced_with_a_timeout_code():
    with pytest.raises(ParseError) as info:
        parse_resume(files.text_pdf(files.SAMPLE_LINES), "cv.pdf", limits=FileLimits(timeout_s=0))
    assert info.value.code == "timeout"


def test_html_with_a_stray_angle_bracket_or_an_unterminated_comment_reads_as_a_browser_shows_it():
    from recruiting.parsing.text_formats import extract_html

    assert "salary < 100k and > 50k" in extract_html(b"<p>salary < 100k and > 50k</p>")
    assert extract_html(b"<p>Jane Doe</p><!-- a comment <b>never</b> closed").strip() == "Jane Doe"
    assert "a <b" in extract_html(b"<p>a <b</p>")


def test_the_pdfium_backends_read_the_same_words_as_the_default_one():
    data = files.text_pdf(["Jane Doe", "Engineer at Acme"])
    words = [w.text for w in pdf_backends.pypdfium2_words(data, [0])[0]]
    assert words == [w.text for w in pdf_backends.BACKENDS["pdfplumber"](data, [0])[0]]
    assert pdf_backends.pypdfium2_plain(data, [0])[0].split() == words
