"""Resume file parsing: bytes + client file name -> clean text and structure.

Plain Python (no Django): the Django services, Celery tasks and management commands
call :func:`parse_resume`; every refusal is a :class:`ParseError` with a ``code``.

    from recruiting.parsing import parse_resume, ParsedResume, ParseError, FileLimits
    parsed = parse_resume(data, "cv.pdf", limits=FileLimits(max_bytes=10 * 1024 * 1024))
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from typing import Any

from .clean import clean_text, truncate
from .contacts import extract_contacts
from .errors import ParseError
from .experience import years_of_experience
from .extract_docx import extract_docx
from .extract_pdf import extract_pdf
from .model import Contacts, FileLimits, ParsedResume, Section
from .sections import detect_sections
from .text_formats import extract_html, extract_txt
from .validate import check_extension, check_filename, check_size, detect_kind

__all__ = [
    "Contacts",
    "FileLimits",
    "ParseError",
    "ParsedResume",
    "Section",
    "parse_resume",
]

_DEFAULT_LIMITS = FileLimits()


def parse_resume(
    data: bytes,
    filename: str,
    *,
    limits: FileLimits = _DEFAULT_LIMITS,
    today: dt.date | None = None,
) -> ParsedResume:
    """Validate and parse one uploaded resume.

    Order of checks: file name (``bad_filename``), emptiness (``empty``), size
    (``too_large``) — all before any parsing — then the type from the bytes
    (``unsupported_type``, ``type_mismatch``), then the format's own limits (PDF:
    ``encrypted``, ``page_bomb``, ``stream_bomb``; DOCX: ``zip_bomb``, ``xml_entities``,
    ``encrypted``; ``corrupt`` for damaged files, ``timeout`` past ``limits.timeout_s``).

    A PDF without a text layer is not an error: it comes back with
    ``status == "needs_ocr"``, a warning and (nearly) no text.
    ``today`` fixes the date used for "Present" in date ranges (tests).
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("data must be bytes")
    deadline = time.monotonic() + limits.timeout_s
    safe_filename = check_filename(filename)
    data = bytes(data)
    check_size(data, limits)
    kind = detect_kind(data)
    warnings: list[str] = []
    mismatch = check_extension(safe_filename, kind)
    if mismatch:
        warnings.append(mismatch)
    sha256 = hashlib.sha256(data).hexdigest()

    status = "parsed"
    pages = None
    if kind == "pdf":
        result = extract_pdf(data, limits, deadline)
        raw, pages = result.text, result.pages
        warnings.extend(result.warnings)
        if result.needs_ocr:
            status = "needs_ocr"
    elif kind == "docx":
        raw = extract_docx(data, limits)
    elif kind == "html":
        raw = extract_html(data)
    else:
        raw = extract_txt(data)

    # Bound the cleaning work too: nothing past ~the character limit is kept anyway.
    raw_cap = limits.max_chars + limits.max_chars // 4 + 10_000
    if len(raw) > raw_cap:
        raw = raw[:raw_cap]
    text, truncated = truncate(clean_text(raw), limits.max_chars)
    if truncated:
        warnings.append(truncated)
    if time.monotonic() > deadline:
        raise ParseError(
            "timeout", f"Parsing took longer than {limits.timeout_s:g} s; the file was refused."
        )
    if not text and status == "parsed":
        raise ParseError("empty", "The document contains no readable text.")

    # A PDF that needs OCR has (nearly) no text: there is nothing to read structure from.
    structure: dict[str, Any] = {}
    if status != "needs_ocr":
        sections = detect_sections(text)
        if not sections:
            warnings.append("No section headings were recognised.")
        structure = {
            "sections": sections,
            "contacts": extract_contacts(text),
            "years_experience": years_of_experience(text, sections, today),
        }
    return ParsedResume(
        text=text,
        kind=kind,
        sha256=sha256,
        safe_filename=safe_filename,
        warnings=tuple(warnings),
        status=status,
        pages=pages,
        **structure,
    )
