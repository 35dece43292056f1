"""Plain text and HTML extraction."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

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


# Elements whose start/end is a line break in the rendered page.
_BLOCK = {
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "br",
    "caption",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "html",
    "legend",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "ul",
}
# Elements whose content is never shown.
_HIDDEN = {"script", "style", "head", "noscript", "template", "svg", "math", "iframe", "object"}
_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
}


class _TextExtractor(HTMLParser):
    """Collects visible text; the stack holds (tag, hidden) for open elements, and ``open``
    counts them by name, so no check walks the stack (a deep one made that quadratic)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []
        self.open: Counter[str] = Counter()

    @property
    def _hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        tag = tag.lower()
        attrs_d = {k.lower(): (v or "") for k, v in attrs}
        style = attrs_d.get("style", "").replace(" ", "").lower()
        hidden = (
            self._hidden
            or tag in _HIDDEN
            or "hidden" in attrs_d
            or "display:none" in style
            or "visibility:hidden" in style
        )
        if tag not in _VOID:
            self.stack.append((tag, hidden))
            self.open[tag] += 1
        if hidden:
            return
        if tag in ("td", "th"):
            self.parts.append(" ")
        elif tag in _BLOCK:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("• ")

    def handle_startendtag(self, tag, attrs):
        tag = tag.lower()
        if tag in _VOID:
            self.handle_starttag(tag, attrs)
        elif not self._hidden and tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        tag = tag.lower()
        if tag in _VOID or not self.open[tag]:
            return
        while self.stack:  # close up to the matching start tag (unclosed children too)
            top, _ = self.stack.pop()
            self.open[top] -= 1
            if top == tag:
                break
        if not self._hidden and tag in _BLOCK and tag not in ("td", "th"):
            self.parts.append("\n")

    def handle_data(self, data):
        if self._hidden:
            return
        if self.open["pre"]:
            self.parts.append(data)
        else:  # source whitespace is not significant outside <pre>
            collapsed = " ".join(data.split())
            if not collapsed:
                self.parts.append(" ")
                return
            lead = " " if data[0].isspace() else ""
            tail = " " if data[-1].isspace() else ""
            self.parts.append(lead + collapsed + tail)


# html.parser retries a tag or comment that never ends from every "<" after it, to the end of
# the input (quadratic). Before it reads the page: comments go (an unterminated one runs to the
# end, as in a browser), and a "<" that opens no complete tag is text, as a browser shows it.
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_STRAY_LT = re.compile(r"<(?![A-Za-z/!?][^<>]*>)")


def _tags_terminated(text: str) -> str:
    return _STRAY_LT.sub("&lt;", _COMMENT.sub(" ", text))


def extract_html(data: bytes) -> str:
    """Visible text of an HTML page, block elements on their own lines."""
    text = decode_text(data)
    if text is None:
        raise ParseError("unsupported_type", "The HTML file does not decode as text.")
    parser = _TextExtractor()
    try:
        parser.feed(_tags_terminated(text))
        parser.close()
    except (AssertionError, ValueError) as exc:  # html.parser is lenient; this is defensive
        raise ParseError("corrupt", f"The HTML could not be parsed: {exc}.") from exc
    body = "".join(parser.parts)
    lines = [" ".join(line.replace("\t", " ").split()) for line in body.split("\n")]
    return "\n".join(lines)
