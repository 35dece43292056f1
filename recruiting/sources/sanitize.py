"""HTML sanitising and HTML -> text conversion for job descriptions.

Every description that leaves this package went through :func:`sanitize_html`, which
ends with an nh3 (ammonia) pass over a strict allowlist:

    p, br, ul, ol, li, strong, em, b, i, h2, h3, h4, a[href]

Links keep only ``href`` with an http, https or mailto scheme and always carry
``rel="noopener noreferrer nofollow"``. No other attribute survives (``on*``, ``hx-*``,
``style``, ``class``, ``id``...), and the *content* of script/style/iframe-like elements
is dropped, not just the tags.

Job boards send layout-heavy markup (``<div>``/``<span>`` soup, tables, ``<h1>``), so the
pipeline is:

1. text clean-up (control characters, lone surrogates, length cap);
2. nh3 pass 1 with a *wider* allowlist of structural tags and no attributes but a[href];
   html5ever re-serialises it as well-formed HTML;
3. a small structural rewrite (stdlib ``html.parser``) that turns layout blocks
   (div, section, table rows, ...) into paragraph / line breaks and maps h1 -> h2,
   h5/h6 -> h4, so text that was in separate blocks does not run together;
4. nh3 pass 2 with the strict allowlist: this is the security boundary, whatever
   step 3 produced.

:func:`html_to_text` (``mlcore.text``'s, re-exported) turns sanitised HTML into plain text,
the same text the training export reads, and :func:`text_to_html` turns plain text into safe
HTML paragraphs.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

import nh3

from mlcore.text import html_to_text, strip_controls

__all__ = [
    "ALLOWED_TAGS",
    "LINK_REL",
    "clean_field",
    "description_to_html",
    "html_to_text",
    "looks_like_html",
    "sanitize_html",
    "text_to_html",
]

ALLOWED_TAGS = frozenset(
    {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "h2", "h3", "h4", "a"}
)
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"

# Elements whose content is dropped entirely (never shown as text).
_CLEAN_CONTENT_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "svg",
        "math",
        "head",
        "title",
        "textarea",
        "select",
        "option",
        "button",
        "canvas",
        "audio",
        "video",
        "xmp",
        "noembed",
        "noframes",
        "plaintext",
    }
)

# Layout elements that separate blocks of text.
_BLOCK_TAGS = frozenset(
    {
        "div",
        "section",
        "article",
        "aside",
        "header",
        "footer",
        "main",
        "nav",
        "blockquote",
        "pre",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "caption",
        "dl",
        "dt",
        "dd",
        "figure",
        "figcaption",
        "address",
        "center",
        "details",
        "summary",
        "hr",
        "hgroup",
    }
)
_CELL_TAGS = frozenset({"td", "th"})
_HEADING_RENAME = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h4", "h5": "h4", "h6": "h4"}

_PASS1_TAGS = (ALLOWED_TAGS | _BLOCK_TAGS | _CELL_TAGS | set(_HEADING_RENAME)) - _CLEAN_CONTENT_TAGS

# What both nh3 passes share: no attribute but a[href], dropped content, no comments.
_NH3_COMMON: dict[str, Any] = {
    "clean_content_tags": set(_CLEAN_CONTENT_TAGS),
    "attributes": {"a": {"href"}},
    "url_schemes": set(ALLOWED_URL_SCHEMES),
    "strip_comments": True,
}
_PASS1 = nh3.Cleaner(tags=set(_PASS1_TAGS), link_rel=None, **_NH3_COMMON)

MAX_DESCRIPTION_CHARS = 500_000
# html5ever (inside nh3) walks the open elements for many tags: tag soup costs time in the
# square of its tag count (500 KB of "<ul><li>" took minutes). Real descriptions have a few
# hundred tags; one with more than this is read as plain text, its tags stripped.
MAX_HTML_TAGS = 3000
_TAG_RE = re.compile(r"</?[A-Za-z]")
_ANY_TAG_RE = re.compile(r"<[^<>]*>")

_WS_RE = re.compile(r"[ \t\r\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
_TAGLIKE_RE = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?/?\s*>|<!--")
_ENTITY_RE = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")
_EMPTY_P_RE = re.compile(r"<p>(\s|<br>)*</p>")
_EMPTY_INLINE_RE = re.compile(r"<(strong|em|b|i)>\s*</\1>")
_BR_RUN_RE = re.compile(r"(<br>\s*){3,}")
_ZERO_WIDTH_RE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")


def clean_field(value: object, *, max_len: int = 300) -> str:
    """Normalise a one-line text field (title, company, location...) from any JSON scalar.

    Markup is reduced to its text, whitespace collapsed to single spaces, length capped. (A
    whole document keeps its lines: that is ``recruiting.parsing.clean.clean_text``.)
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return ""
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        text = format(value, "g")
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, str):
        text = value
    else:
        return ""
    text = strip_controls(text)
    if "<" in text and looks_like_html(text):
        text = html_to_text(sanitize_html(text))
    elif "&" in text and _ENTITY_RE.search(text):
        text = strip_controls(html.unescape(text))
    text = _ZERO_WIDTH_RE.sub("", text)
    text = " ".join(_WS_RE.sub(" ", text).split())
    if len(text) > max_len:
        text = text[:max_len].rstrip()
    return text


def looks_like_html(value: str) -> bool:
    """True if ``value`` contains something that looks like an HTML tag or comment."""
    return bool(_TAGLIKE_RE.search(value))


class _Restructure(HTMLParser):
    """Rewrite pass-1 output (well-formed, attribute-free but a[href]) to the final tag set.

    Block-level layout tags close the current auto-paragraph; text outside any kept block
    gets wrapped in ``<p>``; inside a kept block (li, p, h*) a layout boundary becomes a
    ``<br>`` before the next text.
    """

    _TEXT_BLOCKS = frozenset({"p", "li", "h2", "h3", "h4"})
    _INLINE = frozenset({"strong", "em", "b", "i", "a"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[str] = []  # open output tags; "p*" is an auto paragraph
        self.pending_break = False
        self.block_has_text = False

    # -- helpers -------------------------------------------------------------------
    def _in_text_block(self) -> bool:
        return any(t in self._TEXT_BLOCKS or t == "p*" for t in self.stack)

    def _close_auto_para(self) -> None:
        if "p*" not in self.stack:
            return
        while self.stack:
            tag = self.stack.pop()
            self.out.append("</p>" if tag == "p*" else f"</{tag}>")
            if tag == "p*":
                break

    def _ensure_text_context(self) -> None:
        if not self._in_text_block():
            self.out.append("<p>")
            self.stack.append("p*")
            self.pending_break = False
            self.block_has_text = False
        elif self.pending_break:
            self.out.append("<br>")
            self.pending_break = False

    def _block_boundary(self) -> None:
        if "p*" in self.stack:
            self._close_auto_para()
        elif self._in_text_block() and self.block_has_text:
            # Only break if something was written inside the current text block.
            self.pending_break = True

    # -- parser callbacks ----------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self._block_boundary()
            return
        if tag in _CELL_TAGS:
            if self._in_text_block():
                self.out.append(" ")
            return
        if tag in _HEADING_RENAME or tag in {"p", "ul", "ol", "li"}:
            name = _HEADING_RENAME.get(tag, tag)
            self._close_auto_para()
            self.pending_break = False
            self.block_has_text = False
            self.out.append(f"<{name}>")
            self.stack.append(name)
            return
        if tag == "br":
            if self._in_text_block():
                self.out.append("<br>")
                self.pending_break = False
            return
        if tag in self._INLINE:
            self._ensure_text_context()
            if tag == "a":
                href = next((v for k, v in attrs if k == "href" and v), None)
                if href:
                    self.out.append(f'<a href="{html.escape(href, quote=True)}">')
                else:
                    self.out.append("<a>")
            else:
                self.out.append(f"<{tag}>")
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in {"br", "hr"}:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self._block_boundary()
            return
        if tag in _CELL_TAGS:
            return
        name = _HEADING_RENAME.get(tag, tag)
        if name not in self.stack:
            return  # unmatched (e.g. closed early by a block boundary)
        while self.stack:
            open_tag = self.stack.pop()
            self.out.append("</p>" if open_tag == "p*" else f"</{open_tag}>")
            if open_tag == name:
                break
        self.pending_break = False

    def handle_data(self, data: str) -> None:
        if not data:
            return
        if not data.strip():
            if self._in_text_block():
                self.out.append(" ")
            return
        self._ensure_text_context()
        self.out.append(html.escape(data, quote=False))
        self.block_has_text = True

    def result(self) -> str:
        self.close()
        while self.stack:
            tag = self.stack.pop()
            self.out.append("</p>" if tag == "p*" else f"</{tag}>")
        return "".join(self.out)


def sanitize_html(value: str, *, base_url: str = "") -> str:
    """Sanitise untrusted HTML down to the description allowlist.

    ``base_url`` (http/https) is used to resolve relative links; without it relative
    links are dropped (they would otherwise point into *our* site).

    The result is a fixed point: sanitising it again changes nothing. One pass can leave an
    element that the next pass empties and drops (an unclosed ``<b>`` reopened around a removed
    block), so passes repeat until the output is stable (two or three in practice).
    """
    out = _sanitize_once(value, base_url=base_url)
    for _ in range(3):
        again = _sanitize_once(out, base_url=base_url)
        if again == out:
            break
        out = again
    return out


def _sanitize_once(value: str, *, base_url: str) -> str:
    if not value:
        return ""
    value = strip_controls(value)[:MAX_DESCRIPTION_CHARS]
    if len(_TAG_RE.findall(value)) > MAX_HTML_TAGS:
        return text_to_html(html.unescape(_ANY_TAG_RE.sub(" ", value)))
    stage1 = _PASS1.clean(value)
    parser = _Restructure()
    try:
        parser.feed(stage1)
        stage2 = parser.result()
    except Exception:  # pragma: no cover - html.parser is very lenient; be safe anyway
        stage2 = html.escape(html_to_text(stage1), quote=False)
    if base_url.lower().startswith(("http://", "https://")):
        url_relative: object = ("rewrite_with_base", base_url)
    else:
        url_relative = "deny"
    try:
        final = _pass2(stage2, url_relative)
    except (ValueError, TypeError):  # e.g. a base URL nh3 cannot parse
        final = _pass2(stage2, "deny")
    final = _EMPTY_INLINE_RE.sub("", final)
    final = _EMPTY_P_RE.sub("", final)
    final = _BR_RUN_RE.sub("<br><br>", final)
    return final.strip()


def _pass2(value: str, url_relative: object) -> str:
    """The security boundary: the strict allowlist, whatever the passes before produced."""
    return nh3.clean(
        value, tags=set(ALLOWED_TAGS), link_rel=LINK_REL, url_relative=url_relative, **_NH3_COMMON
    )


def text_to_html(value: str) -> str:
    """Safe HTML for plain text: blank-line separated paragraphs, single newlines as <br>."""
    if not value:
        return ""
    value = strip_controls(value)[:MAX_DESCRIPTION_CHARS].replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", value) if p.strip()]
    out = []
    for para in paragraphs:
        lines = [
            html.escape(" ".join(_WS_RE.sub(" ", ln).split()), quote=False)
            for ln in para.split("\n")
        ]
        out.append("<p>" + "<br>".join(ln for ln in lines if ln) + "</p>")
    # Still pass through nh3 so the output is byte-for-byte what the HTML path would give.
    return sanitize_html("".join(out))


def description_to_html(value: object, *, base_url: str = "", is_html: bool | None = None) -> str:
    """Sanitised HTML for a description that may be HTML or plain text.

    ``is_html=None`` sniffs the value: anything tag-like is treated as HTML (so hostile
    markup inside a "plain" field is sanitised rather than shown escaped); plain text keeps
    its line structure, with character entities (``&amp;``, ``&nbsp;``) decoded.
    """
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        return ""
    if is_html is None:
        is_html = looks_like_html(value)
    if is_html:
        return sanitize_html(value, base_url=base_url)
    if "&" in value and _ENTITY_RE.search(value):
        value = html.unescape(value)
    return text_to_html(value)
