"""Word boxes and plain text from the candidate PDF libraries.

Production uses :data:`DEFAULT_BACKEND` (chosen by ``bench/bench_pdf_parsers.py``); the
others stay importable so the benchmark can be re-run when a library changes. Each
backend imports its library lazily, so a missing optional one (pymupdf) costs nothing.

Every function takes the PDF bytes and the page indexes to read and returns one entry
per page; coordinates are PDF points with the origin at the top-left of the page.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from .pdf_layout import Word

T = TypeVar("T")

__all__ = ["BACKENDS", "DEFAULT_BACKEND", "PLAIN", "available_backends"]

DEFAULT_BACKEND = "pdfplumber"
# PDFium word building (see _pdfium_words): how much wider than the run's letter
# spacing a gap must be to separate words, in font-box heights. Word spaces measured on
# the livecareer (wkhtmltopdf) PDFs are ~0.2 box heights over the letter spacing.
WORD_GAP = 0.12
SPACE_GAP = 0.06


# --- pdfplumber (pdfminer.six) ---------------------------------------------------------


def pdfplumber_words(data: bytes, pages: Iterable[int]) -> list[list[Word]]:
    import pdfplumber

    out = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for index in pages:
            page = pdf.pages[index]
            words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
            out.append([Word(w["x0"], w["x1"], w["top"], w["bottom"], w["text"]) for w in words])
            page.close()
    return out


def pdfplumber_plain(data: bytes, pages: Iterable[int]) -> list[str]:
    import pdfplumber

    out = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for index in pages:
            page = pdf.pages[index]
            out.append(page.extract_text() or "")
            page.close()
    return out


# --- pypdf -----------------------------------------------------------------------------


def pypdf_plain(data: bytes, pages: Iterable[int]) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return [reader.pages[i].extract_text() or "" for i in pages]


def pypdf_layout(data: bytes, pages: Iterable[int]) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return [reader.pages[i].extract_text(extraction_mode="layout") or "" for i in pages]


# --- pymupdf (AGPL: benchmark only unless the licence is accepted) --------------------


def pymupdf_words(data: bytes, pages: Iterable[int]) -> list[list[Word]]:
    import pymupdf

    out = []
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        for index in pages:
            words = doc[index].get_text("words")
            out.append([Word(w[0], w[2], w[1], w[3], w[4]) for w in words])
    return out


def pymupdf_plain(data: bytes, pages: Iterable[int]) -> list[str]:
    import pymupdf

    with pymupdf.open(stream=data, filetype="pdf") as doc:
        return [doc[i].get_text() for i in pages]


def pymupdf_sorted(data: bytes, pages: Iterable[int]) -> list[str]:
    import pymupdf

    with pymupdf.open(stream=data, filetype="pdf") as doc:
        return [doc[i].get_text(sort=True) for i in pages]


# --- pypdfium2 (PDFium; Apache-2.0 / BSD-3-Clause) -------------------------------------


def _pdfium_pages(data: bytes, pages: Iterable[int], read: Callable[[Any, Any], T]) -> list[T]:
    """``read(page, textpage)`` of each page, every PDFium handle closed after use."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        out = []
        for index in pages:
            page = pdf[index]
            textpage = page.get_textpage()
            out.append(read(page, textpage))
            textpage.close()
            page.close()
        return out
    finally:
        pdf.close()


def pypdfium2_plain(data: bytes, pages: Iterable[int]) -> list[str]:
    return _pdfium_pages(data, pages, lambda page, textpage: textpage.get_text_range())


def pypdfium2_words(data: bytes, pages: Iterable[int]) -> list[list[Word]]:
    import pypdfium2.raw as raw

    return _pdfium_pages(
        data, pages, lambda page, textpage: _pdfium_words(textpage, page.get_height(), raw)
    )


def _pdfium_words(textpage, page_height: float, raw) -> list[Word]:
    """Group PDFium characters into words.

    PDFium's own spaces are unreliable both ways: it drops spaces whose glyph overlaps
    the previous letter (wkhtmltopdf output: "drivenwith") and generates spaces inside
    letter-spaced headings ("PROF ILE"). So words are cut by geometry, adaptively per
    run of glyphs on one baseline: the typical (median) gap between neighbouring glyph
    boxes is the letter spacing of that run, and a gap wider than that by
    ``WORD_GAP`` x the box height is a word break (``SPACE_GAP`` where PDFium put a
    space). Tracking, kerning and font box quirks shift every gap of a run alike, so
    they cancel out.
    """
    handle = textpage.raw
    runs: list[list[tuple]] = []
    run: list[tuple] = []
    space_seen = False
    for i in range(textpage.count_chars()):
        code = raw.FPDFText_GetUnicode(handle, i)
        ch = chr(code) if 0 < code < 0x110000 else ""
        if not ch or ch == "\ufffe":
            continue
        if ch in "\r\n":
            if run:
                runs.append(run)
            run, space_seen = [], False
            continue
        if ch.isspace():
            space_seen = True
            continue
        left, cbottom, right, ctop = textpage.get_charbox(i, loose=True)
        ink_left, _, ink_right, _ = textpage.get_charbox(i, loose=False)
        if ink_right <= ink_left:
            ink_left, ink_right = left, right
        top, bottom = page_height - ctop, page_height - cbottom
        glyph = (ch, left, right, top, bottom, ink_left, ink_right, space_seen)
        space_seen = False
        if run:
            prev = run[-1]
            height = min(prev[4] - prev[3], bottom - top) or 1.0
            same_line = min(prev[4], bottom) - max(prev[3], top) > 0.3 * height
            if not same_line or left - prev[2] < -(bottom - top):
                runs.append(run)
                run = []
        run.append(glyph)
    if run:
        runs.append(run)
    words: list[Word] = []
    for run in runs:
        words.extend(_split_run(run))
    return [w for w in words if w.bottom > w.top]


def _split_run(run: list[tuple]) -> list[Word]:
    gaps = [b[1] - a[2] for a, b in itertools.pairwise(run)]
    heights = sorted(g[4] - g[3] for g in run)
    height = heights[len(heights) // 2] or 1.0
    letter_gap = sorted(gaps)[len(gaps) // 2] if gaps else 0.0
    words: list[Word] = []
    start = 0
    for index, gap in enumerate(gaps, start=1):
        extra = gap - letter_gap
        space = run[index][7]
        if extra > WORD_GAP * height or (space and extra > SPACE_GAP * height):
            words.append(_word(run[start:index]))
            start = index
    words.append(_word(run[start:]))
    return words


def _word(glyphs: list[tuple]) -> Word:
    # The extent is the ink: a column's text should not seem to reach into the gutter
    # by the side bearings of its font boxes.
    return Word(
        min(g[5] for g in glyphs),
        max(g[6] for g in glyphs),
        min(g[3] for g in glyphs),
        max(g[4] for g in glyphs),
        "".join(g[0] for g in glyphs),
    )


WordsFn = Callable[[bytes, Iterable[int]], list[list[Word]]]
PlainFn = Callable[[bytes, Iterable[int]], list[str]]

BACKENDS: dict[str, WordsFn] = {
    "pdfplumber": pdfplumber_words,
    "pymupdf": pymupdf_words,
    "pypdfium2": pypdfium2_words,
}
PLAIN: dict[str, PlainFn] = {
    "pypdf": pypdf_plain,
    "pypdf-layout": pypdf_layout,
    "pdfplumber": pdfplumber_plain,
    "pymupdf": pymupdf_plain,
    "pymupdf-sort": pymupdf_sorted,
    "pypdfium2": pypdfium2_plain,
}
_MODULES = {
    "pypdf": "pypdf",
    "pypdf-layout": "pypdf",
    "pdfplumber": "pdfplumber",
    "pymupdf": "pymupdf",
    "pymupdf-sort": "pymupdf",
    "pypdfium2": "pypdfium2",
}


def available_backends() -> set[str]:
    import importlib.util

    return {name for name, module in _MODULES.items() if importlib.util.find_spec(module)}
