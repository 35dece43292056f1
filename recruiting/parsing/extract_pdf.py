"""PDF text in reading order.

Library: pdfplumber (pdfminer.six, MIT) for the word boxes, our ``pdf_layout`` for the
reading order (columns). Chosen by ``bench/bench_pdf_parsers.py``: with pymupdf it has
the best text fidelity with our layout (livecareer PDF vs source text 0.988, PDF/DOCX
pairs 1.000, two-column order 149/150), without pymupdf's AGPL. It is the slowest
(~260 ms/page vs 18 for pymupdf, 33 for pypdfium2); pypdfium2 was rejected because
PDFium drops space glyphs that overlap the previous letter (wkhtmltopdf output), which
glues words ("ofthe"): 0.961 on the same check.
"""

from __future__ import annotations

import io
import logging
import re
import time
from dataclasses import dataclass, field
from functools import cache

from .errors import ParseError
from .model import FileLimits
from .pdf_layout import Word, layout_page_text
from .pdf_safety import check_pdf

__all__ = ["PdfText", "extract_pdf"]

_CID = re.compile(r"\(cid:\d+\)")
_MIN_LETTERS_PER_PAGE = 20


@dataclass
class PdfText:
    text: str
    pages: int
    needs_ocr: bool = False
    warnings: list[str] = field(default_factory=list)


def extract_pdf(data: bytes, limits: FileLimits, deadline: float | None = None) -> PdfText:
    info = check_pdf(data, limits, deadline)
    warnings = list(info.warnings)
    if info.pages == 0:
        return PdfText(
            "", 0, needs_ocr=True, warnings=[*warnings, "The PDF has no pages, so no text."]
        )
    page_texts = _pdfplumber_pages(data, info.pages, info.password, limits, deadline)
    empty_pages = []
    for number, text in enumerate(page_texts, start=1):
        if sum(ch.isalpha() for ch in text) < _MIN_LETTERS_PER_PAGE:
            empty_pages.append(number)
    text = "\n\n".join(page_texts)
    letters = sum(ch.isalpha() for ch in text)
    if letters < _MIN_LETTERS_PER_PAGE:
        warnings.append(
            "The PDF has no text layer (a scan or an image-only PDF): it needs OCR "
            "before it can be matched."
        )
        return PdfText(text, info.pages, needs_ocr=True, warnings=warnings)
    if empty_pages and len(empty_pages) < info.pages:
        listed = ", ".join(str(n) for n in empty_pages[:10])
        more = "..." if len(empty_pages) > 10 else ""
        warnings.append(f"Page(s) {listed}{more} have no text layer (images only); not read.")
    return PdfText(text, info.pages, warnings=warnings)


class _CharBudget:
    """Counts the characters the extractor draws; past a limit the file is refused at once,
    before the characters of one more page pile up in memory."""

    def __init__(self, limits: FileLimits) -> None:
        self.limits = limits
        self.total = 0
        self.page = 0
        self.page_number = 0

    def start_page(self, number: int) -> None:
        self.page, self.page_number = 0, number

    def add_char(self) -> None:
        self.total += 1
        self.page += 1
        if self.page > self.limits.max_pdf_page_chars:
            limit = self.limits.max_pdf_page_chars
            raise ParseError(
                "stream_bomb",
                f"Page {self.page_number} of the PDF draws more than {limit:,} characters; "
                f"the limit is {limit:,} per page.",
            )
        if self.total > self.limits.max_pdf_chars:
            limit = self.limits.max_pdf_chars
            raise ParseError(
                "stream_bomb",
                f"The PDF draws more than {limit:,} characters; the limit is {limit:,}.",
            )


@cache
def _budgeted_page_type():
    """pdfplumber's Page, laid out by a device that counts characters and keeps no shapes or
    images (text needs neither; pdfminer's own text converters skip them the same way)."""
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfplumber.page import Page, PDFPageAggregatorWithMarkedContent

    class CountingAggregator(PDFPageAggregatorWithMarkedContent):
        def __init__(self, *args, budget: _CharBudget, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.budget = budget

        def render_char(self, *args, **kwargs) -> float:
            self.budget.add_char()
            return super().render_char(*args, **kwargs)

        def paint_path(self, *args, **kwargs) -> None:
            pass

        def render_image(self, *args, **kwargs) -> None:
            pass

    class BudgetedPage(Page):
        def __init__(self, *args, budget: _CharBudget, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.budget = budget

        @property
        def layout(self):
            if not hasattr(self, "_layout"):
                device = CountingAggregator(
                    self.pdf.rsrcmgr,
                    pageno=self.page_number,
                    laparams=self.pdf.laparams,
                    budget=self.budget,
                )
                PDFPageInterpreter(self.pdf.rsrcmgr, device).process_page(self.page_obj)
                self._layout = device.get_result()
            return self._layout

    return BudgetedPage


def _pdfplumber_pages(
    data: bytes, pages: int, password: str | None, limits: FileLimits, deadline: float | None
) -> list[str]:
    import pdfplumber
    from pdfminer.pdfpage import PDFPage

    page_type = _budgeted_page_type()
    budget = _CharBudget(limits)
    # pdfminer logs a warning for every font quirk ("Could not get FontBBox ..."):
    # noise for us, the result is checked instead.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    texts: list[str] = []
    try:
        with pdfplumber.open(io.BytesIO(data), password=password or "") as pdf:
            doctop = 0.0
            # Walk pdfminer's page generator ourselves: pdfplumber's ``pdf.pages`` would
            # first build every page, and pdfminer may find more pages than pypdf did
            # (it scans for page objects when the page tree is broken).
            for index, page_obj in enumerate(PDFPage.create_pages(pdf.doc)):
                if index >= pages:
                    break
                _check_deadline(deadline, limits)
                budget.start_page(index + 1)
                page = page_type(
                    pdf, page_obj, page_number=index + 1, initial_doctop=doctop, budget=budget
                )
                doctop += page.height
                words = [
                    Word(w["x0"], w["x1"], w["top"], w["bottom"], _CID.sub("", w["text"]))
                    for w in page.extract_words(keep_blank_chars=False, use_text_flow=False)
                ]
                page.close()
                texts.append(layout_page_text(words))
    except ParseError:
        raise
    except RecursionError as exc:
        raise ParseError("corrupt", "The PDF structure is nested too deeply.") from exc
    except MemoryError as exc:  # pragma: no cover - guarded by the pre-check
        raise ParseError("stream_bomb", "The PDF needs too much memory to read.") from exc
    except Exception as exc:  # pdfminer raises many types (PSException, PDFSyntaxError...)
        name = type(exc).__name__
        if "Password" in name or "Encrypt" in name:
            raise ParseError(
                "encrypted", "The PDF is password-protected; upload a copy without a password."
            ) from exc
        raise ParseError("corrupt", f"The PDF cannot be read ({name}: {exc}).") from exc
    return texts


def _check_deadline(deadline: float | None, limits: FileLimits) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise ParseError(
            "timeout",
            f"Reading the PDF took longer than {limits.timeout_s:g} s; the file was refused.",
        )
