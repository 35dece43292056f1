"""Hostile and broken uploads: each must be refused with the right code (or flagged
needs_ocr) in bounded memory. The files are built by ``parsing_files`` at test time.

Memory is the asserted resource: the peak Python heap (tracemalloc) and the growth of the
process's peak RSS (which also sees C allocations) must stay under ``MEMORY_BOUND``.
No assertion is made on seconds.
"""

from __future__ import annotations

import pytest

from recruiting.parsing import FileLimits, ParseError, parse_resume
from recruiting.parsing.validate import check_filename
from recruiting.tests import parsing_files as files

MB = 1024 * 1024
MEMORY_BOUND = 200 * MB


def refused(data: bytes, filename: str, limits: FileLimits | None = None) -> ParseError:
    outcome = files.run_bounded(lambda: parse_resume(data, filename, limits=limits or FileLimits()))
    assert outcome.peak_python_bytes < MEMORY_BOUND, outcome.peak_python_bytes
    assert outcome.rss_growth_bytes < MEMORY_BOUND, outcome.rss_growth_bytes
    assert isinstance(outcome.error, ParseError), f"not refused: {outcome.error or outcome.value!r}"
    assert isinstance(outcome.error, ValueError)
    assert str(outcome.error), "a ParseError needs a human message"
    return outcome.error


def accepted(data: bytes, filename: str, limits: FileLimits | None = None):
    outcome = files.run_bounded(lambda: parse_resume(data, filename, limits=limits or FileLimits()))
    assert outcome.error is None, repr(outcome.error)
    assert outcome.peak_python_bytes < MEMORY_BOUND
    assert outcome.rss_growth_bytes < MEMORY_BOUND
    return outcome.value


# --- size and name ----------------------------------------------------------------------


def test_oversize_is_refused_before_parsing_with_the_limit_in_the_message():
    data = b"%PDF-1.7\n" + b"0" * (10 * MB + 300 * 1024)  # never a valid PDF: size wins
    error = refused(data, "cv.pdf")
    assert error.code == "too_large"
    assert str(error) == "File is 10.3 MB; the limit is 10 MB."


def test_custom_size_limit():
    error = refused(b"a" * (2 * MB), "cv.txt", FileLimits(max_bytes=1 * MB))
    assert error.code == "too_large"
    assert "the limit is 1 MB" in str(error)


@pytest.mark.parametrize("data", [b"", bytearray()])
def test_empty_file(data):
    assert refused(bytes(data), "cv.pdf").code == "empty"


def test_whitespace_only_text_file_is_empty():
    assert refused(b" \n\t\n  ", "cv.txt").code == "empty"


@pytest.mark.parametrize(
    "name",
    [
        "../cv.pdf",
        "../../etc/passwd",
        "a/../../cv.pdf",
        "..\\..\\cv.pdf",
        "/etc/passwd",
        "\\\\server\\share\\cv.pdf",
        "C:\\Users\\x\\cv.pdf",
        "cv\x00.pdf",
        "cv\n.pdf",
        "cv\x1b[31m.pdf",
        "cv\u202e.fdp",  # right-to-left override hides the real extension
        "",
        "   ",
        "x" * 300 + ".pdf",
    ],
)
def test_bad_file_names(name):
    error = refused(b"plain text resume", name)
    assert error.code == "bad_filename"


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("cv.pdf", "cv.pdf"),
        ("My CV (final).PDF", "My_CV_final.pdf"),
        ("Résumé – José.txt", "Resume_Jose.txt"),
        ("folder/sub/jane.txt", "jane.txt"),
        (".hidden.txt", "hidden.txt"),
        ("con.txt", "resume_con.txt"),
        ("résumé", "resume"),
    ],
)
def test_safe_filename(name, safe):
    assert check_filename(name) == safe


def test_safe_filename_is_returned():
    parsed = accepted(b"Jane Doe\nPython developer", "uploads/My CV.txt")
    assert parsed.safe_filename == "My_CV.txt"


# --- type detection ---------------------------------------------------------------------


def test_pdf_renamed_docx_is_a_type_mismatch():
    error = refused(files.text_pdf(files.SAMPLE_LINES), "cv.docx")
    assert error.code == "type_mismatch"
    assert ".docx" in str(error) and "PDF" in str(error)


def test_docx_renamed_pdf_is_a_type_mismatch():
    assert refused(files.make_docx(), "cv.pdf").code == "type_mismatch"


def test_text_renamed_pdf_is_a_type_mismatch():
    assert refused(b"Jane Doe\nEngineer", "cv.pdf").code == "type_mismatch"


def test_html_saved_as_txt_is_read_as_html_with_a_warning():
    parsed = accepted(b"<html><body><p>Jane Doe</p><p>Engineer</p></body></html>", "cv.txt")
    assert parsed.kind == "html"
    assert parsed.text == "Jane Doe\n\nEngineer"  # paragraphs: a blank line apart
    assert any("HTML" in w for w in parsed.warnings)


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "cv.png"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "cv.pdf"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "cv"),
        (bytes(range(256)) * 8, "cv.txt"),
        (b"{\\rtf1\\ansi Jane}", "cv.rtf"),
        (b"Jane Doe", "cv.exe"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "cv.doc"),
    ],
)
def test_unsupported_types(data, name):
    assert refused(data, name).code == "unsupported_type"


def test_zip_that_is_not_a_docx():
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert refused(buf.getvalue(), "cv.docx").code == "unsupported_type"


def test_corrupt_zip_is_corrupt():
    data = files.make_docx()
    assert refused(data[: len(data) // 2], "cv.docx").code == "corrupt"


def test_encrypted_docx():
    assert refused(files.fake_encrypted_docx(), "cv.docx").code == "encrypted"


# --- DOCX bombs -------------------------------------------------------------------------


def test_zip_bomb_docx_200mb_of_spaces():
    data = files.zip_bomb_docx(200)
    assert len(data) < 2 * MB  # small on disk...
    error = refused(data, "cv.docx")  # ...refused without inflating it all
    assert error.code == "zip_bomb"
    assert "50 MB" in str(error)


def test_zip_bomb_docx_whose_headers_lie_about_sizes():
    data = files.lie_about_sizes(files.zip_bomb_docx(200), size=4096)
    assert refused(data, "cv.docx").code == "zip_bomb"


def test_small_lie_about_sizes_is_corrupt():
    data = files.lie_about_sizes(files.make_docx(), size=100)
    assert refused(data, "cv.docx").code == "corrupt"


def test_custom_inflated_limit():
    limits = FileLimits(max_inflated_bytes=5 * MB)
    error = refused(files.zip_bomb_docx(200), "cv.docx", limits)
    assert error.code == "zip_bomb"
    assert "5 MB" in str(error)


def test_docx_with_too_many_entries():
    error = refused(files.many_entries_docx(600), "cv.docx")
    assert error.code == "zip_bomb"
    assert "the limit is 500" in str(error)


def test_docx_with_external_entity_xxe():
    assert refused(files.xxe_docx(), "cv.docx").code == "xml_entities"


def test_docx_with_billion_laughs():
    assert refused(files.billion_laughs_docx(), "cv.docx").code == "xml_entities"


# --- PDF --------------------------------------------------------------------------------


def test_encrypted_pdf():
    error = refused(files.encrypted_pdf(), "cv.pdf")
    assert error.code == "encrypted"
    assert "password" in str(error)


def test_pdf_with_only_an_owner_password_is_read():
    parsed = accepted(files.encrypted_pdf(user_password=""), "cv.pdf")
    assert parsed.status == "parsed"
    assert "Work History" in parsed.text
    assert any("owner password" in w for w in parsed.warnings)


def test_pdf_with_10000_pages_is_a_page_bomb():
    error = refused(files.many_pages_pdf(10_000), "cv.pdf")
    assert error.code == "page_bomb"
    assert str(error) == "The PDF has 10,000 pages; the limit is 50."


def test_pdf_whose_page_count_lies_is_still_a_page_bomb():
    error = refused(files.many_pages_pdf(10_000, declared=3), "cv.pdf")
    assert error.code == "page_bomb"


def test_custom_page_limit():
    data = files.text_pdf(files.SAMPLE_LINES * 3)  # 2 pages
    assert refused(data, "cv.pdf", FileLimits(max_pages=1)).code == "page_bomb"
    assert accepted(data, "cv.pdf", FileLimits(max_pages=2)).pages == 2


def test_pdf_content_stream_inflating_to_300_mb():
    data = files.content_bomb_pdf(300)
    assert len(data) < 2 * MB
    error = refused(data, "cv.pdf")
    assert error.code == "stream_bomb"
    assert "the limit is 2 MB" in str(error)


def test_pdf_nested_compression_bomb():
    data = files.content_bomb_pdf(300, nested=True)
    assert len(data) < 64 * 1024
    assert refused(data, "cv.pdf").code == "stream_bomb"


def test_pdf_form_xobject_expansion_bomb():
    # 3 nested forms, each drawing the next 1000 times: ~1 KB that a text extractor
    # would have to interpret 10^9 times.
    assert refused(files.form_bomb_pdf(1000, 3), "cv.pdf").code == "stream_bomb"


def test_image_only_pdf_needs_ocr():
    parsed = accepted(files.image_only_pdf(), "scan.pdf")
    assert parsed.status == "needs_ocr"
    assert parsed.kind == "pdf"
    assert parsed.text == ""
    assert any("OCR" in w for w in parsed.warnings)


@pytest.mark.parametrize("pages", [0, 1, 3])
def test_empty_pdf_needs_ocr(pages):
    parsed = accepted(files.blank_pdf(pages), "cv.pdf")
    assert parsed.status == "needs_ocr"
    assert parsed.warnings


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage garbage",
        files.text_pdf(["Jane Doe"])[:200],
    ],
)
def test_corrupt_pdf(data):
    outcome = files.run_bounded(lambda: parse_resume(data, "cv.pdf"))
    # A truncated PDF is either refused as corrupt or, when a reader can recover
    # nothing from it, flagged as having no text: never an unhandled exception.
    if outcome.error is not None:
        assert isinstance(outcome.error, ParseError)
        assert outcome.error.code == "corrupt"
    else:
        assert outcome.value.status == "needs_ocr"


def test_error_codes_are_value_errors_with_a_repr():
    error = ParseError("too_large", "File is 12.3 MB; the limit is 10 MB.")
    assert isinstance(error, ValueError)
    assert error.code == "too_large"
    assert "too_large" in repr(error)


def test_pdf_of_a_few_kb_carrying_15_mb_of_text_operators_is_refused_naming_the_limit():
    # The probe's file: ~29 KB that took a worker to 2.2 GB RSS.
    data = files.make_pdf([files.text_operators(15 * MB)])
    assert len(data) < 64 * 1024
    error = refused(data, "cv.pdf")
    assert error.code == "stream_bomb"
    assert "the limit is 2 MB" in str(error)


def test_pdf_page_drawing_more_characters_than_the_page_limit_is_refused_in_bounded_memory():
    # One string of 300,000 characters: 300 KB of operators, gigabytes as character objects.
    limit = FileLimits().max_pdf_page_chars
    data = files.make_pdf([b"BT /F1 1 Tf 72 700 Td (" + b"a" * 300_000 + b") Tj ET"])
    error = refused(data, "cv.pdf")
    assert error.code == "stream_bomb"
    assert f"Page 1 of the PDF draws more than {limit:,} characters" in str(error)


def test_pdf_whose_pages_together_draw_more_characters_than_the_document_limit_is_refused():
    limits = FileLimits(max_pdf_chars=5_000, max_pdf_page_chars=2_000)
    page = b"BT /F1 1 Tf 72 700 Td (" + b"a" * 1_500 + b") Tj ET"
    assert accepted(files.make_pdf([page] * 3), "cv.pdf", limits).pages == 3
    error = refused(files.make_pdf([page] * 4), "cv.pdf", limits)
    assert error.code == "stream_bomb"
    assert str(error) == "The PDF draws more than 5,000 characters; the limit is 5,000."


def test_pdf_forms_drawn_on_every_page_count_towards_one_budget_for_the_document():
    # Each page draws a 30 KB form four times: 120 KB a page, 360 KB for three pages. Before,
    # each page could draw eight times the budget.
    limits = FileLimits(max_pdf_content_bytes=200 * 1024)
    data = files.form_pages_pdf(form_bytes=30 * 1024, draws=4, pages=3)
    error = refused(data, "cv.pdf", limits)
    assert error.code == "stream_bomb"
    assert "the limit is 200 KB" in str(error)
    once = files.form_pages_pdf(form_bytes=30 * 1024, draws=1, pages=3)
    assert accepted(once, "cv.pdf", limits).pages == 3
