"""Text normalisation shared by every format."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

__all__ = ["cap_combining_runs", "clean_text", "truncate"]

_NEWLINES = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")
# Bullet glyphs from symbol fonts that land in the Private Use Area (Symbol, Wingdings).
_PUA_BULLETS = {
    "\uf0b7": "•",
    "\uf0a7": "•",
    "\uf0d8": "•",
    "\uf076": "•",
    "\uf0fc": "•",
    "\uf0a8": "•",
    "\uf02d": "-",
}
_DROP = {
    "\u00ad",  # soft hyphen (handled at line ends first)
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
}
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
# "develop-\nment" -> "development"; only lower-case continuations, so "Jan 2018 -\n" or
# "Full-\nStack" style line ends are left alone. The letters on either side are look-arounds of
# fixed width, never consumed: a pattern that captured the word before the hyphen retried the
# whole letter run from each of its positions, quadratic on a long run of letters.
_HYPHEN_BREAK = re.compile(r"(?<=[A-Za-zÀ-ÖØ-öø-ÿ]{2})[-\u00ad]\n[ \t]*(?=[a-zà-öø-ÿ]{2})")
# "S K I L L S" (letter-spaced headings from design tools) -> "SKILLS".
_LETTER_SPACED = re.compile(r"(?<![^\s])(?:[A-Za-z] ){3,}[A-Za-z](?![^\s])")


# Unicode normalisation puts each run of combining marks in canonical order by sorting it in
# place, in time quadratic in the run's length: 300,000 alternating accents took minutes. No
# script stacks more than a few marks on one letter; the stream-safe format of UAX #15 allows 30,
# and a longer run keeps its first 30.
MAX_COMBINING_RUN = 30


@cache
def _combining_run() -> re.Pattern[str]:
    """A run of more than MAX_COMBINING_RUN non-starters: characters with a combining class, or
    whose compatibility decomposition starts with one (built once, on first use)."""
    marks = []
    for code in range(0x110000):
        ch = chr(code)
        if unicodedata.combining(ch) or (
            unicodedata.decomposition(ch)
            and unicodedata.combining(unicodedata.normalize("NFKD", ch)[0])
        ):
            marks.append(code)
    ranges = []
    for code in marks:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    cls = "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )
    return re.compile(f"([{cls}]{{{MAX_COMBINING_RUN}}})[{cls}]+")


def cap_combining_runs(text: str) -> str:
    """``text`` with every run of combining marks cut to MAX_COMBINING_RUN, so that Unicode
    normalisation of it costs time in proportion to its length."""
    if text.isascii():
        return text
    return _combining_run().sub(r"\1", text)


def _char_ok(ch: str) -> bool:
    cat = unicodedata.category(ch)
    if cat == "Cc":
        return ch in "\n\t"
    return cat not in ("Cf", "Cs", "Co", "Cn")


def clean_text(raw: str) -> str:
    """NFKC, one kind of newline, no control/format chars, de-hyphenated line ends,
    single spaces, at most one blank line in a row; line breaks are kept."""
    text = _NEWLINES.sub("\n", raw)
    if any(ch in text for ch in _PUA_BULLETS):
        text = "".join(_PUA_BULLETS.get(ch, ch) for ch in text)
    text = _HYPHEN_BREAK.sub("", text.replace("\u00ad\n", "-\n"))
    text = unicodedata.normalize("NFKC", cap_combining_runs(text))
    text = "".join(ch for ch in text if ch not in _DROP and _char_ok(ch))
    lines = []
    for line in text.split("\n"):
        line = _SPACES.sub(" ", line).strip()
        if len(line) >= 7 and " " in line:
            line = _LETTER_SPACED.sub(lambda m: m.group(0).replace(" ", ""), line)
        lines.append(line)
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def truncate(text: str, max_chars: int) -> tuple[str, str | None]:
    """Cut ``text`` to ``max_chars`` (at a line break when one is near) with a warning."""
    if len(text) <= max_chars:
        return text, None
    cut = text.rfind("\n", max(0, max_chars - 2000), max_chars)
    cut = cut if cut > 0 else max_chars
    return (
        text[:cut].rstrip(),
        f"Text truncated to {max_chars:,} characters (the document has {len(text):,}).",
    )
