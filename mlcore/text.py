"""Small text helpers that keep character offsets: lines, sentences, whitespace.

Everything here returns ``(start, end)`` spans into the original string so callers can highlight
the exact characters; nothing rewrites the text it was given.
"""

from __future__ import annotations

import re
from statistics import median

__all__ = [
    "is_list_like",
    "iter_lines",
    "line_span",
    "normalize_space",
    "split_sentences",
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
_TERMINAL_RE = re.compile(r"[.!?]+[\"')\]]*(?=\s)|[.!?]+[\"')\]]*$")
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
