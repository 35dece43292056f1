"""Property tests: any bytes, damaged file or text fed to the resume parsers give a result or a
ParseError, nothing else. Bounded (a fixed example budget per target), reproducible in CI."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from functools import lru_cache
from html import escape

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mlcore.skills import SkillEntry, SkillTaxonomy
from recruiting.parsing import FileLimits, ParsedResume, ParseError, parse_resume
from recruiting.parsing.clean import clean_text, truncate
from recruiting.parsing.contacts import extract_contacts
from recruiting.parsing.experience import find_date_ranges, years_of_experience
from recruiting.parsing.extract_docx import extract_docx
from recruiting.parsing.extract_pdf import extract_pdf
from recruiting.parsing.sections import classify_heading, detect_sections
from recruiting.parsing.text_formats import extract_html, extract_txt
from recruiting.parsing.validate import check_filename, decode_text, detect_kind

from .parsing_files import SAMPLE_LINES, make_docx, make_pdf, rewrite_zip, text_content

# CI explores the same examples on every run, so a failure there reproduces anywhere;
# FUZZ_EXAMPLES raises the budget for a longer session (text targets get twice as many).
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("CI") == "true",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ_TEXT = settings(FUZZ, max_examples=EXAMPLES * 2)
LIMITS = FileLimits(max_bytes=256 * 1024, max_pages=5, max_chars=50_000, timeout_s=20)
TODAY = dt.date(2025, 6, 1)
KINDS = {"pdf", "docx", "txt", "html"}
EXTENSIONS = ["cv.pdf", "cv.docx", "cv.txt", "cv.html", "cv.htm", "cv", "cv.exe", "cv.pdf.txt"]


# --------------------------------------------------------------------------- seed files
@lru_cache(maxsize=1)
def seeds() -> dict[str, bytes]:
    lines = SAMPLE_LINES[:24]
    content = text_content((72, 740 - i * 14, t) for i, t in enumerate(lines))
    html_body = "".join(f"<p>{escape(line)}</p>" for line in lines)
    text = "\n".join(lines)
    return {
        "pdf": make_pdf([content]),
        "pdf_plain": make_pdf([content], compress=False),
        "docx": make_docx(lines),
        "html": f"<!doctype html><html><head><title>CV</title></head><body><h1>{escape(lines[0])}"
        f"</h1>{html_body}<script>x()</script></body></html>".encode(),
        "txt": text.encode(),
        "txt_utf16": text.encode("utf-16"),
    }


def docx_part_offset(needle: bytes, part: str = "word/document.xml") -> int:
    with zipfile.ZipFile(io.BytesIO(seeds()["docx"])) as zf:
        return zf.read(part).index(needle)


W_NAMESPACE_AT = docx_part_offset(b"openxmlformats.org/wordprocessingml/2006/main")

mutations = st.lists(
    st.tuples(
        st.sampled_from(["flip", "insert", "delete", "overwrite", "truncate"]),
        st.integers(min_value=0, max_value=2**31),
        st.binary(min_size=1, max_size=24),
    ),
    min_size=1,
    max_size=6,
)


def mutate(base: bytes, ops) -> bytes:
    data = bytearray(base)
    for op, at, chunk in ops:
        i = at % (len(data) + 1)
        if op == "flip" and data:
            data[i % len(data)] ^= chunk[0] or 0xFF
        elif op == "insert":
            data[i:i] = chunk
        elif op == "delete":
            del data[i : i + len(chunk)]
        elif op == "overwrite":
            data[i : i + len(chunk)] = chunk
        elif op == "truncate":
            del data[i:]
    return bytes(data)


# --------------------------------------------------------------------------- the contract
def parse_or_refuse(data: bytes, filename: str) -> ParsedResume | None:
    """Parse; a ParseError is an allowed refusal, any other exception fails the test."""
    try:
        parsed = parse_resume(data, filename, limits=LIMITS, today=TODAY)
    except ParseError as exc:
        assert exc.code and str(exc)
        return None
    check_parsed(parsed)
    return parsed


def check_parsed(parsed: ParsedResume) -> None:
    assert parsed.kind in KINDS
    assert parsed.status in {"parsed", "needs_ocr"}
    assert parsed.text or parsed.status == "needs_ocr"
    assert len(parsed.text) <= LIMITS.max_chars
    assert "\x00" not in parsed.text
    parsed.text.encode("utf-8")  # no lone surrogates
    parsed.safe_filename.encode("utf-8")
    for section in parsed.sections:
        assert 0 <= section.start < section.end <= len(parsed.text)
    for email in parsed.contacts.emails:
        assert "@" in email
    assert parsed.years_experience is None or 0 <= parsed.years_experience < 200


# --------------------------------------------------------------------------- whole files
@FUZZ
@given(st.binary(max_size=4000), st.sampled_from(EXTENSIONS))
@example(b"%PDF-1.7\n", "cv.pdf")
@example(b"PK\x03\x04", "cv.docx")
@example(b"\xff\xfe\x00\xd8", "cv.txt")
def test_random_bytes_parse_or_are_refused(data, filename):
    parse_or_refuse(data, filename)


@FUZZ
@given(st.sampled_from(["pdf", "pdf_plain"]), mutations)
def test_damaged_pdfs_parse_or_are_refused(seed, ops):
    parse_or_refuse(mutate(seeds()[seed], ops), "cv.pdf")


@FUZZ
@given(mutations)
# Found by this test: a local header naming another file than the central directory escaped
# as zipfile.BadZipFile.
@example([("flip", 30, b"\xff")])
def test_damaged_docx_files_parse_or_are_refused(ops):
    parse_or_refuse(mutate(seeds()["docx"], ops), "cv.docx")


# Found by this test: a namespace URI expat accepts and lxml refuses escaped as XMLSyntaxError;
# a main part whose root is not a w:document (its w: namespace changed) as AttributeError.
@example("word/document.xml", [("insert", 83, b" ")])
@example("word/document.xml", [("overwrite", W_NAMESPACE_AT, b"X")])
@FUZZ
@given(
    st.sampled_from(["word/document.xml", "[Content_Types].xml", "word/_rels/document.xml.rels"]),
    mutations,
)
def test_docx_files_with_damaged_xml_parse_or_are_refused(part, ops):
    with zipfile.ZipFile(io.BytesIO(seeds()["docx"])) as zf:
        xml = zf.read(part)
    data = rewrite_zip(seeds()["docx"], replace={part: mutate(xml, ops)})
    parse_or_refuse(data, "cv.docx")


@FUZZ
@given(st.sampled_from(["html", "txt", "txt_utf16"]), mutations)
def test_damaged_text_and_html_files_parse_or_are_refused(seed, ops):
    parse_or_refuse(mutate(seeds()[seed], ops), "cv.html" if seed == "html" else "cv.txt")


@FUZZ
@given(st.text(max_size=80))
@example("../../etc/passwd")
@example("\x00.pdf")
@example("con.txt")
def test_any_file_name_is_accepted_safely_or_refused(filename):
    try:
        safe = check_filename(filename)
    except ParseError:
        return
    assert "/" not in safe and "\\" not in safe and "\x00" not in safe
    parse_or_refuse(seeds()["txt"], filename)


def test_a_docx_whose_xml_lxml_refuses_is_refused_as_corrupt():
    docx = seeds()["docx"]
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        xml = zf.read("word/document.xml")
    bad = xml.replace(b'"http://schemas', b'"http ://schemas', 1)
    assert bad != xml

    with pytest.raises(ParseError) as refused:
        parse_resume(rewrite_zip(docx, replace={"word/document.xml": bad}), "cv.docx")

    assert refused.value.code == "corrupt"


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        (b"wordprocessingml/2006/main", b"wordprocessingml/2006/mainX", "corrupt"),
        (b"w:body", b"w:bodx", "empty"),
    ],
)
def test_a_docx_without_a_document_or_body_element_is_refused(old, new, code):
    docx = seeds()["docx"]
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        xml = zf.read("word/document.xml")

    with pytest.raises(ParseError) as refused:
        parse_resume(
            rewrite_zip(docx, replace={"word/document.xml": xml.replace(old, new)}), "cv.docx"
        )

    assert refused.value.code == code


# --------------------------------------------------------------------------- per format
@FUZZ
@given(st.binary(max_size=4000))
def test_type_sniffing_names_a_kind_or_refuses(data):
    try:
        kind = detect_kind(data)
    except ParseError:
        return
    assert kind in KINDS
    decoded = decode_text(data)
    assert decoded is None or isinstance(decoded, str)


@FUZZ
@given(st.sampled_from(["pdf", "pdf_plain"]), mutations)
def test_the_pdf_extractor_returns_text_or_refuses(seed, ops):
    try:
        result = extract_pdf(mutate(seeds()[seed], ops), LIMITS)
    except ParseError:
        return
    assert isinstance(result.text, str)


@FUZZ
@given(st.one_of(st.binary(max_size=2000), mutations.map(lambda ops: mutate(seeds()["docx"], ops))))
def test_the_docx_extractor_returns_text_or_refuses(data):
    try:
        text = extract_docx(data, LIMITS)
    except ParseError:
        return
    assert isinstance(text, str)


@FUZZ
@given(st.one_of(st.binary(max_size=2000), mutations.map(lambda ops: mutate(seeds()["html"], ops))))
def test_the_html_and_text_extractors_return_text_or_refuse(data):
    for extract in (extract_html, extract_txt):
        try:
            text = extract(data)
        except ParseError as exc:
            assert exc.code in {"unsupported_type", "corrupt"}
            continue
        assert isinstance(text, str)


# --------------------------------------------------------------------------- text analysis
resume_like = st.lists(
    st.one_of(
        st.text(max_size=60),
        st.sampled_from(SAMPLE_LINES),
        st.sampled_from(
            [
                "Experience",
                "EDUCATION",
                "Skills:",
                "Jan 2018 - Present",
                "03/2014 – 12/2017",
                "1999-2099",
                "Sept. 2020 to now",
                "0000 - 9999",
                "13/2020 - 00/2021",
                "+49 (0) 30 1234-5678",
                "x@y.z",
                "a@" + "b" * 300 + ".com",
                "https://" + "a." * 200 + "com",
                "\ud800\udfff",
                "\u202e\u200b\ufeff",
                "Python, Django, Go, C++, C#, .NET, ML",
            ]
        ),
    ),
    max_size=30,
).map("\n".join)


@FUZZ_TEXT
@given(resume_like)
def test_text_analysis_never_fails_on_any_text(raw):
    text = clean_text(raw)
    text.encode("utf-8")
    kept, _ = truncate(text, 500)
    assert len(kept) <= 500
    sections = detect_sections(text)
    for section in sections:
        assert 0 <= section.start < section.end <= len(text)
    extract_contacts(text)
    for start, first, last in find_date_ranges(text, TODAY):
        assert 0 <= start < len(text) and first <= last
    years = years_of_experience(text, sections, TODAY)
    assert years is None or years >= 0
    for line in text.splitlines()[:10]:
        classify_heading(line)


@lru_cache(maxsize=1)
def taxonomy() -> SkillTaxonomy:
    names = ["Python", "Go", "C++", "C#", ".NET", "Machine Learning", "SQL", "Node.js", "R"]
    return SkillTaxonomy.from_entries(
        SkillEntry(
            name=n,
            aliases=("ML",) if n == "Machine Learning" else (),
            requires_context=SkillTaxonomy.default_requires_context(n),
        )
        for n in names
    )


@FUZZ_TEXT
@given(resume_like, st.lists(st.tuples(st.integers(-5, 400), st.integers(-5, 400)), max_size=3))
def test_skill_matching_returns_spans_inside_the_text(text, contexts):
    for match in taxonomy().extract(text, contexts=contexts):
        for start, end in match.spans:
            assert 0 <= start < end <= len(text)


def test_the_seed_files_parse_so_the_mutations_start_from_valid_files():
    for name, data in seeds().items():
        filename = "cv.pdf" if name.startswith("pdf") else f"cv.{name.split('_')[0]}"
        parsed = parse_resume(data, filename, limits=LIMITS, today=TODAY)
        assert "Jane" in parsed.text, name
