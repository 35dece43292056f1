"""Value objects of the parsing layer (no Django, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Contacts", "FileLimits", "ParsedResume", "Section"]

SECTION_NAMES = (
    "summary",
    "experience",
    "education",
    "skills",
    "certifications",
    "projects",
    "other",
)


@dataclass(frozen=True)
class FileLimits:
    """Resource limits applied to one uploaded file.

    ``max_inflated_bytes`` bounds what decompression may produce: the sum of the real
    inflated sizes of all DOCX zip entries, and the sum of the decoded sizes of the PDF
    streams a text extractor would read (page contents, form XObjects, fonts, CMaps).
    ``max_pdf_content_bytes`` bounds the drawing operators the PDF text extractor interprets
    in the whole document, each form counted as often as it is drawn (its run time is about
    linear in that size: 2-7 s per MB). ``max_pdf_chars`` and ``max_pdf_page_chars`` bound
    the characters it draws, in the document and on one page (each costs ~2 KB while its page
    is read). Real resumes stay far below: at most 0.5 MB of operators, 72,000 characters and
    18,000 on one page among the 190 PDFs of the shared data.
    ``timeout_s`` is a cooperative deadline checked between pages and parsing stages; it
    is a backstop, the limits above are the primary bound.
    """

    max_bytes: int = 10 * 1024 * 1024
    max_pages: int = 50
    max_zip_entries: int = 500
    max_inflated_bytes: int = 50 * 1024 * 1024
    max_chars: int = 2_000_000
    max_pdf_content_bytes: int = 2 * 1024 * 1024
    max_pdf_chars: int = 200_000
    max_pdf_page_chars: int = 40_000
    max_xml_elements: int = 1_000_000
    timeout_s: float = 60.0


@dataclass(frozen=True)
class Section:
    """A detected resume section: ``text[start:end]`` (``start`` is the heading line)."""

    name: str
    start: int
    end: int
    heading: str = ""


@dataclass(frozen=True)
class Contacts:
    name: str | None = None
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedResume:
    text: str
    kind: str  # "pdf" | "docx" | "txt" | "html"
    sha256: str
    safe_filename: str
    sections: tuple[Section, ...] = ()
    contacts: Contacts = field(default_factory=Contacts)
    years_experience: float | None = None
    warnings: tuple[str, ...] = ()
    status: str = "parsed"  # "parsed" | "needs_ocr"
    pages: int | None = None

    def section_text(self, name: str) -> str:
        """Concatenated text of every section called ``name`` (empty string if none)."""
        return "\n".join(self.text[s.start : s.end] for s in self.sections if s.name == name)
