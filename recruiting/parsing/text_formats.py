"""Plain text and HTML extraction."""

from __future__ import annotations

from mlcore.text import html_to_text

from .errors import ParseError
from .validate import decode_text

__all__ = ["extract_html", "extract_txt"]


def extract_txt(data: bytes) -> str:
    text = decode_text(data)
    if text is None:
        raise ParseError(
            "unsupported_type", "The file does not decode as text in any common encoding."
        )
    return text


def extract_html(data: bytes) -> str:
    """Visible text of an HTML page, block elements on their own lines."""
    text = decode_text(data)
    if text is None:
        raise ParseError("unsupported_type", "The HTML file does not decode as text.")
    try:
        # As on the page: list items keep a bullet, paragraphs come a blank line apart.
        return html_to_text(text, list_marker="• ", blank_lines=True)
    except (AssertionError, ValueError) as exc:  # html.parser is lenient; this is defensive
        raise ParseError("corrupt", f"The HTML could not be parsed: {exc}.") from exc
