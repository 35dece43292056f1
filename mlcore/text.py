"""Small text helpers: HTML to plain text, and lines, sentences and whitespace by offset.

:func:`html_to_text` is the one HTML converter: ingestion, the resume parser and the training
export all read a posting's text through it. The span helpers return ``(start, end)`` offsets
into the original string so callers can highlight the exact characters.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from statistics import median

__all__ = [
    "html_to_text",
    "is_list_like",
    "iter_lines",
    "line_span",
    "normalize_space",
    "split_sentences",
    "strip_controls",
    "strip_span",
    "truncate",
    "word_count",
]

Span = tuple[int, int]

# Markers that open a bullet item in resumes and JDs (ASCII and the usual Unicode glyphs), or a
# numbered item "1." / "2)". A hyphen or asterisk only counts when a space follows it.
_BULLET_RE = re.compile(r"[ \t]*(?:[•·▪◦‣●○■□➢➤►✓✔–—]|[-*+](?=\s)|\d{1,2}[.)](?=\s))[ \t]*")
_WORD_RE = re.compile(r"\w+(?:[.'+#-]\w+)*[+#]*")
_SPACE_RE = re.compile(r"\s+")
# A run of sentence punctuation, closing quotes and brackets, then a space or the end. A match
# starts only where a run starts and never gives characters back: tried from every dot of
# "x....x", the old pattern took minutes on 200,000 dots.
_TERMINAL_RE = re.compile(r"(?<![.!?])[.!?]++[\"')\]]*+(?=\s|$)")
_LINE_END_PUNCT = ".!?:;"
_LIST_SPLIT_RE = re.compile(r"[,;|/\t•·▪◦●]")
_LIST_MIN_ITEMS = 3
_LIST_MAX_MEDIAN_WORDS = 3
_LIST_MAX_WORDS = 6

# Tokens that end in a period without ending the sentence. Lower-case, without the final period.
# "etc" is deliberately absent: it usually does end a sentence, and the upper-case test below
# catches the cases where it does not.
# fmt: off
_ABBREVIATIONS = frozenset(
    {
        "e.g", "i.e", "eg", "ie", "cf", "vs", "approx", "incl", "esp", "viz", "al", "ca", "mr",
        "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "no", "nos", "vol", "fig", "inc", "ltd",
        "co", "corp", "dept", "univ", "assoc", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
        "sep", "sept", "oct", "nov", "dec", "a.m", "p.m", "ph.d", "b.sc", "m.sc", "b.s", "m.s",
        "b.a", "m.a", "u.s", "u.k", "e.u",
    }
)
# fmt: on


# Elements whose content is never text: scripts, styles, embedded documents, form widgets.
_HIDDEN_TAGS = frozenset(
    {
        "applet", "audio", "button", "canvas", "embed", "frame", "frameset", "head", "iframe",
        "math", "noembed", "noframes", "noscript", "object", "option", "plaintext", "script",
        "select", "style", "svg", "template", "textarea", "title", "video", "xmp",
    }
)  # fmt: skip
# Elements whose start and end break the line.
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd",
        "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
        "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend",
        "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "tfoot",
        "thead", "tr", "ul",
    }
)  # fmt: skip
_CELL_TAGS = frozenset({"td", "th"})
# Elements that have no end tag, so they never go on the stack of open elements.
_VOID_TAGS = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr",
    }
)  # fmt: skip
# C0 controls but tab and line ends, DEL, non-characters and lone surrogates.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]|[\ud800-\udfff]")
_ZERO_WIDTH_RE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
# html.parser retries a tag or comment that never ends from every "<" after it, to the end of
# the input (quadratic). Before it reads the page: comments go (an unterminated one runs to the
# end, as in a browser), and a "<" that opens no complete tag is text, as a browser shows it.
_COMMENT_RE = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_STRAY_LT_RE = re.compile(r"<(?![A-Za-z/!?][^<>]*>)")
_BLANK_RUN_RE = re.compile(r"\n{3,}")


def strip_controls(value: str) -> str:
    """Remove C0 controls (except tab/newline/CR), DEL, non-characters and lone surrogates.

    NUL in particular cannot be stored in a PostgreSQL text column, and lone surrogates
    (which ``json.loads`` happily produces from ``"\\ud800"``) cannot be UTF-8 encoded.
    """
    return _CONTROL_RE.sub("", value)


class _TextExtractor(HTMLParser):
    """Collects visible text; the stack holds (tag, hidden) for open elements, and ``open``
    counts them by name, so no check walks the stack (a deep one made that quadratic)."""

    def __init__(self, list_marker: str) -> None:
        super().__init__(convert_charrefs=True)
        self.list_marker = list_marker
        self.marker_due = False  # a list item opened and its text has not started yet
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []
        self.open: Counter[str] = Counter()

    @property
    def _hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attrs_d = {k.lower(): (v or "") for k, v in attrs}
        style = attrs_d.get("style", "").replace(" ", "").lower()
        hidden = (
            self._hidden
            or tag in _HIDDEN_TAGS
            or "hidden" in attrs_d
            or "display:none" in style
            or "visibility:hidden" in style
        )
        if tag not in _VOID_TAGS:
            self.stack.append((tag, hidden))
            self.open[tag] += 1
        if hidden:
            return
        if tag in _CELL_TAGS:
            self.parts.append(" ")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "li":
            self.marker_due = bool(self.list_marker)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID_TAGS:
            self.handle_starttag(tag, attrs)
        elif not self._hidden and tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID_TAGS or not self.open[tag]:
            return
        while self.stack:  # close up to the matching start tag (unclosed children too)
            top, _ = self.stack.pop()
            self.open[top] -= 1
            if top == tag:
                break
        if not self._hidden and tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        if self.marker_due and data.strip():
            self.parts.append(self.list_marker)
            self.marker_due = False
        if self.open["pre"]:
            self.parts.append(data.replace("\r\n", "\n").replace("\r", "\n"))
        else:  # line ends in the markup are just spaces; only elements break lines
            self.parts.append(data.replace("\r", " ").replace("\n", " "))


def html_to_text(value: str, *, list_marker: str = "", blank_lines: bool = False) -> str:
    """Plain text of an HTML document or fragment, one line per block.

    Scripts, styles, embedded documents, form widgets and elements marked hidden are dropped;
    entities are decoded; block elements (and ``<br>``) break lines, table cells are spaced;
    whitespace is collapsed within each line (``<pre>`` keeps its line breaks). Empty lines go,
    unless ``blank_lines``: then blocks that follow one another come one blank line apart, as
    paragraphs do on the page. ``list_marker`` goes before the text of each list item. Linear in
    the input's length.
    """
    if not value:
        return ""
    parser = _TextExtractor(list_marker)
    parser.feed(_STRAY_LT_RE.sub("&lt;", _COMMENT_RE.sub(" ", value)))
    parser.close()
    raw = strip_controls(_ZERO_WIDTH_RE.sub("", "".join(parser.parts)))
    lines = [" ".join(line.split()) for line in raw.split("\n")]
    if not blank_lines:
        return "\n".join(line for line in lines if line)
    return _BLANK_RUN_RE.sub("\n\n", "\n".join(lines)).strip("\n")


def normalize_space(text: str) -> str:
    """Collapse every run of whitespace (newlines included) into one space and strip the ends."""
    return _SPACE_RE.sub(" ", text).strip()


def word_count(text: str) -> int:
    """Number of word-like tokens; ``Node.js``, ``C++`` and ``e-mail`` count as one word each."""
    return len(_WORD_RE.findall(text))


def is_list_like(line: str) -> bool:
    """True for a line of at least three short items split by commas, semicolons, pipes,
    slashes, tabs or bullets ("Python, SQL, Go", "Skills: Excel | Word | Access").

    Short means at most six words per item and a median of at most three, which keeps prose
    with a few commas out ("I worked with sales, marketing, and finance to go live").
    """
    items = [item for item in _LIST_SPLIT_RE.split(line) if item.strip()]
    if len(items) < _LIST_MIN_ITEMS:
        return False
    counts = [word_count(item) for item in items]
    return max(counts) <= _LIST_MAX_WORDS and median(counts) <= _LIST_MAX_MEDIAN_WORDS


def truncate(text: str, limit: int) -> str:
    """Shorten ``text`` to at most ``limit`` characters at a word boundary, ending in "…"."""
    text = normalize_space(text)
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 1)]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def iter_lines(text: str) -> list[Span]:
    """Spans of every line in ``text``, without the newline characters (``\\r\\n`` aware)."""
    spans: list[Span] = []
    start = 0
    for match in re.finditer(r"\r\n|\n|\r", text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def line_span(text: str, pos: int) -> Span:
    """The ``(start, end)`` of the line that contains offset ``pos`` (end excludes the newline)."""
    pos = min(max(pos, 0), len(text))
    start = max(text.rfind("\n", 0, pos), text.rfind("\r", 0, pos)) + 1
    ends = [i for i in (text.find("\n", pos), text.find("\r", pos)) if i != -1]
    end = min(ends) if ends else len(text)
    return start, end


def strip_span(text: str, start: int, end: int) -> Span:
    """Shrink ``(start, end)`` so that it neither starts nor ends with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _bullet_end(text: str, start: int, end: int) -> int:
    """Offset just after a leading bullet marker of the line ``text[start:end]``, or ``-1``."""
    match = _BULLET_RE.match(text, start, end)
    if match is None or match.end() == match.start():
        return -1
    stripped = text[match.start() : match.end()].strip()
    return match.end() if stripped else -1


def _is_abbreviation(text: str, unit_start: int, period: int) -> bool:
    """True when the period at ``period`` closes an abbreviation or an initial, not a sentence."""
    token_start = period
    while (
        token_start > unit_start
        and not text[token_start - 1].isspace()
        and text[token_start - 1] not in "([\"'"
    ):
        token_start -= 1
    token = text[token_start:period].lower()
    if not token:
        return False
    if token in _ABBREVIATIONS:
        return True
    # Initials and dotted acronyms: "J. Smith", "U.S.A. based".
    last = token.rsplit(".", 1)[-1]
    return len(last) == 1 and last.isalpha()


def _units(text: str) -> list[Span]:
    """Group lines into units that a sentence never crosses.

    A unit ends at a blank line, before a bullet line, and at a line that ends with sentence
    punctuation or a colon. A line that starts in lower case continues the previous line (text
    wrapped by a PDF extractor); any other line starts a unit of its own, because resumes are
    mostly short lines (titles, dates, headings) with no punctuation at all.
    """
    units: list[Span] = []
    cur_start = -1
    cur_end = -1
    for ls, le in iter_lines(text):
        s, e = strip_span(text, ls, le)
        if s == e:
            if cur_start != -1:
                units.append((cur_start, cur_end))
                cur_start = -1
            continue
        bullet = _bullet_end(text, s, e)
        if bullet != -1:
            s = bullet
            s, e = strip_span(text, s, e)
            if s == e:
                continue
        continues = (
            cur_start != -1
            and bullet == -1
            and text[cur_end - 1] not in _LINE_END_PUNCT
            and text[s].islower()
        )
        if continues:
            cur_end = e
            continue
        if cur_start != -1:
            units.append((cur_start, cur_end))
        cur_start, cur_end = s, e
    if cur_start != -1:
        units.append((cur_start, cur_end))
    return units


def split_sentences(text: str) -> tuple[Span, ...]:
    """Split ``text`` into sentence spans, in order, keeping offsets into ``text``.

    Bullets and line breaks end sentences as described in :func:`_units`; inside a unit a
    sentence ends at ``.``, ``!`` or ``?`` followed by whitespace, unless the period closes a
    known abbreviation ("e.g.", "Dr."), an initial ("J.") or the next word starts in lower case.
    Periods inside tokens ("Node.js", "ASP.NET", "3.5") never split. Each span is stripped of
    surrounding whitespace and bullet glyphs; ``text[start:end]`` may contain a newline where a
    wrapped line was joined.
    """
    spans: list[Span] = []
    for unit_start, unit_end in _units(text):
        start = unit_start
        for match in _TERMINAL_RE.finditer(text, unit_start, unit_end):
            end = match.end()
            first_period = match.start()
            nxt = end
            while nxt < unit_end and text[nxt].isspace():
                nxt += 1
            if nxt < unit_end:
                if text[first_period] == "." and _is_abbreviation(text, unit_start, first_period):
                    continue
                if text[nxt].islower():
                    continue
            s, e = strip_span(text, start, end)
            if s < e:
                spans.append((s, e))
            start = end
        s, e = strip_span(text, start, unit_end)
        if s < e:
            spans.append((s, e))
    return tuple(spans)
